"""python -m ui.desktop.translations LANG — update yorisoi_LANG.ts from the sources (translations
already made are kept) and compile it into yorisoi_LANG.qm. Translate the .ts with Qt Linguist
(pyside6-linguist) between two runs."""

from __future__ import annotations

import argparse

from ui.desktop.translations import FOLDER
from ui.desktop.translations.build import extract, release


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("language", help="言語コード（例: en）")
    lang = parser.parse_args().language
    ts, qm = FOLDER / f"yorisoi_{lang}.ts", FOLDER / f"yorisoi_{lang}.qm"
    extract(ts)
    release(ts, qm)
    print(f"{ts.name} を更新し、{qm.name} を作りました。")


if __name__ == "__main__":
    main()
