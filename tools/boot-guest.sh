#!/usr/bin/env bash
# The main job: fetch the Debian guest kernel and build the busybox initramfs (cached under
# .cache/guest), then boot it under `vmm` with the serial console on this terminal.
# Run through `pnpm start`, which builds the packages first. Extra arguments go to `vmm`.
set -euo pipefail
cd "$(dirname "$0")/.."
node tools/guest/dist/cli.js fetch >&2
guest=.cache/guest/x86_64
echo "boot-guest: booting $(cat "$guest/kernel-release") under vmm (Ctrl-A x quits)" >&2
exec node apps/cli/dist/cli.js \
  --kernel "$guest/vmlinuz" \
  --initramfs "$guest/initramfs.cpio.gz" \
  --memory 512M \
  --cmdline "console=ttyS0 earlyprintk=serial,ttyS0 reboot=k panic=-1" \
  "$@"
