#!/usr/bin/env bash
# Install everything kmm needs on a fresh Debian (12) machine.  Safe to run
# again; uses sudo only when not already root.
set -euo pipefail
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
	build-essential meson ninja-build pkg-config libglib2.0-dev check \
	valgrind lcov gcovr graphviz binutils python3 \
	qemu-system-x86 grub-pc-bin grub-common xorriso mtools \
	> /dev/null
echo "kmm: packages installed"
