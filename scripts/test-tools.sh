#!/usr/bin/env bash
# What the tests need beyond Python, installed with apt when missing: LibreOffice headless
# (calc and writer, for the `office` tests), Chromium (the catalogue page) and poppler-utils.
# Another apt or dpkg (unattended-upgrades, a second install) holding its lock is waited for, up to
# APT_LOCK_WAIT seconds (default 600), instead of failing at once.
set -euo pipefail

apt_get() {
    local deadline=$((SECONDS + ${APT_LOCK_WAIT:-600})) err
    while true; do
        if err=$($SUDO apt-get -o DPkg::Lock::Timeout=30 "$@" 2>&1 >/dev/null); then
            return 0
        fi
        if grep -qE "Could not get lock|Unable to (acquire|lock)" <<<"$err" && [ "$SECONDS" -lt "$deadline" ]; then
            echo "apt đang bận (một tiến trình khác giữ khóa), chờ... / apt is locked by another process, waiting..." >&2
            sleep "${APT_LOCK_POLL:-10}"
            continue
        fi
        echo "$err" >&2
        return 1
    done
}

if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0  # sourced (by a test): the function only

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
[ -e /usr/lib/libreoffice/share/registry/writer.xcd ] || need+=(libreoffice-writer-nogui)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing for the tests: ${need[*]}..."
apt_get update -qq
DEBIAN_FRONTEND=noninteractive apt_get install -y -qq "${need[@]}"
