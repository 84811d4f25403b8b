"""The audit chain detects edited, deleted and truncated entries."""

from __future__ import annotations

import pytest

from storage import audit
from storage import profile as sp
from tests.conftest import FAST_KDF, PASSPHRASE


@pytest.fixture
def conn(profile_dir):
    p = sp.create_profile(profile_dir, PASSPHRASE, kdf=FAST_KDF)
    with p.store.write() as r:
        for n in range(5):
            audit.append(r.conn, actor="s1", action="view", entity="household", entity_id=f"h{n}", household_id=f"h{n}")
    yield p.store.connection()
    p.close()


def test_an_untouched_chain_verifies(conn):
    assert audit.verify(conn) == []
    assert [e.entity_id for e in audit.entries(conn, "h3")] == ["h3"]


def test_an_edited_entry_is_detected(conn):
    conn.execute("UPDATE audit SET actor = 'someone else' WHERE seq = 3")
    assert audit.verify(conn) == ["3 番の記録が書き換えられています"]


def test_a_deleted_entry_is_detected(conn):
    conn.execute("DELETE FROM audit WHERE seq = 2")
    assert audit.verify(conn) == ["2〜2 番の記録が欠けています"]


def test_cutting_entries_off_the_end_is_detected(conn):
    conn.execute("DELETE FROM audit WHERE seq >= 4")
    assert audit.verify(conn) == ["記録は 3 番で終わっていますが、最後の記録は 5 番のはずです"]
