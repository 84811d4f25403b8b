#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian/Ubuntu machine and runs the whole suite.
#   system: Japanese fonts (screenshots, PDFs; Symbola for emoji in PDFs), poppler-utils (pdftotext/pdffonts in PDF tests),
#           postgresql-client (pg_dump: the sync canary test looks for plaintext in a dump of the central store),
#           python3-venv (a fresh Debian/Ubuntu cannot make .venv without it), the libraries Qt needs to render offscreen
#   python: a virtual environment in .venv with yorisoi and its test extras
# Extra arguments go to pytest (e.g. ./run-tests.sh -m slow).
set -euo pipefail
cd "$(dirname "$0")"
. packaging/system-packages.sh
install_system_packages fonts-ipaexfont-gothic fonts-ipaexfont-mincho fonts-ipamj-mincho fonts-symbola poppler-utils postgresql-client \
  "${VENV_PACKAGES[@]}" "${QT_PACKAGES[@]}"

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
exec .venv/bin/python -m pytest "$@"
