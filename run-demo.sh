#!/usr/bin/env bash
# Installs yorisoi, creates a demo profile of a fictional city and opens the window.
# The demo passphrase is YORISOI_PASSPHRASE if set, otherwise "yorisoi-demo".
set -euo pipefail
cd "$(dirname "$0")"
. packaging/system-packages.sh
install_system_packages "${DESKTOP_PACKAGES[@]}"

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# The server extra too: the README's sync walkthrough runs yorisoi-server on this machine.
.venv/bin/python -m pip install -q -e '.[server]'
export YORISOI_PASSPHRASE="${YORISOI_PASSPHRASE:-yorisoi-demo}"
.venv/bin/yorisoi demo --profile demo-profile --households "${DEMO_HOUSEHOLDS:-300}"
echo "パスフレーズ / passphrase: ${YORISOI_PASSPHRASE}"
unset YORISOI_PASSPHRASE
exec .venv/bin/yorisoi --profile demo-profile
