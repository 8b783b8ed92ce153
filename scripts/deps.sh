#!/usr/bin/env bash
# Install what the project needs from Debian, idempotently.
# Inputs: none.  Outputs: packages installed, work/busybox (static arm64).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

PKGS=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm linux-source-6.1 flex bison bc
      libssl-dev libelf-dev ccache cpio shellcheck gnuplot-nox sparse
      xz-utils git make python3 python3-ply python3-git rsync)

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
need_arm64=0
dpkg --print-foreign-architectures | grep -qx arm64 || need_arm64=1
bb="$WORK/busybox"

if [ ${#missing[@]} -gt 0 ] || [ "$need_arm64" = 1 ] || [ ! -x "$bb" ]; then
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
if [ ! -x "$bb" ]; then
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download busybox-static:arm64 >>"$LOGS/apt.log" 2>&1) ||
		die "missing package: busybox-static:arm64 (apt-get download failed, see $LOGS/apt.log)"
	dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$tmp/x"
	install -m755 "$tmp/x/bin/busybox" "$bb"
	rm -rf "$tmp"
fi
for t in aarch64-linux-gnu-gcc qemu-system-aarch64 ccache flex bison bc cpio shellcheck gnuplot sparse; do
	need_tool "$t"
done
[ -f /usr/src/linux-source-6.1.tar.xz ] || die "missing file: /usr/src/linux-source-6.1.tar.xz (package linux-source-6.1)"
log "dependencies present"
