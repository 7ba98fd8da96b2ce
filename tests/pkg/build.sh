#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages and the install rules, on this host:
#
#   versions    VERSION, dkms.conf and debian/changelog agree (and a
#               disagreement is caught)
#   deb         `make deb`: pmtufix_<v>_amd64.deb, pmtufix-dkms_<v>_all.deb
#   lintian     no error (warnings and notes listed)
#   contents    each package holds what it promises, and only sources in
#               /usr/src/pmtufix-<v>
#   units       tests/pkg/units.sh: the helpers and systemd-analyze verify
#   alerts      promtool check rules on the packaged alert rules
#   dkms        `dkms add` and `dkms build` of the packaged sources for
#               each Debian kernel flavour, in private DKMS trees (this
#               host's own kernel has no headers and is not built for)
#   install     `make install` and `make uninstall` with DESTDIR (PREFIX
#               /usr and /usr/local), run as nobody so that any write
#               outside DESTDIR fails; nothing left after uninstall
#   dkms-install  only sources copied, even after an in-tree build;
#               `dkms add` of a checkout registers VERSION
#
# Usage: tests/pkg/build.sh [-i]
#   -i  also install both packages on this host (dpkg -i: DKMS builds and
#       installs the module for every kernel with headers), check dkms
#       status, upgrade them to the next version (built from a copy of
#       this tree) and check that DKMS rebuilt the module and dropped the
#       old one, then purge and check that the modules are gone.  For a
#       throwaway machine only.

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/pkg
install_debs=0
CHECK_SHOW_OK=1
# shellcheck source=tests/lib/hostcheck.sh
source "$top/tests/lib/hostcheck.sh"

while getopts ih opt; do
	case $opt in
	i) install_debs=1 ;;
	*) sed -n 's/^# \{0,1\}//; /^Usage:/,/^$/p' "$0" >&2; exit 2 ;;
	esac
done

tmp=$(mktemp -d) || exit 1
chmod 0755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

log() { printf 'pkg: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# Runs "$@" with its output in $out/NAME.log, shown when it fails.
logged() {
	local name=$1

	shift
	"$@" >"$out/$name.log" 2>&1 && return 0
	tail -n 40 "$out/$name.log" | sed 's/^/#   /'
	return 1
}

# The ABI a kernel metapackage points to, as tests/vm/run.sh resolves it.
resolve_abi() {
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: linux-image-\(.*-amd64\)$/\1/p' |
		head -n 1
}

ensure_headers() {
	[ -f "/usr/src/linux-headers-$1/Makefile" ] && return 0
	log "installing linux-headers-$1"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "linux-headers-$1" >/dev/null 2>&1
}

[ "$(id -u)" = 0 ] || die "run as root: DKMS and the kernel headers need it"
mkdir -p "$out"
"$top/tests/deps.sh" pkg || die "tests/deps.sh pkg failed"
cd "$top" || exit 1
version=$(cat VERSION)

# Versions.
check "VERSION, dkms.conf and debian/changelog agree" make -s version-check
check "a disagreement is caught" \
	eval '! make -s version-check VERSION=9.9.9 2>/dev/null'

# The packages.
start=$SECONDS
check "make deb" logged deb make deb || die "no packages to check"
log "make deb: $((SECONDS - start)) s"
deb=$top/build/deb/pmtufix_${version}_amd64.deb
dkmsdeb=$top/build/deb/pmtufix-dkms_${version}_all.deb
check "pmtufix_${version}_amd64.deb built" test -f "$deb"
check "pmtufix-dkms_${version}_all.deb built" test -f "$dkmsdeb"

start=$SECONDS
lintian --allow-root -I --tag-display-limit 0 "$top"/build/deb/*.changes \
	>"$out/lintian.log" 2>&1
sed 's/^/# lintian: /' "$out/lintian.log"
check "lintian: no error" eval '! grep -q "^E:" "$out/lintian.log"'
log "lintian: $((SECONDS - start)) s"

# Contents.
dpkg-deb -x "$deb" "$tmp/pmtufix"
dpkg-deb -x "$dkmsdeb" "$tmp/dkms"
xtlibdir=$(pkg-config --variable=xtlibdir xtables)
missing=
for f in usr/sbin/pmtufix "${xtlibdir#/}/libxt_PMTUFIX.so" \
	 usr/share/man/man8/pmtufix.8.gz usr/share/man/man8/libxt_PMTUFIX.8.gz \
	 usr/share/man/man8/pmtufix.service.8.gz \
	 usr/share/bash-completion/completions/pmtufix \
	 usr/libexec/pmtufix/pmtufix-boot usr/libexec/pmtufix/pmtufix-metrics \
	 lib/systemd/system/pmtufix.service \
	 lib/systemd/system/pmtufix-metrics.service \
	 lib/systemd/system/pmtufix-derive.service \
	 lib/systemd/system/pmtufix-metrics.timer \
	 etc/pmtufix/README usr/share/doc/pmtufix/examples/edge.conf \
	 usr/share/doc/pmtufix/examples/pmtufix-alerts.yml; do
	[ -e "$tmp/pmtufix/$f" ] || missing+=" $f"
done
check "pmtufix: every file it promises" same "" "$missing"
check "pmtufix: nothing in /etc/pmtufix that the service would load" \
	same "README" "$(ls "$tmp/pmtufix/etc/pmtufix")"
check "pmtufix: the units name the packaged helpers" \
	grep -qx "ExecStart=/usr/libexec/pmtufix/pmtufix-boot start" \
	"$tmp/pmtufix/lib/systemd/system/pmtufix.service"
check "pmtufix: libxt_PMTUFIX(8) renders without warnings" \
	same "" "$(zcat "$tmp/pmtufix/usr/share/man/man8/libxt_PMTUFIX.8.gz" |
		   groff -man -Tutf8 -ww -z 2>&1)"
check "pmtufix: pmtufix.service(8) renders without warnings" \
	same "" "$(zcat "$tmp/pmtufix/usr/share/man/man8/pmtufix.service.8.gz" |
		   groff -man -Tutf8 -ww -z 2>&1)"
src=$tmp/dkms/usr/src/pmtufix-$version
want=$(cd "$top" && ls -1 Kbuild VERSION dkms.conf kmod/*.[ch] kmod/core/*.[ch] \
	include/uapi/linux/*.h | sort)
check "pmtufix-dkms: the module's sources, nothing else" \
	same "$want" "$(cd "$src" && find . -type f | sed 's|^\./||' | sort)"
check "pmtufix-dkms: dkms.conf of version $version" \
	grep -qx "PACKAGE_VERSION=\"$version\"" "$src/dkms.conf"
check "pmtufix-dkms: dkms.conf builds for 6.1 and newer only" \
	grep -q '^BUILD_EXCLUSIVE_KERNEL=' "$src/dkms.conf"
check "pmtufix-dkms: depends on dkms" \
	eval 'dpkg-deb -f "$dkmsdeb" Depends | grep -qw dkms'
dpkg-deb -e "$dkmsdeb" "$tmp/dkms-control"
check "pmtufix-dkms: dh_dkms's postinst and prerm" \
	eval 'grep -q "common.postinst" "$tmp/dkms-control/postinst" &&
	      grep -q "dkms remove -m \$DKMS_NAME" "$tmp/dkms-control/prerm"'

# Units and alert rules.
check "tests/pkg/units.sh" logged units "$top/tests/pkg/units.sh"
check "promtool check rules on the packaged alert rules" logged alerts \
	promtool check rules "$tmp/pmtufix/usr/share/doc/pmtufix/examples/pmtufix-alerts.yml"

# DKMS, per Debian kernel flavour, in private trees.
abis=()
for meta in linux-image-amd64 linux-image-6.12-amd64 \
	    linux-image-cloud-amd64 linux-image-6.12-cloud-amd64; do
	abi=$(resolve_abi "$meta")
	if [ -z "$abi" ]; then
		echo "# SKIP $meta: not known to apt (apt-get update?)"
		continue
	fi
	abis+=("$abi")
done
[ ${#abis[@]} -gt 0 ] || check "kernel metapackages resolved" false
ko612=
for abi in "${abis[@]}"; do
	ensure_headers "$abi" || { check "linux-headers-$abi installed" false; continue; }
	tree=$tmp/dkms-tree-$abi
	mkdir -p "$tree"
	start=$SECONDS
	if logged "dkms-$abi" sh -c "dkms add -m pmtufix -v $version \
		--sourcetree '$tmp/dkms/usr/src' --dkmstree '$tree' &&
		dkms build -m pmtufix -v $version -k $abi \
		--sourcetree '$tmp/dkms/usr/src' --dkmstree '$tree'"; then
		ko=$(find "$tree/pmtufix/$version/$abi" -name 'xt_PMTUFIX.ko*' | head -n 1)
		check "dkms build for $abi ($((SECONDS - start)) s)" test -n "$ko"
		log "dkms build $abi: $((SECONDS - start)) s"
		case $ko in
		*.xz) xz -dc "$ko" >"$tmp/xt_PMTUFIX-$abi.ko" ;;
		*.zst) zstd -qdc "$ko" >"$tmp/xt_PMTUFIX-$abi.ko" ;;
		*) cp "$ko" "$tmp/xt_PMTUFIX-$abi.ko" ;;
		esac
		check "the module for $abi is for $abi, version $version" same \
			"$abi $version" "$(modinfo -F vermagic "$tmp/xt_PMTUFIX-$abi.ko" |
			cut -d' ' -f1) $(modinfo -F version "$tmp/xt_PMTUFIX-$abi.ko")"
		case $abi in 6.12*-amd64) [ -n "$ko612" ] || ko612=$tmp/xt_PMTUFIX-$abi.ko ;; esac
	else
		check "dkms build for $abi" false
	fi
done
regex=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' "$src/dkms.conf")
matched=
for k in 5.10.0-30-amd64 6.0.0-1-amd64 6.1.0-57-amd64 6.1.0-57-cloud-amd64 \
	 6.12.117+deb12-amd64 6.19.1 7.0.0-1-amd64; do
	[[ $k =~ $regex ]] && matched+=" $k"
done
check "dkms.conf: BUILD_EXCLUSIVE_KERNEL takes 6.1 and newer, not older" same \
	" 6.1.0-57-amd64 6.1.0-57-cloud-amd64 6.12.117+deb12-amd64 6.19.1 7.0.0-1-amd64" \
	"$matched"

# make install / uninstall, as nobody, from a copy of the tree that nobody
# owns: a write outside DESTDIR (and the copy) fails.
copy=$tmp/src
mkdir -p "$copy"
git ls-files -z -co --exclude-standard | xargs -0 sh -c \
	'for f; do [ ! -e "$f" ] || cp --parents "$f" "$0"; done' "$copy"
[ -n "$ko612" ] && cp "$ko612" "$copy/xt_PMTUFIX.ko"
chown -R nobody:nogroup "$copy"
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$tmp" "$@"
}
for prefix in /usr /usr/local; do
	dest=$tmp/dest$(echo "$prefix" | tr / _)
	mkdir -p "$dest"
	chown nobody:nogroup "$dest"
	check "make install DESTDIR PREFIX=$prefix, as nobody" logged "install$(basename $prefix)" \
		as_nobody make -C "$copy" install DESTDIR="$dest" PREFIX="$prefix"
	# Below PREFIX, but for the module and, under /usr, /etc/pmtufix.
	allowed="^$prefix/|^/lib/modules/[^/]*/updates/xt_PMTUFIX.ko$"
	[ "$prefix" = /usr ] && allowed+="|^/etc/pmtufix/README$"
	outside=$(cd "$dest" && find . ! -type d | sed 's|^\./|/|' |
		  grep -Ev "$allowed")
	check "PREFIX=$prefix: every file below PREFIX (the module below /lib/modules)" \
		same "" "$outside"
	check "PREFIX=$prefix: $(cd "$dest" && find . ! -type d | wc -l) files" \
		test "$(cd "$dest" && find . ! -type d | wc -l)" -ge 16
	if [ -n "$ko612" ]; then
		check "PREFIX=$prefix: the module below DESTDIR, no depmod" \
			eval 'ls "$dest"/lib/modules/*/updates/xt_PMTUFIX.ko >/dev/null &&
			      ! ls "$dest"/lib/modules/*/modules.dep 2>/dev/null'
	fi
	check "make uninstall DESTDIR PREFIX=$prefix, as nobody" logged "uninstall$(basename $prefix)" \
		as_nobody make -C "$copy" uninstall DESTDIR="$dest" PREFIX="$prefix"
	check "PREFIX=$prefix: nothing left after uninstall" \
		same "" "$(cd "$dest" && find . ! -type d)"
done

# dkms-install after an in-tree build: sources only.
for f in kmod/main.o kmod/.main.o.cmd kmod/core/lpm.o xt_PMTUFIX.mod.c \
	 Module.symvers; do
	touch "$copy/$f"
done
check "make dkms-install DESTDIR after an in-tree build" logged dkms-install \
	make -C "$copy" dkms-install DESTDIR="$tmp/dkms-install"
check "dkms-install: the sources alone" same "$want" \
	"$(cd "$tmp/dkms-install/usr/src/pmtufix-$version" && find . -type f |
	   sed 's|^\./||' | sort)"
mkdir -p "$tmp/dkms-add/tree" "$tmp/dkms-add/src"
check "dkms add of a checkout registers pmtufix/$version" logged dkms-add \
	eval 'dkms add "$copy" --sourcetree "$tmp/dkms-add/src" --dkmstree "$tmp/dkms-add/tree" &&
	      [ -d "$tmp/dkms-add/tree/pmtufix/$version" ]'

# upgrade_debs VERSION: the packages of this tree at VERSION, in
# $tmp/next/build/deb.
upgrade_debs() {
	rm -rf "$tmp/next"
	mkdir -p "$tmp/next"
	git -C "$top" ls-files -z -co --exclude-standard |
		(cd "$top" && xargs -0 cp --parents -t "$tmp/next")
	echo "$1" >"$tmp/next/VERSION"
	sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$1\"/" "$tmp/next/dkms.conf"
	sed -i "1s/(.*)/($1)/" "$tmp/next/debian/changelog"
	check "make deb at $1" logged deb-next make -C "$tmp/next" deb
}

# The packages installed on this host, upgraded, then purged.
if [ "$install_debs" = 1 ]; then
	start=$SECONDS
	check "dpkg -i both packages" logged dpkg-install \
		env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "$deb" "$dkmsdeb"
	log "dpkg -i (DKMS builds included): $((SECONDS - start)) s"
	for abi in "${abis[@]}"; do
		check "dkms status: installed for $abi" eval \
			'dkms status -m pmtufix -v "$version" -k "$abi" | grep -q ": installed"'
		check "modinfo finds xt_PMTUFIX $version for $abi" same "$version" \
			"$(modinfo -k "$abi" -F version xt_PMTUFIX 2>/dev/null)"
	done

	# An upgrade: the same tree at the next version.
	next=${version%.*}.$((${version##*.} + 1))
	upgrade_debs "$next"
	start=$SECONDS
	check "upgrade to $next" logged dpkg-upgrade \
		env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "$tmp/next/build/deb/pmtufix_${next}_amd64.deb" \
		"$tmp/next/build/deb/pmtufix-dkms_${next}_all.deb"
	log "upgrade (DKMS builds included): $((SECONDS - start)) s"
	for abi in "${abis[@]}"; do
		check "upgraded: dkms status installed for $abi" eval \
			'dkms status -m pmtufix -v "$next" -k "$abi" | grep -q ": installed"'
		check "upgraded: modinfo finds xt_PMTUFIX $next for $abi" same "$next" \
			"$(modinfo -k "$abi" -F version xt_PMTUFIX 2>/dev/null)"
	done
	check "upgraded: $version gone from DKMS and /usr/src" eval \
		'[ -z "$(dkms status -m pmtufix -v "$version")" ] &&
		 [ ! -e "/usr/src/pmtufix-$version" ]'

	check "dpkg --purge both packages" logged dpkg-purge \
		dpkg --purge pmtufix pmtufix-dkms
	check "purged: no module, no sources, no DKMS state" eval \
		'! ls /lib/modules/*/updates/dkms/xt_PMTUFIX.ko* 2>/dev/null &&
		 [ ! -e "/usr/src/pmtufix-$version" ] &&
		 [ ! -e "/usr/src/pmtufix-$next" ] && [ ! -e /var/lib/dkms/pmtufix ]'
fi

summary pkg
