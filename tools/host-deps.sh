#!/usr/bin/env bash
# Installs the Debian tools the test suite uses: dtc (device trees), iasl (ACPI tables) and cpio
# (initramfs archives), to check our output against independent implementations, and QEMU for
# both architectures, which the nested end-to-end tests boot (they install it themselves when
# they start, but the suites before them that bundle QEMU into an image would be skipped on a
# fresh machine). Runs apt-get only for what is missing, and only as root; otherwise it says what
# to install and the tests that need a missing tool are skipped with a printed reason.
set -euo pipefail
declare -A packages=(
  [dtc]=device-tree-compiler
  [iasl]=acpica-tools
  [cpio]=cpio
  [qemu-system-x86_64]=qemu-system-x86
  [qemu-system-aarch64]=qemu-system-arm
)
missing=()
for tool in "${!packages[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${packages[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "host-deps: missing ${missing[*]}; install them (apt-get install ${missing[*]}) to run every test" >&2
  exit 0
fi
echo "host-deps: installing ${missing[*]}" >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
