"""Concurrent pushes never produce a pull cursor that skips an envelope.

Four devices push from their own threads (each with its own client and event loop, like
separate API workers) while a reader pulls over and over; in the end the reader must have
every envelope exactly once, in increasing seq order. Without the head lock (seqs taken from
a counter committed apart from the envelopes) the reader can move its cursor past a seq whose
envelope is committed a moment later, and loses it."""

from __future__ import annotations

import dataclasses
import threading

from fastapi.testclient import TestClient

PUSHERS = 4
PUSHES_EACH = 20
PER_PUSH = 2


def test_concurrent_pushes_and_pulls_lose_or_repeat_nothing(app, org):
    writers = []
    for n in range(PUSHERS):
        device = org.member(f"worker{n}")
        vault_id, resp = device.register_vault()
        assert resp.status_code == 200
        writers.append((device, vault_id))

    pushed: list[str] = []
    failures: list[str] = []
    done = threading.Event()
    start = threading.Barrier(PUSHERS + 1)

    def push_all(device, vault_id):
        with TestClient(app) as own:
            me = dataclasses.replace(device, client=own)
            start.wait()
            for _ in range(PUSHES_EACH):
                batch = [me.envelope(vault_id, body=b"x" * 200) for _ in range(PER_PUSH)]
                resp = me.push(batch)
                if resp.status_code != 200:
                    failures.append(resp.text)
                    return
                pushed.extend(e["id"] for e in batch)

    threads = [threading.Thread(target=push_all, args=w) for w in writers]
    for t in threads:
        t.start()

    seen: list[dict] = []
    cursor = org.office.pull()["next"]
    start.wait()
    pulls = 0
    while True:
        finished = done.is_set()
        page = org.office.pull(cursor, limit=7)
        pulls += 1
        seen += [i for i in page["items"] if i["kind"] == "env"]
        assert page["next"] >= cursor
        cursor = page["next"]
        if finished and not page["more"]:
            break
        if not any(t.is_alive() for t in threads):
            done.set()

    for t in threads:
        t.join()
    assert failures == []
    ids = [i["id"] for i in seen]
    assert len(ids) == len(set(ids)), "an envelope was pulled twice"
    assert sorted(ids) == sorted(pushed), f"{len(set(pushed) - set(ids))} envelopes were skipped"
    seqs = [i["seq"] for i in seen]
    assert seqs == sorted(seqs)
    assert len(pushed) == PUSHERS * PUSHES_EACH * PER_PUSH and pulls > 5
