"""The store as a sync replica: a page with an envelope this version cannot read merges the
others and quarantines that one, all in one transaction with the cursor."""

from __future__ import annotations

import time

from storage import audit, outbound
from storage import profile as sp
from storage.replica import GateRules, Replica
from sync.client.local import Received
from tests.conftest import FAST_KDF, PASSPHRASE

RULES = GateRules(stamp_ahead_ms=7 * 24 * 3600 * 1000, max_offset_ms=7 * 24 * 3600 * 1000)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _ops(folder, name: str, vault: str):
    source = sp.create_profile(folder, PASSPHRASE, kdf=FAST_KDF)
    with source.store.write() as r:
        hid = r.insert("household", {"name": name, "address": "みその市本町"}, vault_id=vault)
        r.append("note", {"household_id": hid, "at": "2025-04-02T09:00:00+09:00", "text": f"{name}の記録"},
                 vault_id=vault)
    conn = source.store.connection()
    [batch] = outbound.batches(conn, outbound.pending_vaults(conn))
    source.close()
    return hid, batch.ops


def test_a_page_with_an_unreadable_envelope_merges_the_rest_and_keeps_it(tmp_path):
    good_id, good = _ops(tmp_path / "a", "山田家", "v" * 12)
    other_id, other = _ops(tmp_path / "b", "佐藤家", "u" * 12)
    newer = [["r", "household", "x" * 24, [["0" * 16 + "-newdevice", {"colour": "blue"}]], None]]
    target = sp.create_profile(tmp_path / "t", PASSPHRASE, kdf=FAST_KDF)
    replica = Replica(target.store, {}, rules=RULES)
    page = [Received(1, "v" * 12, "deviceaaaaaa", good, {"seq": 1}, _now_ms()),
            Received(2, "w" * 12, "devicebbbbbb", newer, {"seq": 2, "why": "newer"}, _now_ms()),
            Received(3, "u" * 12, "deviceaaaaaa", other, {"seq": 3}, _now_ms())]
    result = replica.apply(page, [], {"cursor": "3"}, {}, prepared=replica.prepare(page))
    records = target.store.read()
    assert {h["id"] for h in records.find("household")} == {good_id, other_id}
    assert len(records.find("note")) == 2
    assert result.held == 1 and replica.held() == []
    [kept] = replica.quarantined()
    assert (kept.seq, kept.vault, kept.author, kept.reason) == (2, "w" * 12, "devicebbbbbb", "format")
    assert "colour" in kept.detail
    assert replica.state()["cursor"] == "3"
    assert {e.household_id for e in audit.entries(records.conn)} >= {
        good_id, other_id}
    target.close()
