#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Fetches a Debian cloud kernel (or busybox-static) into the kernel cache,
# without touching the system's apt configuration: a private sources list,
# lists and archive directory under the cache, the mirror taken from the
# system's own sources.
#
#   kernels/fetch.sh debian:6.1        -> prints "RELEASE PATH-TO-VMLINUZ PACKAGE=VERSION SUITE"
#   kernels/fetch.sh debian:bookworm      (a suite name works too)
#   kernels/fetch.sh --list            -> the Debian kernels the archive offers: "VERSION SUITE"
#   kernels/fetch.sh --busybox         -> prints the path of a static busybox
#
# Cache: $TESTBED_KERNEL_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/testbed/kernels
# (under sudo that is root's: the files are written as root). Package lists
# are refreshed when older than a day; offline, the cached lists and images
# are used.
set -eu

# The suites whose cloud kernels `testbed kernels` runs by default: one
# kernel each (5.10, 6.1, 6.12, the development kernel). A new suite is one
# word here.
KERNEL_SUITES=${TESTBED_KERNEL_SUITES:-"bullseye bookworm trixie sid"}
FLAVOUR=cloud-amd64   # built for VMs, with BTF; ~10-25 MB a package
CACHE=${TESTBED_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/testbed/kernels}
APT_DIR=$CACHE/apt

die() { echo "testbed kernels: $*" >&2; exit 1; }

# The Debian mirror the machine's apt already uses (deb822 .sources or
# one-line .list), unless TESTBED_DEBIAN_MIRROR names one.
debian_mirror() {
	if [ -n "${TESTBED_DEBIAN_MIRROR:-}" ]; then echo "$TESTBED_DEBIAN_MIRROR"; return; fi
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '/^[ \t]*#/ { next }
			$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break } }
			tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f"
	done | sed 's,/*$,,' | grep -E '/debian$' | head -n 1
}

apt_opts() {
	echo "-o Dir::Etc::SourceList=$APT_DIR/sources.list -o Dir::Etc::SourceParts=/dev/null" \
		"-o Dir::State::Lists=$APT_DIR/lists -o Dir::Cache=$APT_DIR/cache" \
		"-o Dir::State::Status=/dev/null -o APT::Architecture=amd64 -o APT::Architectures=amd64" \
		"-o APT::Sandbox::User=root -o Debug::NoLocking=1 -o Acquire::Retries=2"
}

# Private package lists, refreshed when missing or older than a day. A
# failed refresh with usable lists only warns (offline use of the cache).
update_lists() {
	mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial"
	mirror=$(debian_mirror)
	[ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list*: set TESTBED_DEBIAN_MIRROR"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	for suite in $KERNEL_SUITES; do
		echo "deb [signed-by=$keyring] $mirror $suite main"
	done >"$APT_DIR/sources.list.new"
	fresh=$(find "$APT_DIR/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | wc -l)
	if cmp -s "$APT_DIR/sources.list.new" "$APT_DIR/sources.list" && [ "$fresh" -ge "$(echo $KERNEL_SUITES | wc -w)" ] &&
		[ "${1:-}" != force ]; then
		rm -f "$APT_DIR/sources.list.new"; return 0
	fi
	mv "$APT_DIR/sources.list.new" "$APT_DIR/sources.list"
	echo "testbed kernels: updating Debian package lists ($mirror: $KERNEL_SUITES)" >&2
	# shellcheck disable=SC2046
	if ! apt-get $(apt_opts) -qq update >"$APT_DIR/update.log" 2>&1; then
		if ls "$APT_DIR/lists/"*_Packages* >/dev/null 2>&1; then
			echo "testbed kernels: warning: apt-get update failed, using the cached lists (see $APT_DIR/update.log)" >&2
		else
			cat "$APT_DIR/update.log" >&2; die "apt-get update of the kernel package lists failed"
		fi
	fi
}

# A small index of the packages this script resolves (suite, package,
# version, depends; tab-separated), rebuilt when the lists change: apt-cache
# would build a 100 MB binary cache of four suites for these few lookups.
index() {
	idx=$APT_DIR/index
	if [ ! -s "$idx" ] || [ -n "$(find "$APT_DIR/lists" -maxdepth 1 -name '*_Packages*' -newer "$idx")" ]; then
		for list in "$APT_DIR/lists/"*_dists_*_main_binary-amd64_Packages*; do
			[ -e "$list" ] || continue
			suite=${list##*_dists_}; suite=${suite%%_main_*}
			/usr/lib/apt/apt-helper cat-file "$list" | awk -v suite="$suite" '
				/^Package: / { p = $2 } /^Version: / { v = $2 } /^Depends: / { d = substr($0, 10) }
				/^$/ { if (p ~ /^linux-(image|binary)-.*cloud-amd64$/) print suite "\t" p "\t" v "\t" d; p = v = d = "" }'
		done >"$idx.new"
		mv "$idx.new" "$idx"
	fi
	cat "$idx"
}

# "VERSION SUITE" of linux-image-cloud-amd64 in each suite, newest first
available() {
	index | awk -F'\t' -v p="linux-image-$FLAVOUR" '$2 == p { print $3, $1 }' | sort -V -r
}

# depends PACKAGE VERSION: its Depends field
depends() {
	index | awk -F'\t' -v p="$1" -v v="$2" '$2 == p && $3 == v { print $4; exit }'
}

# download PACKAGE=VERSION DIR: the .deb into DIR (its path on stdout)
download() {
	mkdir -p "$2"
	# shellcheck disable=SC2046
	(cd "$2" && apt-get $(apt_opts) -qq download "$1" >"$2/download.log" 2>&1) || return 1
	ls "$2"/*.deb
}

# The modules a guest loads when it needs them (the cloud kernels build
# them as modules; the initramfs has no /lib/modules): `testbed kernels
# --netns` needs veth. keep_modules DEB DIR: those of DEB and what they
# depend on, uncompressed, into DIR (made even when there are none, so that
# the cache knows it looked), in load order in DIR/order.
GUEST_MODULES="veth"
keep_modules() {
	deb_file=$1 mdir=$2 x=$(dirname "$2")/modules.tmp
	rm -rf "$x" "$mdir"; mkdir -p "$x" "$mdir"
	dpkg-deb --fsys-tarfile "$deb_file" | tar -x -C "$x" --wildcards '*/modules/*/kernel/*' 2>/dev/null || true
	: >"$mdir/order"
	want=$GUEST_MODULES
	while [ -n "$(echo $want)" ]; do
		m=$(echo $want | cut -d' ' -f1); want=$(echo $want | cut -s -d' ' -f2-)
		[ -e "$mdir/$m.ko" ] && continue
		f=$(find "$x" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" -o -name "$m.ko.gz" | head -n 1)
		[ -n "$f" ] || continue # built in, or absent: the guest says which
		case $f in
		*.xz) xz -dc "$f" ;; *.zst) zstd -qdc "$f" ;; *.gz) gzip -dc "$f" ;; *) cat "$f" ;;
		esac >"$mdir/$m.ko" || { rm -f "$mdir/$m.ko"; continue; }
		deps=$(tr '\0' '\n' <"$mdir/$m.ko" | sed -n 's/^depends=//p' | tr ',' ' ')
		# what a module depends on loads before it
		{ for d in $deps; do echo "$d"; done; cat "$mdir/order"; echo "$m"; } | awk '!seen[$0]++' >"$mdir/order.new"
		mv "$mdir/order.new" "$mdir/order"
		want="$want $deps"
	done
	rm -rf "$x"
}

fetch_kernel() {
	spec=${1#debian:}
	[ -n "$spec" ] || die "empty kernel spec '$1'"
	update_lists
	# debian:6.1 -> the suite whose cloud kernel is 6.1.x; debian:sid -> sid's
	line=$(available | awk -v s="$spec" 'index($1, s ".") == 1 || $2 == s { print; exit }')
	if [ -z "$line" ]; then
		offered=$(available | awk '{ split($1, v, "."); printf "%s%s.%s (%s)", sep, v[1], v[2], $2; sep = ", " }')
		# an image fetched earlier still serves when the archive has moved on or is unreachable
		if [ -r "$CACHE/specs/debian-$spec" ]; then
			cat "$CACHE/specs/debian-$spec"; return 0
		fi
		die "debian:$spec: no $FLAVOUR kernel in the archive's suites ($KERNEL_SUITES); offered: ${offered:-none}"
	fi
	version=${line% *}; suite=${line#* }
	# the metapackage depends on linux-image-<ABI>-cloud-amd64; newer kernels
	# (7.x) move the image itself into linux-binary-<ABI>-cloud-amd64
	image=$(depends "linux-image-$FLAVOUR" "$version" | tr ',' '\n' | sed -n 's/^ *\(linux-image-[^ ]*\).*/\1/p' | head -n 1)
	[ -n "$image" ] || die "debian:$spec: cannot resolve linux-image-$FLAVOUR=$version"
	release=${image#linux-image-}
	package=$(depends "$image" "$version" | tr ',' '\n' | sed -n 's/^ *\(linux-binary-[^ ]*\).*/\1/p' | head -n 1)
	package=${package:-$image}
	dir=$CACHE/images/$release
	stale=
	[ -s "$dir/vmlinuz" ] && [ "$(cat "$dir/package" 2>/dev/null)" = "$package=$version" ] || stale=1
	# an image cached before modules/ was kept: fetched again once for them
	if [ -n "$stale" ] || [ ! -d "$dir/modules" ]; then
		echo "testbed kernels: downloading $package=$version ($suite)" >&2
		tmp=$CACHE/tmp.$$
		rm -rf "$tmp"
		if ! deb=$(download "$package=$version" "$tmp"); then
			# lists older than the archive: refresh once and retry
			update_lists force
			deb=$(download "$package=$version" "$tmp") || deb=
		fi
		if [ -z "$deb" ] && [ -z "$stale" ]; then
			echo "testbed kernels: warning: cannot download $package=$version for its modules; the cached image boots without them" >&2
		elif [ -z "$deb" ]; then
			cat "$tmp/download.log" >&2; rm -rf "$tmp"; die "cannot download $package=$version"
		else
			# /boot/vmlinuz-<release> up to 6.x, /usr/lib/modules/<release>/vmlinuz from 7.x
			dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' './usr/lib/modules/*/vmlinuz' 2>/dev/null || true
			vmlinuz=$(ls "$tmp"/boot/vmlinuz-* "$tmp"/usr/lib/modules/*/vmlinuz 2>/dev/null | head -n 1)
			[ -n "$vmlinuz" ] || { rm -rf "$tmp"; die "$package=$version holds no vmlinuz"; }
			mkdir -p "$dir"
			mv "$vmlinuz" "$dir/vmlinuz"
			echo "$package=$version" >"$dir/package"
			# from 7.x the modules come in a package of their own
			modules=$(depends "$image" "$version" | tr ',' '\n' | sed -n 's/^ *\(linux-modules-[^ ]*\).*/\1/p' | head -n 1)
			if [ -n "$modules" ]; then
				deb=$(download "$modules=$version" "$tmp/modules") ||
					echo "testbed kernels: warning: cannot download $modules=$version: the guest boots without its modules" >&2
			fi
			[ -z "$deb" ] || keep_modules "$deb" "$dir/modules"
		fi
		rm -rf "$tmp"
	fi
	mkdir -p "$CACHE/specs"
	echo "$release $dir/vmlinuz $package=$version $suite" | tee "$CACHE/specs/debian-$spec"
}

# busybox-static (of the host's release where the private lists have it),
# unpacked into the cache, not installed: the system's busybox stays as it is
fetch_busybox() {
	dir=$CACHE/busybox
	if [ ! -x "$dir/busybox" ]; then
		update_lists
		codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
		tmp=$CACHE/tmp.$$
		rm -rf "$tmp"
		deb=$(download "busybox-static/$codename" "$tmp") || deb=$(download busybox-static "$tmp") ||
			{ cat "$tmp/download.log" >&2; rm -rf "$tmp"; die "cannot download busybox-static"; }
		dpkg-deb -x "$deb" "$tmp/x"
		mkdir -p "$dir"
		mv "$tmp/x/bin/busybox" "$dir/busybox"
		rm -rf "$tmp"
	fi
	echo "$dir/busybox"
}

mkdir -p "$CACHE"
# one fetch at a time per cache (two runs sharing it must not interleave)
exec 9>"$CACHE/lock"
flock 9
case ${1:-} in
--list) update_lists; available ;;
--busybox) fetch_busybox ;;
debian:*) fetch_kernel "$1" ;;
*) echo "usage: kernels/fetch.sh debian:VERSION|debian:SUITE|--list|--busybox" >&2; exit 2 ;;
esac
