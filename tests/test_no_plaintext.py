"""Canary: a distinctive string written through every path never reaches the disk in clear.

It goes in through import (names, addresses, ids), the services (notes, contacts, forms,
meetings), the search index, the audit log (as a record id) and searches; then every file
under the profile folder — database, WAL, shared memory, key file, logs — and the temporary
folder the process used are read as bytes, while open and after close.
"""

from __future__ import annotations

import json
from pathlib import Path

from app import profiles
from app.interchange import import_lines
from app.services import form_records as forms
from storage.textnorm import fold
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.cli_helpers import yorisoi

CANARY = "ZQXカナリア鳥籠YRW"
CANARY_ID = "CANARYID7731"


def variants() -> list[bytes]:
    texts = {CANARY, fold(CANARY), CANARY_ID, CANARY_ID.lower(), "カナリア鳥籠"}
    out = []
    for text in texts:
        out += [text.encode("utf-8"), text.encode("utf-16-le")]
    return out


def leaks(root: Path) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {v!r}" for v in variants() if v in data]
    return found


def write_everything(session):
    lines = [
        {"type": "household", "id": CANARY_ID, "name": f"{CANARY}家", "address": f"{CANARY}町1", "station": "中央"},
        {"type": "person", "id": "P1", "household_id": CANARY_ID, "name": CANARY, "kana": "カナリア",
         "birth_date": "1960-01-01", "relation": "本人"},
        {"type": "contact", "id": "C1", "household_id": CANARY_ID, "at": "2025-04-01T10:00:00+09:00",
         "kind": "home_visit", "outcome": "met", "summary": f"面談 {CANARY}"},
    ]
    import_lines(session, [json.dumps(x, ensure_ascii=False) for x in lines], new_stations=True)
    household = session.households.resolve(CANARY_ID)  # kept as its 元の番号 (encrypted like the rest)
    session.contacts.add_note(household, f"記録 {CANARY} 記録")
    note = session.contacts.add_note(household, "訂正前")
    session.contacts.amend_note(note.id, f"訂正 {CANARY}")
    case = session.cases.open_case(household, summary=f"主訴 {CANARY}")
    session.forms.create(household, forms.ASSESSMENT, {"wishes": CANARY}, case_id=case.id)
    session.meetings.create("support", "2025-05-01", f"会議 {CANARY}")
    assert session.search.find(CANARY)  # the index holds it (folded) and the query ran
    assert session.search.find("カナリア")


def test_canary_never_appears_in_profile_files_open_or_closed(tmp_path, monkeypatch):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    folder = tmp_path / "profile"
    session = profiles.create(folder, PASSPHRASE, kdf=FAST_KDF)
    write_everything(session)
    assert (folder / "yorisoi.db-wal").exists() and (folder / "search.db-wal").exists()  # the index file too
    assert leaks(folder) == [] and leaks(tmp) == []
    session.close()
    assert leaks(folder) == [] and leaks(tmp) == []


def test_canary_through_the_command_line_leaves_nothing_in_clear(tmp_path):
    folder = tmp_path / "profile"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"TMPDIR": str(tmp)}
    assert yorisoi("init", "--profile", str(folder), "--name", CANARY, env=env).code == 0
    source = tmp_path / "source.jsonl"
    source.write_text(json.dumps({"type": "household", "id": CANARY_ID, "name": CANARY, "address": CANARY,
                                  "station": CANARY}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert yorisoi("import", "--profile", str(folder), str(source), "--new-stations", env=env).code == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"type": "note", "id": "N", "household_id": CANARY_ID, "at": "x", "text": CANARY},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    assert yorisoi("import", "--profile", str(folder), str(bad), env=env).code == 2
    assert CANARY in yorisoi("search", "--profile", str(folder), CANARY, env=env).out
    assert yorisoi("search", "--profile", str(folder), CANARY, passphrase="wrong one!", env=env).code == 2
    assert yorisoi("check", "--profile", str(folder), env=env).code == 0
    assert (folder / "logs" / "yorisoi.log").exists()
    assert leaks(folder) == [] and leaks(tmp) == []
