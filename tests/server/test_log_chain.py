"""The log's hash chain: every entry (envelope or grant marker) links to the one before, the
push answer lets the author check its own envelope's link, and the chain at any seq a device
remembers is answered by /me?at= and /log/chains."""

from __future__ import annotations

import base64

import pytest

from sync import protocol as p


@pytest.fixture
def household(org, worker):
    vault_id, resp = worker.register_vault()
    assert resp.status_code == 200
    return vault_id


def unb64(text):
    return base64.b64decode(text) if text is not None else None


def test_the_chain_links_every_entry_and_the_author_can_check_its_own(engine, org, worker, household):
    sent = [worker.envelope(household) for _ in range(3)]
    body = worker.push(sent).json()
    for env, seq, prev, chain in zip(sent, body["seqs"], body["prevs"], body["chains"], strict=True):
        entry = p.envelope_entry(household, env["id"], env["kv"], worker.id, env["ms"], env["nonce"], env["body"])
        assert unb64(chain) == p.log_link(unb64(prev), seq, entry)
    assert body["log"]["head"] == body["seqs"][-1] and body["log"]["chain"] == body["chains"][-1]
    again = worker.push(sent[:1]).json()  # a resend answers the same link
    assert again["chains"][0] == body["chains"][0] and again["prevs"][0] == body["prevs"][0]

    # The whole chain, recomputed from genesis over every stored entry, ends at the head.
    from sqlalchemy import select

    from sync.server.schema import log

    chain = p.LOG_GENESIS
    with engine.connect() as conn:
        for row in conn.execute(select(log).order_by(log.c.seq)):
            entry = row.digest if row.kind == "env" else p.grant_entry(row.vault_id, row.account_id, row.count)
            chain = p.log_link(chain, row.seq, entry)
            assert row.chain == chain
    page = org.office.pull(0)
    assert page["chain"] == chain
    me = org.office.get("/v2/me", params={"at": body["seqs"][1]}).json()["log"]
    assert me["head"] == page["head"] and unb64(me["chain"]) == page["chain"]
    assert me["at"] == body["chains"][1] and me["epoch"] == page["epoch"] and len(me["epoch"]) == 32
    asked = org.office.post("/v2/log/chains", json={"seqs": [0, body["seqs"][0], me["head"] + 5]}).json()
    assert asked["chains"] == [base64.b64encode(p.LOG_GENESIS).decode(), body["chains"][0], None]
    assert asked["head"] == me["head"]


def test_chain_queries_are_bounded(org):
    assert org.office.post("/v2/log/chains", json={"seqs": []}).status_code in (400, 422)
    assert org.office.post("/v2/log/chains", json={"seqs": list(range(p.MAX_CHAIN_QUERY + 1))}).status_code in (
        400, 413, 422)
    assert org.office.get("/v2/me", params={"at": -1}).status_code in (400, 422)
