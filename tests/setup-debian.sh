#!/usr/bin/env bash
# Install everything kmm needs on a fresh Debian (12) machine: the packages
# listed in tests/debian-packages.txt.  Safe to run again; uses sudo only
# when not already root.
set -euo pipefail
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
	$(grep -v '^#' "$(dirname "$0")/debian-packages.txt") > /dev/null
echo "kmm: packages installed"
