#!/usr/bin/env bash
# Builds the desktop as one folder that runs without Python (PyInstaller), and an archive of it.
#
#   packaging/build.sh            → dist/yorisoi/ (run dist/yorisoi/yorisoi) and dist/yorisoi-VERSION-OS-ARCH.tar.gz
#
# The folder holds the program, Python, Qt with its plugins, SQLCipher, the 様式 definitions and
# the fonts (IPAex ゴシック for the window and the PDFs, IPAmj明朝 for 外字 such as 𠮷, with the IPA
# Font License). The laptop program only: the central store (yorisoi-server) is installed with pip.
# Needs the project's .venv (./run-tests.sh or ./run-demo.sh made it) and the fonts installed
# (packaging/system-packages.sh); installs PyInstaller into .venv (the `bundle` extra).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
"$PY" -m pip install -q -e '.[bundle]'

FONTS="$ROOT/build/bundle-fonts"
rm -rf "$FONTS" && mkdir -p "$FONTS"
copy_font() {  # the first of the given files that exists; the build stops when none does
  local name="$1"; shift
  for path in "$@"; do
    if [ -f "$path" ]; then cp "$path" "$FONTS/$name"; return 0; fi
  done
  echo "build.sh: $name が見つかりません（packaging/system-packages.sh のフォントを入れてください）" >&2
  exit 2
}
copy_font ipaexg.ttf /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf /usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf
copy_font ipamjm.ttf /usr/share/fonts/truetype/ipamj/ipamjm.ttf
for doc in /usr/share/doc/fonts-ipamj-mincho/IPA_Font_License_Agreement_v1.0.txt.gz; do
  [ -f "$doc" ] && gunzip -c "$doc" > "$FONTS/IPA_Font_License_Agreement_v1.0.txt"
done

SEP=":"  # PyInstaller's --add-data separator (";" on Windows; see the README)
"$PY" -m PyInstaller --noconfirm --clean --onedir --name yorisoi \
  --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" --specpath "$ROOT/build/pyinstaller" \
  --paths "$ROOT" \
  --add-data "$ROOT/forms/definitions${SEP}forms/definitions" \
  --add-data "$ROOT/app/templates${SEP}app/templates" \
  --add-data "$FONTS${SEP}fonts" \
  --collect-submodules app --collect-submodules ui --collect-submodules storage \
  --collect-submodules forms --collect-submodules sync.client \
  --hidden-import sync.protocol \
  --exclude-module sync.server --exclude-module fastapi --exclude-module uvicorn --exclude-module sqlalchemy \
  --exclude-module alembic --exclude-module psycopg --exclude-module pytest --exclude-module hypothesis \
  --exclude-module tkinter \
  "$ROOT/packaging/yorisoi_main.py"

VERSION="$("$PY" -c 'import importlib.metadata as m; print(m.version("yorisoi"))')"
ARCHIVE="$ROOT/dist/yorisoi-$VERSION-$(uname -s | tr 'A-Z' 'a-z')-$(uname -m).tar.gz"
tar -C "$ROOT/dist" -czf "$ARCHIVE" yorisoi
echo "built: $ROOT/dist/yorisoi/yorisoi"
echo "archive: $ARCHIVE ($(du -sh "$ROOT/dist/yorisoi" | cut -f1) unpacked)"
