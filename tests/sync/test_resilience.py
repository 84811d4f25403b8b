"""Sync when things go wrong: a connection cut mid-pull or after a push, the store down, keys
that arrive after the envelopes, clocks 48 hours off, and steps made impossible by a merge."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest

from storage.hlc import HybridClock, now_ms
from sync.client import remote as remote_module
from sync.client.engine import SyncEngine
from sync.client.errors import Unreachable
from sync.client.office import change_membership
from sync.client.remote import Remote
from tests.sync.conftest import household_state

HOURS_48 = 48 * 3600 * 1000


class Flaky:
    """An httpx client that cuts the connection on the n-th request to a path: before the
    request reaches the store, or after the store answered (the answer is lost)."""

    def __init__(self, inner, *, before: dict | None = None, after: dict | None = None) -> None:
        self.inner = inner
        self.before, self.after = before or {}, after or {}
        self.calls: dict[str, int] = {}

    def request(self, method, url, *args, **kwargs):
        path = str(url)
        n = self.calls[path] = self.calls.get(path, 0) + 1
        if self.before.get(path) in (n, "all"):
            raise httpx.ConnectError("cut before")
        response = self.inner.request(method, url, *args, **kwargs)
        if self.after.get(path) == n:
            raise httpx.ReadError("cut after")
        return response

    def close(self) -> None:
        pass


def _engine(session, client, **kw) -> SyncEngine:
    identity = session.sync.identity()
    return SyncEngine(session.sync.replica(), Remote(identity.server, token=identity.token, client=client), **kw)


def _homes(session, n: int):
    station = session.directory.add_station("中央")
    homes = []
    for i in range(n):
        home = session.households.create(f"世帯{i:03d}", "みその市本町", station.id)
        session.contacts.add_note(home.id, f"{i}件目の記録。体調を確認した。")
        homes.append(home)
    return homes


def _count_pulled(monkeypatch) -> list[int]:
    seen: list[int] = []
    original = remote_module.Remote.pull

    def counting(self, after, limit):
        doc = original(self, after, limit)
        seen.append(sum(1 for i in doc.get("items", []) if i.get("kind") == "env"))
        return doc

    monkeypatch.setattr(remote_module.Remote, "pull", counting)
    return seen


def test_a_pull_cut_midway_resumes_and_repeats_at_most_one_page(central, monkeypatch):
    office = central.office()
    homes = _homes(office, 30)
    office.sync.run()
    second = central.worker(office, "office", owner="事務局 二台目", role="office")
    seen = _count_pulled(monkeypatch)
    page = 5
    with pytest.raises(Unreachable):  # the answer to the 10th page is lost (the first 7 are grants)
        _engine(second, Flaky(central.client, after={"/v2/pull": 10}), pull_limit=page).run()
    partial = len(second.households.rows())
    assert 0 < partial < len(homes)
    report = _engine(second, central.client, pull_limit=page).run()
    assert report.complete
    assert len(second.households.rows()) == len(homes)
    with central.engine.connect() as conn:
        from sqlalchemy import func, select

        from sync.server import schema

        envelopes = conn.execute(select(func.count()).select_from(schema.log).where(
            schema.log.c.kind == "env", schema.log.c.device_id != second.sync.identity().device_id)).scalar()
    assert envelopes <= sum(seen) <= envelopes + page  # everything, and at most the lost page twice
    office.sync.run()
    assert household_state(second) == household_state(office)


def test_a_push_whose_answer_was_lost_is_stored_once(central, monkeypatch):
    office = central.office()
    laptop = central.worker(office, "sato")
    home = _homes(laptop, 1)[0]
    calls = {"push": 0}
    original = remote_module.Remote.push

    def counting(self, envelopes):
        calls["push"] += 1
        return original(self, envelopes)

    monkeypatch.setattr(remote_module.Remote, "push", counting)
    with pytest.raises(Unreachable):
        _engine(laptop, Flaky(central.client, after={"/v2/push": 1})).run()
    assert laptop.pending_changes() > 0  # not acknowledged: still waiting, nothing lost
    assert _engine(laptop, central.client).run().complete
    office.sync.run()
    assert [n.text for n in office.contacts.notes(home.id)] == ["0件目の記録。体調を確認した。"]
    with central.engine.connect() as conn:
        from sqlalchemy import func, select

        from sync.server import schema

        stored = conn.execute(select(func.count()).select_from(schema.log).where(
            schema.log.c.kind == "env", schema.log.c.device_id == laptop.sync.identity().device_id)).scalar()
    # One envelope per vault touched (the household, the directory), however often it was sent.
    assert stored == len({laptop.households.get(home.id).vault_id, laptop.store.meta("vault.directory")})


def test_the_store_unreachable_loses_nothing(central):
    office = central.office()
    laptop = central.worker(office, "sato")
    home = _homes(laptop, 1)[0]
    waiting = laptop.pending_changes()
    with pytest.raises(Unreachable):
        _engine(laptop, Flaky(central.client, before={"/v2/me": "all"})).run()
    assert laptop.pending_changes() == waiting
    assert laptop.households.get(home.id).name == "世帯000"
    assert _engine(laptop, central.client).run().complete
    assert laptop.pending_changes() == 0


def test_envelopes_that_arrive_before_their_key_are_kept_and_applied_later(central):
    office = central.office()
    laptop = central.worker(office, "sato")
    home = _homes(office, 1)[0]
    office.sync.run()
    # The office grants the household without handing over the key yet (as if it went offline
    # right after): the laptop sees the household's envelopes but cannot open them.
    remote = office.sync.remote()
    change_membership(office.sync.replica(), remote, [(office.households.get(home.id).vault_id, "sato", "grant")])
    report = laptop.sync.run()
    assert report.held > 0 and not report.complete
    assert laptop.households.rows() == []
    office.sync.run()  # supplies the key
    report = laptop.sync.run()
    assert report.complete and report.held == 0
    assert laptop.households.get(home.id).name == "世帯000"
    assert [n.text for n in laptop.contacts.notes(home.id)] == ["0件目の記録。体調を確認した。"]


def _skew(session, ms: int) -> None:
    store = session.store
    clock = HybridClock(store.device_id, store.clock.last, physical=lambda: now_ms() + ms)
    clock.offset_ms = store.clock.offset_ms
    store.clock = clock


def test_a_laptop_48_hours_slow_still_wins_with_its_later_edit_after_one_sync(central):
    office = central.office()
    laptop = central.worker(office, "sato")
    home = _homes(office, 1)[0]
    office.sync.assign(home.id, "sato")
    _skew(laptop, -HOURS_48)
    laptop.sync.run()  # learns how far its clock is behind the store's
    office.households.update(home.id, memo="事務局のメモ")
    office.sync.run()
    laptop.households.update(home.id, memo="訪問後に書いたメモ")  # later in real time, offline
    laptop.sync.run()
    office.sync.run()
    for device in (office, laptop):
        assert device.households.get(home.id).memo == "訪問後に書いたメモ"


def test_an_edit_made_after_seeing_another_wins_whatever_the_clocks_say(central):
    office = central.office()
    laptop = central.worker(office, "sato")
    home = _homes(office, 1)[0]
    office.sync.assign(home.id, "sato")
    _skew(office, +HOURS_48)  # the office's clock runs two days ahead, uncorrected
    office.households.update(home.id, memo="先の変更")
    office.sync.run()
    laptop.sync.run()
    laptop.households.update(home.id, memo="後の変更（先の変更を見てから）")
    laptop.sync.run()
    office.sync.run()
    for device in (office, laptop):
        assert device.households.get(home.id).memo == "後の変更（先の変更を見てから）"
    assert household_state(office) == household_state(laptop)


def _case(session, home_id: str, stage: str) -> str:
    with session.store.write() as r:
        return r.insert("case", {"household_id": home_id, "stage": stage, "opened_on": "2025-01-10"},
                        vault_id=session.households.get(home_id).vault_id)


# The step that leads to each stage, as the lifecycle records it (the gate re-judges a worker's).
_STEPS = {"replanning": ("start_replan", None), "closed": ("close", "decisionofthemeeting")}


def _move(session, home_id: str, case_id: str, from_stage: str, to_stage: str) -> None:
    today = dt.date.today().isoformat()
    vault = session.households.get(home_id).vault_id
    action, decision = _STEPS[to_stage]
    with session.store.write() as r:
        r.update("case", case_id, {"stage": to_stage, **({"ended_on": today} if to_stage == "closed" else {})})
        r.append("case_event", {"household_id": home_id, "case_id": case_id, "at": f"{today}T10:00:00+09:00",
                                "action": action, "from_stage": from_stage, "to_stage": to_stage,
                                "decision_id": decision}, vault_id=vault)


def _shared_case(central):
    """An office and a laptop that both hold a household with a case in support."""
    office = central.office()
    laptop = central.worker(office, "sato")
    home = _homes(office, 1)[0]
    case_id = _case(office, home.id, "in_support")
    office.sync.assign(home.id, "sato")
    laptop.sync.run()
    return office, laptop, home, case_id


def test_a_visit_logged_offline_on_a_case_closed_elsewhere_is_kept_and_flagged(central):
    office, laptop, home, case_id = _shared_case(central)
    visit = laptop.contacts.log_contact(home.id, kind="home_visit", outcome="met", summary="本人と面談（オフライン）")
    # People act at least a moment apart. Each device's clock is corrected by the offset it measured
    # at its last sync, which is off by up to a loaded machine's round trip; a second apart, the
    # stamps' order is the order of the acts (5 ms failed once at load 12).
    time.sleep(1.0)
    _move(office, home.id, case_id, "in_support", "closed")  # meanwhile, at the office
    office.sync.run()
    laptop.sync.run()
    office.sync.run()
    for device in (office, laptop):
        assert visit.id in {c.id for c in device.contacts.contacts(home.id)}  # kept
        flags = device.sync.flags(home.id)
        assert [(f.kind, f.record_id) for f in flags] == [("after_end", visit.id)]
        assert "終結" in flags[0].message
    office.sync.resolve_flag(office.sync.flags(home.id)[0].id)
    assert office.sync.flags(home.id) == []


def test_two_stage_changes_made_at_once_are_both_kept_and_flagged(central):
    office, laptop, home, case_id = _shared_case(central)
    _move(laptop, home.id, case_id, "in_support", "replanning")
    _move(office, home.id, case_id, "in_support", "closed")
    laptop.sync.run()
    office.sync.run()
    laptop.sync.run()
    assert household_state(office) == household_state(laptop)
    for device in (office, laptop):
        assert len(device.cases.events(case_id)) == 2
        assert [f.kind for f in device.sync.flags(home.id)] == ["stage_conflict"]
