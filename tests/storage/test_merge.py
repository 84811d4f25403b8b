"""Merging operations from other devices (storage level, no server): the same changes in any
order give the same state, nothing appended is lost, and a local edit is never captured twice."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import merge, outbound
from storage import profile as sp
from storage.hlc import HybridClock
from storage.schema import ENTITIES
from tests.conftest import FAST_KDF, PASSPHRASE

HOUR_MS = 3600 * 1000


def _state(store) -> dict:
    """Every record's effective values and per-field stamps: what must be equal everywhere."""
    conn = store.connection()
    state = {}
    for ent in ENTITIES.values():
        for row in conn.execute(f"SELECT {', '.join(ent.columns)} FROM {ent.table} ORDER BY id"):
            record = dict(zip(ent.columns, row, strict=True))
            if not ent.append_only:
                clocks = json.loads(record.pop("clocks"))
                default = clocks.get("", "")
                names = [*ent.fields, "deleted"]
                for m in ent.maps:
                    record[m] = json.loads(record[m] or "{}")
                    names.extend(f"{m}.{k}" for k in record[m])
                record["_clocks"] = {n: clocks.get(n, default) for n in names if n not in ent.maps}
            state[(ent.name, record["id"])] = record
    return state


def _search(store, term: str) -> list:
    from storage import search

    return sorted(h.entity_id for h in search.search(store.index.reader(), term, limit=1000))


class Device:
    def __init__(self, folder, skew_ms: int) -> None:
        self.folder = folder
        self.skew_ms = skew_ms
        self.profile = sp.create_profile(folder, PASSPHRASE, kdf=FAST_KDF)
        self._clock()
        self.seen = 0  # how far into the shared log this device has merged

    def _clock(self) -> None:
        store = self.profile.store
        skew = self.skew_ms
        store.clock = HybridClock(store.device_id, store.clock.last, physical=lambda: _now() + skew)

    @property
    def store(self):
        return self.profile.store

    def restart(self) -> None:
        self.profile.close()
        self.profile = sp.open_profile(self.folder, PASSPHRASE)
        self._clock()

    def push(self, log: list) -> None:
        conn = self.store.connection()
        for batch in outbound.batches(conn, outbound.pending_vaults(conn), max_ops=3):
            log.append((self.store.device_id, batch.vault_id, batch.ops))
            with self.store.write() as records:
                marks = ",".join("?" * len(batch.change_seqs))
                records.conn.execute(f"UPDATE change SET pushed = 1 WHERE seq IN ({marks})", batch.change_seqs)

    def pull(self, log: list, order: random.Random | None = None) -> None:
        entries = [e for e in log[self.seen:] if e[0] != self.store.device_id]
        if order is not None:
            order.shuffle(entries)
        with self.store.write() as records:
            result = merge.MergeResult()
            for _, vault_id, ops in entries:
                merge.apply(records.conn, vault_id, ops, result, index=records.index)
            if result.max_stamp:
                self.store.clock.observe(result.max_stamp)
        self.seen = len(log)


def _now() -> int:
    import time

    return time.time_ns() // 1_000_000


def _act(device: Device, rng: random.Random, vaults: list[str]) -> None:
    """One random user action through the record layer (what the services do underneath)."""
    conn = device.store.connection()
    households = [r[0] for r in conn.execute("SELECT id FROM household WHERE deleted = 0")]
    persons = [r[0] for r in conn.execute("SELECT id FROM person WHERE deleted = 0")]
    notes = [r[0] for r in conn.execute("SELECT id FROM note")]
    forms = [r[0] for r in conn.execute("SELECT id FROM form_record WHERE deleted = 0")]
    choice = rng.randrange(9)
    with device.store.write() as r:
        vault = rng.choice(vaults)
        if choice == 0 or not households:
            r.insert("household", {"name": rng.choice(["山田家", "佐藤家", "鈴木家"]), "address": "みその市本町",
                                   "next_action": rng.choice([None, "電話で体調確認"])}, vault_id=vault)
        elif choice == 1:
            r.update("household", rng.choice(households), {rng.choice(["name", "memo", "next_action"]):
                                                           rng.choice([None, "訪問予定", "民生委員と同行", "体調"])})
        elif choice == 2:
            r.delete("household", rng.choice(households))
        elif choice == 3:
            r.insert("person", {"household_id": rng.choice(households), "name": "山田 花子", "relation": "母",
                                "is_elderly": rng.choice([0, 1])}, vault_id=vault)
        elif choice == 4 and persons:
            r.update("person", rng.choice(persons), {"memo": rng.choice(["通院中", "デイサービス利用", None])})
        elif choice == 5:
            r.append("contact", {"household_id": rng.choice(households), "at": "2025-04-01T10:00:00+09:00",
                                 "kind": "home_visit", "outcome": rng.choice(["met", "nobody"]),
                                 "summary": rng.choice(["不在。手紙を置いた", "本人と面談", "電話で確認"])}, vault_id=vault)
        elif choice == 6:
            amends = rng.choice(notes) if notes and rng.random() < 0.5 else None
            r.append("note", {"household_id": rng.choice(households), "at": "2025-04-02T09:00:00+09:00",
                              "text": rng.choice(["体調が悪いと話す", "訂正: 通院は火曜", "母の介護の相談"]),
                              "amends": amends}, vault_id=vault)
        elif choice == 7 or not forms:
            r.insert("form_record", {"household_id": rng.choice(households), "form_id": "1-2", "status": "draft",
                                     "answers": {"wish": "働きたい"}}, vault_id=vault)
        else:
            r.update("form_record", rng.choice(forms),
                     {"answers": {rng.choice(["wish", "health", "money"]): rng.choice(["通院中", "就労希望", None])}})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), devices=st.integers(3, 5))
def test_devices_that_saw_the_same_changes_in_any_order_hold_the_same_state(tmp_path_factory, seed, devices):
    rng = random.Random(seed)
    base = tmp_path_factory.mktemp("merge")
    fleet = [Device(base / f"d{i}", rng.choice([-48, -3, 0, 0, 5, 48]) * HOUR_MS) for i in range(devices)]
    vaults = ["va" * 6, "vb" * 6]
    log: list = []
    try:
        for _ in range(rng.randrange(10, 40)):
            device = rng.choice(fleet)
            step = rng.random()
            if step < 0.6:
                _act(device, rng, vaults)
            elif step < 0.8:
                device.push(log)
            elif step < 0.95:
                device.pull(log, rng)
            else:
                device.restart()
        for device in fleet:
            device.push(log)
        for device in fleet:
            device.seen = 0  # everything again, in yet another order: merging twice changes nothing
            device.pull(log, rng)
        states = [_state(d.store) for d in fleet]
        for other in states[1:]:
            assert other == states[0]
        assert len({tuple(_search(d.store, "体調")) for d in fleet}) == 1
        appended = {(e[1], op[2]) for e in log for op in e[2] if op[0] == "a"}
        for device in fleet:
            conn = device.store.connection()
            held = {(r[0], r[1]) for t in ("contact", "note") for r in conn.execute(f"SELECT vault_id, id FROM {t}")}
            assert appended <= held  # no contact or note lost anywhere
            assert not conn.execute("SELECT count(*) FROM change WHERE pushed = 0").fetchone()[0]
    finally:
        for device in fleet:
            device.profile.close()


def test_a_newer_stamp_wins_and_an_older_one_is_ignored(tmp_path):
    a = Device(tmp_path / "a", 0)
    b = Device(tmp_path / "b", 0)
    log: list = []
    with a.store.write() as r:
        hid = r.insert("household", {"name": "山田家", "memo": "古い"}, vault_id="v" * 12)
    a.push(log)
    b.pull(log)
    with b.store.write() as r:
        r.update("household", hid, {"memo": "新しい"})
    with a.store.write() as r:
        r.update("household", hid, {"name": "山田家（本家）"})
    b.push(log)
    a.push(log)
    a.pull(log)
    b.pull(log)
    for device in (a, b):
        row = device.store.read().get("household", hid)
        assert (row["name"], row["memo"]) == ("山田家（本家）", "新しい")
    assert _state(a.store) == _state(b.store)
    a.profile.close()
    b.profile.close()


def test_an_operation_this_version_cannot_read_is_refused_whole(tmp_path):
    a = Device(tmp_path / "a", 0)
    with pytest.raises(merge.UnknownOperation), a.store.write() as r:
        merge.apply(r.conn, "v" * 12, [["r", "household", "h" * 12, [["0" * 16 + "-x", {"colour": "red"}]], None]], index=r.index)
    with pytest.raises(merge.UnknownOperation), a.store.write() as r:
        merge.apply(r.conn, "v" * 12, [["a", "spaceship", "s" * 12, "0" * 16 + "-x", {}]], index=r.index)
    assert a.store.read().get("household", "h" * 12) is None
    a.profile.close()


def test_merged_records_are_not_captured_as_local_changes(tmp_path):
    a = Device(tmp_path / "a", 0)
    b = Device(tmp_path / "b", 0)
    log: list = []
    with a.store.write() as r:
        r.insert("household", {"name": "佐藤家"}, vault_id="v" * 12)
    a.push(log)
    b.pull(log)
    assert b.store.connection().execute("SELECT count(*) FROM change").fetchone()[0] == 0
    assert b.store.read().find("household")[0]["name"] == "佐藤家"
    a.profile.close()
    b.profile.close()
