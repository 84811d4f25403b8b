#!/usr/bin/env bash
# Installs yorisoi, creates a demo profile of a fictional city and opens the window.
# The demo passphrase is YORISOI_PASSPHRASE if set, otherwise "yorisoi-demo".
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

SYSTEM_PACKAGES=(fonts-ipaexfont-gothic libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
                 libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0)
if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for package in "${SYSTEM_PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
export YORISOI_PASSPHRASE="${YORISOI_PASSPHRASE:-yorisoi-demo}"
.venv/bin/yorisoi demo --profile demo-profile --households "${DEMO_HOUSEHOLDS:-300}"
echo "パスフレーズ / passphrase: ${YORISOI_PASSPHRASE}"
unset YORISOI_PASSPHRASE
exec .venv/bin/yorisoi --profile demo-profile
