#!/usr/bin/env bash
# What the tests need beyond Python, installed with apt when missing: LibreOffice headless
# (calc and writer, for the `office` tests), Chromium (the catalogue page) and poppler-utils.
set -euo pipefail
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
[ -e /usr/lib/libreoffice/share/registry/writer.xcd ] || need+=(libreoffice-writer-nogui)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing for the tests: ${need[*]}..."
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
