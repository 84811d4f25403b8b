"""Profile settings the forms use, kept in the encrypted profile's ``meta`` table.

    city_name   printed on every page of every form (the demo city is みその市)
    forms_dir   a folder of the city's own form definitions, overriding the shipped ones
    pdf_font    a TrueType font file to print with, when the system's is not wanted
"""

from __future__ import annotations

from pathlib import Path

from app.errors import InvalidInput
from app.session import Session

SETTINGS = {
    "city_name": "市町村名（様式に印刷）",
    "forms_dir": "様式の定義フォルダ",
    "pdf_font": "PDF に使うフォント（.ttf / .ttc）",
}


def get(session: Session, key: str) -> str:
    _known(key)
    return session.store.meta(f"setting.{key}") or ""


def put(session: Session, key: str, value: str) -> None:
    """Store a setting; a folder or font that does not exist is refused before it is kept."""
    _known(key)
    value = (value or "").strip()
    if key == "forms_dir" and value and not Path(value).is_dir():
        raise InvalidInput(f"様式の定義フォルダが見つかりません: {value}", key)
    if key == "pdf_font" and value and not Path(value).is_file():
        raise InvalidInput(f"フォントのファイルが見つかりません: {value}", key)
    session.store.set_meta(f"setting.{key}", value)


def all_settings(session: Session) -> dict[str, str]:
    return {key: get(session, key) for key in SETTINGS}


def _known(key: str) -> None:
    if key not in SETTINGS:
        raise InvalidInput(f"設定「{key}」はありません（{'、'.join(SETTINGS)}）。", "key")
