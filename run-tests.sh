#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian/Ubuntu machine and runs the whole suite.
#   system: what the desktop needs, the same list run-demo.sh installs (packaging/system-packages.sh: python3-venv,
#           the fonts — IPAex, IPAmj明朝 for 外字, Symbola — and Qt's libraries), plus poppler-utils (pdftotext/pdffonts
#           in PDF tests) and postgresql-client (pg_dump: the sync canary test looks for plaintext in a dump of the store)
#   python: a virtual environment in .venv with yorisoi and its test extras
# Extra arguments go to pytest (e.g. ./run-tests.sh -m slow).
set -euo pipefail
cd "$(dirname "$0")"
. packaging/system-packages.sh
install_system_packages "${DESKTOP_PACKAGES[@]}" "${TEST_PACKAGES[@]}"

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
exec .venv/bin/python -m pytest "$@"
