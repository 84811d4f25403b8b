#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian/Ubuntu machine and runs the whole suite.
#   system: Japanese fonts (screenshots, PDFs; IPAmj for 外字, Symbola for emoji), poppler-utils (pdftotext/pdffonts in PDF tests),
#           the libraries Qt needs to render offscreen
#   python: a virtual environment in .venv with yorisoi and its test extras
# Extra arguments go to pytest (e.g. ./run-tests.sh -m slow).
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

SYSTEM_PACKAGES=(fonts-ipaexfont-gothic fonts-ipaexfont-mincho fonts-ipamj-mincho fonts-symbola poppler-utils
                 libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0)
if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for package in "${SYSTEM_PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
exec .venv/bin/python -m pytest "$@"
