#!/usr/bin/env bash
# Installs yorisoi, creates a demo profile of a fictional city and opens the window.
# The demo passphrase is YORISOI_PASSPHRASE if set, otherwise "yorisoi-demo".
set -euo pipefail
cd "$(dirname "$0")"
. packaging/system-packages.sh
install_system_packages fonts-ipaexfont-gothic "${VENV_PACKAGES[@]}" "${QT_PACKAGES[@]}"

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
export YORISOI_PASSPHRASE="${YORISOI_PASSPHRASE:-yorisoi-demo}"
.venv/bin/yorisoi demo --profile demo-profile --households "${DEMO_HOUSEHOLDS:-300}"
echo "パスフレーズ / passphrase: ${YORISOI_PASSPHRASE}"
unset YORISOI_PASSPHRASE
exec .venv/bin/yorisoi --profile demo-profile
