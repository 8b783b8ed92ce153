#!/usr/bin/env bash
# Install what the project needs from Debian, idempotently.
# Inputs: BASE (6.1 or 7.3: which linux-source).  Outputs: packages installed,
# work/busybox (static arm64); BASE=7.3: work/7.3/pkg (linux-source-7.3 from
# trixie-backports, fetched with a private source list: trixie never enters
# this machine's apt sources, where its packages would outrank bookworm's).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

# qemu-system-arm comes from bookworm-backports (10.0): 7.2 mis-emulates tag
# check faults and KVM_ARM_MTE_COPY_TAGS under nesting (README).
QEMU_MIN=${QEMU_MIN:-10.0}
BPO=/etc/apt/sources.list.d/bookworm-backports.sources
PKGS=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross flex bison bc
      libssl-dev libelf-dev ccache cpio shellcheck gnuplot-nox sparse
      xz-utils git make python3 python3-ply python3-git rsync quilt
      libglib2.0-dev pkg-config)
# (glib's headers: make bench's TCG plugin, bench/plugin/insn-classes.c)
# the stable base and Debian's own arm64 kernel config, for the compile
# matrix (scripts/matrix.sh); bookworm has no 7.3 (fetched below)
PKGS+=(linux-source-6.1 "linux-config-6.1:arm64")
# make run KERNEL_IMAGE=... boots a prebuilt Image: it builds no kernel,
# so it needs only QEMU, busybox, and what cross-builds the selftests from
# the series' tree (the tarball, git, the cross compiler and C library,
# make, the host tools of 'make headers') and packs the initramfs.
if [ -n "${KERNEL_IMAGE:-}" ]; then
	PKGS=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross flex bison cpio xz-utils git
	      make python3 rsync linux-source-6.1)
	log "KERNEL_IMAGE set: installing only what booting and testing a prebuilt Image needs"
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "not root and no sudo: run as root or install sudo"
	SUDO=(sudo)
fi

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
qemu_ok() {
	local v
	v=$(qemu-system-aarch64 --version 2>/dev/null | sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p')
	[ -n "$v" ] && dpkg --compare-versions "$v" ge "$QEMU_MIN"
}
need_bpo=0
[ -f "$BPO" ] || need_bpo=1
need_arm64=0
dpkg --print-foreign-architectures | grep -qx arm64 || need_arm64=1
bb="$BUSYBOX"

if [ ${#missing[@]} -gt 0 ] || [ "$need_arm64" = 1 ] || [ "$need_bpo" = 1 ] || ! qemu_ok || [ ! -x "$bb" ]; then
	if [ "$need_bpo" = 1 ]; then
		log "enabling bookworm-backports ($BPO) for qemu-system-arm >= $QEMU_MIN"
		printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' \
			'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
			"${SUDO[@]}" tee "$BPO" >/dev/null
	fi
	if [ "$need_arm64" = 1 ]; then
		"${SUDO[@]}" dpkg --add-architecture arm64
	fi
	log "apt-get update"
	"${SUDO[@]}" apt-get update -qq >"$LOGS/apt.log" 2>&1 ||
		die "apt-get update failed (see $LOGS/apt.log)"
fi
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >>"$LOGS/apt.log" 2>&1 || {
		for p in "${missing[@]}"; do
			apt-cache show "$p" >/dev/null 2>&1 || die "missing package: $p (not in the apt sources)"
		done
		die "apt-get install failed (see $LOGS/apt.log)"
	}
fi
if ! qemu_ok; then
	log "installing qemu-system-arm from bookworm-backports"
	DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
		-t bookworm-backports qemu-system-arm >>"$LOGS/apt.log" 2>&1 ||
		die "apt-get install -t bookworm-backports qemu-system-arm failed (see $LOGS/apt.log)"
	qemu_ok || die "qemu-system-aarch64 is $(qemu-system-aarch64 --version | head -n1), need >= $QEMU_MIN"
fi
if [ ! -x "$bb" ]; then
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download busybox-static:arm64 >>"$LOGS/apt.log" 2>&1) ||
		die "missing package: busybox-static:arm64 (apt-get download failed, see $LOGS/apt.log)"
	dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$tmp/x"
	install -m755 "$tmp/x/bin/busybox" "$bb"
	rm -rf "$tmp"
fi
tools=(aarch64-linux-gnu-gcc qemu-system-aarch64 cpio rsync)
[ -n "${KERNEL_IMAGE:-}" ] || tools+=(ccache flex bison bc shellcheck gnuplot sparse)
for t in "${tools[@]}"; do
	need_tool "$t"
done
# Mainline: Debian's linux-source-7.3 from trixie-backports, through a
# private source list, state and cache under work/7.3/apt (apt-get
# download; dpkg-deb -x).  Nothing is installed into the system.
if [ "$BASE" = 7.3 ] && [ ! -f "$TARBALL" ]; then
	A=$WORK/apt
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/dl"
	echo 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main' >"$A/sources.list"
	aopt=(-o "Dir::Etc::SourceList=$A/sources.list" -o Dir::Etc::SourceParts=/dev/null
	      -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache")
	log "fetching linux-source-7.3 (trixie-backports, private apt source list $A/sources.list)"
	apt-get "${aopt[@]}" -qq update >>"$LOGS/apt.log" 2>&1 ||
		die "apt-get update of trixie-backports failed (see $LOGS/apt.log)"
	rm -f "$A"/dl/*.deb
	(cd "$A/dl" && apt-get "${aopt[@]}" -qq download linux-source-7.3 >>"$LOGS/apt.log" 2>&1) ||
		die "missing package: linux-source-7.3 (apt-get download from trixie-backports failed, see $LOGS/apt.log)"
	# and Debian's arm64 config of it, for the compile matrix
	(cd "$A/dl" && apt-get "${aopt[@]}" -qq download linux-config-7.3:arm64 >>"$LOGS/apt.log" 2>&1) ||
		die "missing package: linux-config-7.3:arm64 (apt-get download from trixie-backports failed, see $LOGS/apt.log)"
	rm -rf "$WORK/pkg"
	dpkg-deb -x "$A"/dl/linux-source-7.3_*_all.deb "$WORK/pkg"
	dpkg-deb -x "$A"/dl/linux-config-7.3_*_arm64.deb "$WORK/pkg"
	dpkg-deb -f "$A"/dl/linux-source-7.3_*_all.deb Version >"$WORK/pkg/version"
	rm -f "$A"/dl/*.deb
fi
[ -f "$TARBALL" ] || die "missing file: $TARBALL (package linux-source-$BASE)"
log "dependencies present"
