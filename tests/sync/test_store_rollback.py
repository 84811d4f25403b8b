"""A store restored from an older copy of itself: the devices that had seen more notice (the
log's chain at the point they remember is not there any more), send again what the store lost
from their own changes, pull again from the last point the store still agrees with, and every
device ends with everything. Played with the real store: on SQLite its database file is copied
and put back, on PostgreSQL its tables are dumped and restored."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import delete, insert, select

from sync.server import schema
from tests.sync.conftest import household_state


def _notes(session, household_id) -> set[str]:
    return {n.text for n in session.contacts.notes(household_id)}


class Backup:
    """A copy of the store's database taken while it runs, put back while it is stopped."""

    def __init__(self, central) -> None:
        self.central = central
        self.sqlite = central.db_url.startswith("sqlite")
        if self.sqlite:
            self.path = Path(central.db_url.removeprefix("sqlite:///"))
            self.copy = self.path.with_name("backup.db")
            with sqlite3.connect(self.path) as live, sqlite3.connect(self.copy) as out:
                live.backup(out)  # a consistent copy of a database in use, WAL included
        else:
            with central.engine.connect() as conn:
                self.rows = {t.name: [dict(r._mapping) for r in conn.execute(select(t))] for t in schema.TABLES}
                self.head = dict(conn.execute(select(schema.log_head)).one()._mapping)

    def restore(self) -> None:
        def put_back():
            if self.sqlite:
                for extra in ("-wal", "-shm"):
                    Path(str(self.path) + extra).unlink(missing_ok=True)
                shutil.copyfile(self.copy, self.path)
                return
            from sync.server.db import make_engine

            engine = make_engine(self.central.db_url)
            with engine.begin() as conn:
                for table in schema.TABLES:  # children first
                    conn.execute(delete(table))
                for table in reversed(schema.TABLES):
                    if self.rows[table.name]:
                        conn.execute(insert(table), self.rows[table.name])
                conn.execute(schema.log_head.update().values(**self.head))
            engine.dispose()

        self.central.restart(put_back)


def test_a_store_restored_from_an_older_copy_is_caught_and_nothing_is_lost(central_any):
    central = central_any
    office = central.office()
    sato = central.worker(office, "sato")
    suzuki = central.worker(office, "suzuki")
    idle = central.worker(office, "tanaka")  # syncs before the backup, then not until the end
    station = office.directory.add_station("中央")
    h = office.households.create("山田家", "みその市本町1-2-3", station.id)
    office.contacts.add_note(h.id, "受付の記録")
    office.sync.run()
    for login in ("sato", "suzuki", "tanaka"):
        office.sync.assign(h.id, login)
    for device in (sato, suzuki, idle):
        device.sync.run()

    backup = Backup(central)

    sato.contacts.add_note(h.id, "佐藤: バックアップの後の訪問")
    sato.sync.run()
    suzuki.sync.run()
    office.contacts.add_note(h.id, "事務局: バックアップの後の会議")
    office.households.update(h.id, memo="民生委員と同行予定")
    office.sync.run()
    suzuki.sync.run()
    assert "佐藤: バックアップの後の訪問" in _notes(suzuki, h.id)

    backup.restore()  # the store is back where it was at the backup; nobody told the devices

    suzuki.contacts.add_note(h.id, "鈴木: 復元の後の電話")
    report = suzuki.sync.run()
    assert report.store_went_back  # suzuki had pulled past the backup: it notices
    assert report.complete
    for n in range(4):  # the restored log grows past where sato stood: only its chain differs there
        suzuki.contacts.add_note(h.id, f"鈴木: 復元の後の記録{n}")
        suzuki.sync.run()
    with central.engine.connect() as conn:
        head = conn.execute(select(schema.log_head.c.seq)).scalar_one()
    remembered = json.loads(sato.sync.replica().state()["log_marks"])
    assert head > max(seq for seq, _ in remembered)
    first = sato.sync.run()
    assert first.store_went_back and first.resent_envelopes >= 1
    assert "鈴木: 復元の後の電話" in _notes(sato, h.id)  # its cursor was past the restored head
    again = office.sync.run()
    assert again.store_went_back and again.resent_envelopes >= 1
    quiet = idle.sync.run()
    assert not quiet.store_went_back  # it never saw what was lost: nothing to notice
    for device in (suzuki, sato, office, idle):
        report = device.sync.run()
        assert report.complete and not report.store_went_back

    everything = {"受付の記録", "佐藤: バックアップの後の訪問", "事務局: バックアップの後の会議", "鈴木: 復元の後の電話",
                  *(f"鈴木: 復元の後の記録{n}" for n in range(4))}
    for device in (office, sato, suzuki, idle):
        assert _notes(device, h.id) == everything
        assert device.households.get(h.id).memo == "民生委員と同行予定"
    assert household_state(office) == household_state(sato) == household_state(suzuki) == household_state(idle)
    status = sato.sync.status()
    assert status.store_rollback is not None and "中央ストアが以前の状態に戻っていました" in status.store_rollback
    from tests.conftest import PASSPHRASE
    from tests.ui.cli_helpers import yorisoi

    shown = yorisoi("sync-status", "--profile", str(sato.folder), passphrase=PASSPHRASE)
    assert shown.code == 0 and "中央ストアが以前の状態に戻っていました" in shown.out and "送り直し" in shown.out


def test_the_window_says_the_store_went_back_and_that_no_recovery_sheet_exists(qtbot, central):
    import time

    from sync.client.recovery import Kdf
    from tests.ui.qt_helpers import settle
    from ui.desktop.main_window import MainWindow

    laptop = central.office()
    window = MainWindow(laptop)
    qtbot.addWidget(window)
    window.show()
    window.sync.timer.stop()
    window.status.refresh()
    assert window.status.sync_status()["store_back"] == ""
    assert window.status.sync_status()["sheet"] == "⚠ 回復シート未作成"  # the founding office device, no sheet yet
    record = {"detected_ms": int(time.time() * 1000), "seen": 120, "head": 100, "common": 90, "resent": 3}
    laptop.sync.replica().save_state({"store_rollback": json.dumps(record)})
    window.status.refresh()
    assert "中央ストアが以前の状態に戻っていました" in window.status.sync_status()["store_back"]
    assert "送り直し" in window.status.store_back.toolTip() and "3 回分" in window.status.store_back.toolTip()
    laptop.recovery.kdf = Kdf(memory_kib=8192, iterations=1, lanes=1)
    laptop.recovery.make_sheet("a long recovery passphrase")
    window.status.refresh()
    assert window.status.sync_status()["sheet"] == ""
    window.sync.wait()
    window.idle.set_locked(True)
    settle(qtbot)
