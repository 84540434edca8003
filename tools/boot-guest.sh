#!/usr/bin/env bash
# The main job: boot the Debian guest kernel with a busybox initramfs to an interactive shell
# under `vmm`, with the serial console on this terminal (Ctrl-A x quits). Run through
# `pnpm start`, which builds the packages first.
#
# Two paths, and it says which one it takes:
# - native: this host's /dev/kvm runs vmm directly;
# - nested: where this host's KVM cannot run an unmodified Linux (kvm_pvm, the shadow-paging
#   flavour, stops it with an emulation failure partway through boot; QEMU fails the same way)
#   or there is no /dev/kvm, QEMU in software emulation boots a Linux host with a real nested
#   KVM and vmm runs inside it (the e2e test bed, tools/e2e).
# VMM_PATH=native or VMM_PATH=nested forces a path.
set -euo pipefail
cd "$(dirname "$0")/.."
node tools/guest/dist/cli.js fetch >&2
guest=.cache/guest/x86_64
release=$(cat "$guest/kernel-release")

path=${VMM_PATH:-}
if [ -z "$path" ]; then
  if [ ! -e /dev/kvm ]; then
    path=nested
    why="this host has no /dev/kvm"
  elif [ -e /sys/module/kvm_pvm ]; then
    path=nested
    why="this host's /dev/kvm is kvm_pvm (shadow paging), which stops an unmodified Linux partway through boot with an emulation failure"
  else
    path=native
    why="this host's /dev/kvm can run it"
  fi
else
  why="VMM_PATH=$path"
fi

case "$path" in
  native)
    echo "boot-guest: native path ($why): booting $release under vmm; Ctrl-A x quits" >&2
    exec node apps/cli/dist/vmm.cjs \
      --kernel "$guest/vmlinuz" \
      --initramfs "$guest/initramfs.cpio.gz" \
      --memory 512M \
      --cmdline "console=ttyS0 reboot=k panic=-1" \
      "$@"
    ;;
  nested)
    echo "boot-guest: nested path ($why): QEMU (software emulation) boots a Linux host with nested KVM, and vmm boots $release inside it; Ctrl-A x quits vmm, Ctrl-] stops QEMU" >&2
    exec node tools/e2e/dist/cli.js shell "$@"
    ;;
  *)
    echo "boot-guest: VMM_PATH must be native or nested (got '$path')" >&2
    exit 2
    ;;
esac
