#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs, with apt-get, what building and testing pmtufix needs on a
# Debian 12 machine.  Does nothing when everything is already there.
#
# Usage: tests/deps.sh [build|test|pkg]
#   build   compilers, kernel-independent libraries (the default)
#   test    also QEMU, busybox and the tools the guest borrows from this host,
#           and what building the debug kernel (tests/vm/kernel/) needs
#   pkg     also what building and checking the Debian packages needs
#           (tests/pkg/build.sh installs the kernel headers itself)
#
# test includes pkg and what the systemd lane of the VM tests (run.sh -m
# systemd) installs in the guest beside pmtufix's packages.

set -eu

build_pkgs=(gcc make pkg-config libc6-dev libmnl-dev libxtables-dev kmod)
test_pkgs=(qemu-system-x86 busybox-static cpio xz-utils zstd iproute2
	   iptables nftables python3 tcpdump procps sparse linux-source-6.12
	   ethtool jq prometheus util-linux groff-base mandoc bash-completion
	   ipvsadm wireguard-tools clang libclang-rt-14-dev flex bison bc
	   libelf-dev)

pkg_pkgs=(dpkg-dev debhelper dh-dkms dkms lintian fakeroot prometheus
	  systemd groff-base mandoc)

system_pkgs=(iptables-persistent prometheus-node-exporter curl dkms systemd)

pkgs=("${build_pkgs[@]}")
case ${1:-build} in
build) ;;
test) pkgs+=("${test_pkgs[@]}" "${pkg_pkgs[@]}" "${system_pkgs[@]}") ;;
pkg) pkgs+=("${pkg_pkgs[@]}") ;;
*) echo "Usage: $0 [build|test|pkg]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "deps: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	}
	sudo=sudo
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
