"""Render the 名簿 window (each tab, loaded from the shipped 美作市-like template plus staff and
resources with long names) and an agency's entry dialog on a 1366×768 laptop, for
test_directory_screenshots (run in a child process, one per scale).

    python -m tests.ui.screenshots_directory OUT_DIR SCALE
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.ui import laptop


def main(out: Path, scale: str) -> None:
    from app import directory_csv, profiles
    from tests.conftest import FAST_KDF, PASSPHRASE
    from ui.desktop.directory.directory_dialog import ID_ROLE, ORDER, DirectoryDialog
    from ui.desktop.directory.entry_dialog import DirectoryEntryDialog

    laptop.start(scale)
    session = profiles.create(Path(tempfile.mkdtemp()) / "p", PASSPHRASE, owner_name="事務局 太郎", kdf=FAST_KDF)
    for kind in ("stations", "agencies"):
        directory_csv.import_file(session, directory_csv.template_folder() / f"{kind}.csv", kind)
    d = session.directory
    station = d.stations()[0].id
    d.save("staff", {"name": "髙﨑 𠮷男", "login": "takasaki", "role": "相談支援包括化推進員", "station_id": station})
    d.save("staff", {"name": "西村 美代子", "login": "nishimura", "role": "お困りごと相談員", "station_id": station})
    d.save("resources", {"name": "ふれあいサロン ひだまり（毎週水曜午後）", "kind": "サロン", "area": "勝田地域",
                         "contact": "0868-00-0000"})
    agency = d.find("agencies", "美作市福祉事務所")
    d.save("agencies", {"contact_person": "田中 一郎", "phone": "0868-00-0000"}, agency.id)

    dialog = DirectoryDialog(session, "agencies")
    laptop.show_fitted(dialog)
    for kind in ORDER:
        dialog.show_kind(kind)
        laptop.settle()
        tab = dialog.tabs[kind]
        tab.select(tab.model.item(0, 0).data(ID_ROLE))
        laptop.shoot(dialog, out, f"directory-{kind}", scale, rows=tab.model.rowCount())
    dialog.close()
    entry = DirectoryEntryDialog(session, "agencies", d.get("agencies", agency.id))
    laptop.show_fitted(entry)
    laptop.shoot(entry, out, "directory-agency-dialog", scale)
    entry.close()
    laptop.finish(out, scale)


if __name__ == "__main__":
    laptop.child_main(main)
