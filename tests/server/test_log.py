"""Push (idempotent, all-or-nothing), pull (what an account sees, the cursor) and backfill."""

from __future__ import annotations

import msgpack
import pytest

from sync import protocol as p

from .helpers import new_id


@pytest.fixture
def household(org, worker):
    vault_id, resp = worker.register_vault()
    assert resp.status_code == 200
    return vault_id


def envs(items) -> list[str]:
    return [i["id"] for i in items if i["kind"] == "env"]


def test_push_answers_seqs_in_request_order(worker, household):
    batch = [worker.envelope(household) for _ in range(3)]
    resp = worker.push(batch)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert len(body["seqs"]) == len(batch)
    seqs = body["seqs"]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3 and body["duplicates"] == 0


def test_same_envelope_again_answers_its_existing_seq(worker, household):
    env = worker.envelope(household)
    first = worker.push([env]).json()["seqs"][0]
    other = worker.envelope(household)
    again = worker.push([env, other, env]).json()
    assert again["duplicates"] == 2
    assert again["seqs"][::2] == [first, first]
    assert again["seqs"][1] > first


def test_same_id_with_other_content_is_a_conflict(worker, household):
    env = worker.envelope(household)
    worker.push([env])
    changed = worker.envelope(household, env_id=env["id"])
    resp = worker.push([changed])
    assert resp.status_code == 409 and resp.json()["error"] == p.E_CONFLICT
    within = worker.envelope(household)
    resp = worker.push([within, worker.envelope(household, env_id=within["id"])])
    assert resp.status_code == 409


def test_one_refused_envelope_refuses_the_whole_push(org, worker, household):
    good = worker.envelope(household)
    offices_own, _ = org.office.register_vault()  # tanaka is no member of it
    cases = [
        ({**worker.envelope(household), "sig": bytes(64)}, 400, p.E_BAD_SIGNATURE),
        (worker.envelope(household, kv=2), 400, p.E_BAD_REQUEST),
        (worker.envelope(offices_own), 403, p.E_FORBIDDEN),
        (worker.envelope(new_id()), 404, p.E_NOT_FOUND),
    ]
    head = org.office.pull()["head"]
    for bad, status, code in cases:
        resp = worker.push([good, bad])
        assert (resp.status_code, resp.json()["error"]) == (status, code)
    assert org.office.pull()["head"] == head
    assert good["id"] not in envs(org.office.pull_all()[0])


def test_envelope_signed_by_another_device_is_refused(org, worker, household):
    env = org.office.envelope(household)  # signed by the office's key, pushed by tanaka
    resp = worker.push([env])
    assert resp.status_code == 400 and resp.json()["error"] == p.E_BAD_SIGNATURE


def test_pull_shows_others_envelopes_not_the_devices_own(org, worker, household):
    second = org.member("tanaka", new_account=False)
    mine = [worker.envelope(household) for _ in range(2)]
    worker.push(mine)
    assert envs(worker.pull_all()[0]) == []
    assert envs(second.pull_all()[0]) == [e["id"] for e in mine]  # same account, other device
    [item] = [i for i in org.office.pull_all()[0] if i["kind"] == "env"][:1]
    assert item["device"] == worker.id and item["vault"] == household and item["kv"] == 1
    assert item["nonce"] == mine[0]["nonce"] and item["body"] == mine[0]["body"] and item["sig"] == mine[0]["sig"]


def test_pull_shows_only_vaults_the_account_is_member_of(org, worker, household):
    suzuki = org.member("suzuki")
    worker.push([worker.envelope(household)])
    items, _ = suzuki.pull_all()
    assert items == []


def test_pull_cursor_next_more_and_head(org, worker, household):
    worker.push([worker.envelope(household) for _ in range(5)])
    page = org.office.pull(0, limit=2)
    assert len(page["items"]) == 2 and page["more"] is True
    assert page["next"] == page["items"][-1]["seq"]
    items, cursor = org.office.pull_all(page["next"], limit=2)
    assert cursor == page["head"]
    assert len(envs(page["items"] + items)) == 5
    seqs = [i["seq"] for i in page["items"] + items]
    assert seqs == sorted(set(seqs))
    final = org.office.pull(cursor)
    assert {k: final[k] for k in ("items", "next", "more", "head")} == {"items": [], "next": cursor, "more": False,
                                                                        "head": cursor}


def test_cursor_moves_to_head_past_what_the_device_cannot_see(org, worker, household):
    suzuki = org.member("suzuki")
    start = suzuki.pull()["next"]
    worker.push([worker.envelope(household) for _ in range(3)])
    page = suzuki.pull(start)
    assert page["items"] == [] and page["more"] is False and page["next"] == page["head"] > start


def test_new_member_gets_later_envelopes_by_pull_and_earlier_ones_by_backfill(org, worker, household):
    suzuki = org.member("suzuki")
    before = [worker.envelope(household) for _ in range(3)]
    worker.push(before)
    assert org.grant(household, "suzuki").status_code == 200
    grant_seq = next(m["granted_seq"] for m in org.office.get(f"/v2/vaults/{household}/members").json()["members"]
                     if m["login"] == "suzuki")
    after = [worker.envelope(household) for _ in range(2)]
    worker.push(after)

    items, _ = suzuki.pull_all()
    assert items[0] == {"seq": grant_seq, "kind": "grant", "vault": household, "count": 3}
    assert envs(items) == [e["id"] for e in after]

    resp = suzuki.backfill([{"id": household, "after": 0, "before": grant_seq}])
    assert resp.status_code == 200 and resp.headers["content-type"] == p.MSGPACK
    filled = msgpack.unpackb(resp.content, raw=False)
    assert envs(filled["items"]) == [e["id"] for e in before]
    assert filled["done"] == [household] and filled["more"] is False


def test_backfill_pages_vault_by_vault_within_the_limit(org, worker, household):
    other, _ = worker.register_vault()
    worker.push([worker.envelope(household) for _ in range(3)] + [worker.envelope(other) for _ in range(2)])
    ask = [{"id": other, "after": 0, "before": 10**9}, {"id": household, "after": 0, "before": 10**9}]
    page = msgpack.unpackb(org.office.backfill(ask, limit=3).content, raw=False)
    assert [i["vault"] for i in page["items"]] == [other, other, household]
    assert page["done"] == [other] and page["more"] is True
    rest = [{"id": household, "after": page["items"][-1]["seq"], "before": 10**9}]
    page = msgpack.unpackb(org.office.backfill(rest, limit=3).content, raw=False)
    assert [i["vault"] for i in page["items"]] == [household, household]
    assert page["done"] == [household] and page["more"] is False


def test_backfill_is_for_members_only(org, worker, household, other_org):
    suzuki = org.member("suzuki")
    ask = [{"id": household, "after": 0, "before": 100}]
    assert suzuki.backfill(ask).status_code == 403
    assert other_org.office.backfill(ask).status_code == 403
    assert suzuki.backfill([{"id": new_id(), "after": 0, "before": 100}]).status_code == 404
    assert worker.backfill(ask + ask).status_code == 400  # each vault once


def test_pull_limit_and_after_are_checked(worker):
    assert worker.get("/v2/pull", params={"limit": p.MAX_PULL_LIMIT + 1}).status_code == 400
    assert worker.get("/v2/pull", params={"limit": 0}).status_code == 400
    assert worker.get("/v2/pull", params={"after": -1}).status_code == 400


def test_pull_answer_is_cut_near_the_byte_limit(org, worker, household):
    size = 3 * 1024 * 1024
    for _ in range(4):
        assert worker.push([worker.envelope(household, body=bytes(size))]).status_code == 200
    page = org.office.pull(0)
    got = envs(page["items"])
    assert len(got) == 2 and page["more"] is True  # 6 MiB fits in 8, a third would not
    items, _ = org.office.pull_all(page["next"])
    assert len(envs(items)) == 2


def test_oversize_envelope_and_too_many_envelopes_are_refused_as_too_large(worker, household):
    big = worker.envelope(household, body=bytes(p.MAX_ENVELOPE_BYTES + 1))
    resp = worker.push([big])
    assert resp.status_code == 413 and resp.json()["error"] == p.E_TOO_LARGE
    many = [worker.envelope(household, body=b"x") for _ in range(p.MAX_PUSH_ENVELOPES + 1)]
    assert worker.push(many).status_code == 413


def test_pushing_an_empty_list_stores_nothing(worker):
    empty = worker.push([]).json()
    assert (empty["seqs"], empty["duplicates"], empty["chains"]) == ([], 0, [])
