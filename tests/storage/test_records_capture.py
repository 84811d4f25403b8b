"""Every write is captured, in the same transaction, with stamps and the fields it changed."""

from __future__ import annotations

import json

import pytest

from storage import profile as sp
from tests.conftest import FAST_KDF, PASSPHRASE


@pytest.fixture
def store(profile_dir):
    p = sp.create_profile(profile_dir, PASSPHRASE, kdf=FAST_KDF)
    yield p.store
    p.close()


def changes(store):
    return store.connection().execute("SELECT stamp, entity, entity_id, vault_id, fields FROM change ORDER BY seq").fetchall()


def clocks(store, table, rid):
    return json.loads(store.connection().execute(f"SELECT clocks FROM {table} WHERE id = ?", (rid,)).fetchone()[0])


def test_insert_records_one_change_with_all_fields_and_a_stamp(store):
    with store.write() as r:
        hid = r.insert("household", {"name": "佐藤家", "address": "本町1"}, vault_id="v1")
    [(stamp, entity, entity_id, vault, fields)] = changes(store)
    assert (entity, entity_id, vault, fields) == ("household", hid, "v1", "*")
    assert stamp.endswith(store.device_id)
    assert clocks(store, "household", hid) == {"": stamp}


def test_update_records_only_the_fields_that_changed(store):
    with store.write() as r:
        hid = r.insert("household", {"name": "佐藤家", "address": "本町1"}, vault_id="v1")
    with store.write() as r:
        assert r.update("household", hid, {"name": "佐藤家", "address": "栄町2"}) is True
        assert r.update("household", hid, {"address": "栄町2"}) is False
    rows = changes(store)
    assert [row[4] for row in rows] == ["*", "address"]
    c = clocks(store, "household", hid)
    assert c["address"] == rows[1][0] and c[""] == rows[0][0]


def test_map_fields_are_stamped_key_by_key(store):
    with store.write() as r:
        fid = r.insert("form_record", {"form_id": "2-1", "answers": {"goals": "a"}}, vault_id="v")
        r.update("form_record", fid, {"answers": {"direction": "b"}})
    record = store.read().get("form_record", fid)
    assert record["answers"] == {"goals": "a", "direction": "b"}
    assert changes(store)[-1][4] == "answers.direction"
    assert "answers.direction" in clocks(store, "form_record", fid)


def test_delete_is_a_tombstone_that_is_captured_and_hidden(store):
    with store.write() as r:
        pid = r.insert("person", {"name": "佐藤 花子", "household_id": "h"}, vault_id="v")
        r.delete("person", pid)
    assert store.read().get("person", pid) is None
    assert store.read().get("person", pid, include_deleted=True)["deleted"] == 1
    assert changes(store)[-1][4] == "deleted"


def test_append_only_records_cannot_be_updated_or_deleted(store):
    with store.write() as r:
        nid = r.append("note", {"household_id": "h", "text": "初回"}, vault_id="v")
        with pytest.raises(TypeError):
            r.update("note", nid, {"text": "書き換え"})
        with pytest.raises(TypeError):
            r.delete("note", nid)
    assert store.read().get("note", nid)["text"] == "初回"


def test_a_failed_transaction_leaves_neither_the_record_nor_its_change(store):
    with pytest.raises(RuntimeError), store.write() as r:
        r.insert("household", {"name": "途中で失敗"}, vault_id="v")
        raise RuntimeError("boom")
    assert store.read().find("household") == []
    assert changes(store) == []


def test_the_clock_survives_a_restart(profile_dir):
    p = sp.create_profile(profile_dir, PASSPHRASE, kdf=FAST_KDF)
    with p.store.write() as r:
        r.insert("household", {"name": "a"}, vault_id="v")
    last = p.store.clock.last
    p.close()
    p = sp.open_profile(profile_dir, PASSPHRASE)
    p.store.clock._physical = lambda: 0  # a laptop whose clock went back to 1970
    with p.store.write() as r:
        r.insert("household", {"name": "b"}, vault_id="v")
    stamps = [row[0] for row in changes(p.store)]
    assert stamps[1] > stamps[0] and p.store.clock.last > last
    p.close()


def test_unknown_fields_are_programming_errors(store):
    with store.write() as r, pytest.raises(KeyError):
        r.insert("household", {"nmae": "typo"}, vault_id="v")


def test_find_accepts_only_schema_fields(store):
    with pytest.raises(KeyError):
        store.read().find("household", **{"name = '' OR 1=1 --": "x"})
