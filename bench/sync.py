"""Sync against a real central store on loopback, beside PouchDB replicating the same records.

    python -m bench.sync [--quick] [--profile-pull FILE] [--profile-roundtrip FILE] [--no-pouchdb] [--index-ab]

Everything below is measured in one run. The store is a real `yorisoi-server serve` subprocess
(uvicorn, TLS with a certificate from `make-cert`, SQLite in a temporary folder); devices are
real profiles (SQLCipher) reaching it the way the app does (`session.sync.run()`: a new pinned
TLS connection per sync run).

* initial_pull_s      a fresh, empty second device of the office account (enrolled with
                      `admin enrol-code office`, approved by the office device, which also hands
                      it the keys) runs its first sync: keys, verify, decrypt, merge, search index
                      and the app's checks after a merge, all included. The office device holds a
                      station of N households x 10 records (household, 2 persons, a case,
                      4 contacts, 2 notes; seeded Japanese text; one vault per household) and
                      pushed them beforehand (not timed). The search index is written by its own
                      thread into its own file: the pull is complete once it has caught up, and that
                      wait is included (index_catch_up_s: the wait after the sync run returned).
* pouchdb_s           the same records as JSON documents (one per record, the field values the
                      office holds in plaintext), replicated from a memory-backed express-pouchdb
                      server (express 4, its own Node process) on 127.0.0.1 into a fresh memory
                      PouchDB: PouchDB.replicate(remote, local, {batch_size: 500, batches_limit:
                      10}), replication only timed, best of two runs; pouchdb_s_batch100 the same
                      with batch_size 100. pouchdb_ratio = pouchdb_s / initial_pull_s.
* merge_changes_per_s field changes applied per second by storage.merge through Replica.apply
                      (the pull's own path, pages of up to 1000 envelopes, one local transaction
                      each): 3-5 fields of existing household, person and case records, stamped
                      newer than what is stored, one envelope per household. Wall time of all pages
                      and the index's catch-up after the last; merge_changes_per_s_main_thread counts
                      only the Replica.apply calls (what a sync waits for).
* --index-ab          the same pull and merge again on a third device whose commits each wait for
                      their indexing (no overlap of index and merge): *_index_serial. It runs after
                      the main figures (the store's caches are warmer for it).
* gate_overhead_ratio the same merge again (newer stamps, same records) on pages of 125 envelopes
                      alternating A B B A between Replica.apply with the gate on everything received
                      (storage.gate) and without it (a switch for this measurement only), the index
                      caught up between pages untimed: seconds per field changed with the gate /
                      without, in the same run.
* roundtrip_p50_ms    the office device changes 50 records (30 contacts logged, 10 household
                      memos and 10 persons' phones edited, across 10 households) and syncs, then
                      the second device syncs; wall time of the two sync runs; 21 rounds.
* wire_ratio          bytes on the wire to move a change once, device to store or store to device:
                      every HTTP request and answer of the sending device's whole sync run
                      (wire_ratio_send) and of the receiving device's (wire_ratio_receive), bodies
                      and header lines as sync.client.remote.Traffic counts them (TLS handshakes
                      and record framing, TCP/IP headers not counted), each / the raw JSON size of
                      the changed records (json.dumps of id + non-null field values, UTF-8);
                      wire_ratio is the larger of the two. A round trip moves each change twice
                      (up, then down): wire_ratio_round_trip is both runs' bytes / the raw size.
                      wire_ratio_initial: the initial pull's sync run against all records.
* rotation_s          a household of 1,000 records (the household and 999 notes) with four
                      workers as members, each with a device that holds all of it: the office
                      removes the fourth (a signed removal and a new key version for the
                      remaining members and the recovery key: `yorisoi unassign`, its syncs
                      included), then the three remaining members sync (each receives the new
                      key version); wall time of the whole.

Beside the figures: where the time went (`*_breakdown`: in requests, in Replica.apply, elsewhere
in the engine, after it in the app), requests, bytes and time by endpoint, the commit measured and
the engine files that differed from it, and the machine's load (it may be shared).

The npm packages for the PouchDB side are installed once into bench/.cache/pouchdb (git-ignored).
Progress goes to stderr; stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import emit, median
from sync.protocol import PREFIX

ROOT = Path(__file__).resolve().parents[1]
POUCH_DIR = ROOT / "bench" / ".cache" / "pouchdb"
POUCH_SCRIPT = ROOT / "bench" / "pouchdb_peer.js"
NPM_PACKAGES = ("pouchdb-core", "pouchdb-adapter-memory", "pouchdb-adapter-http", "pouchdb-replication",
                "pouchdb-mapreduce", "express-pouchdb", "express@4")
PASSPHRASE = "bench passphrase"
CODE = re.compile(r"[A-Z2-7]{5}(?:-[A-Z2-7]{5}){3}")
ORG = "みその市"
ROUNDS = 21
ROUND_HOUSEHOLDS = 10  # x (3 contacts + 1 household edit + 1 person edit) = 50 records a round
PAGE = 1000  # envelopes per Replica.apply in the merge measurement, as a pull page
GATE_PAGE = 125  # smaller pages for the gate's A/B, so both sides get many
TARGETS = {
    "initial_pull_s": {"max": 5},
    "pouchdb_ratio": {"min": 3},
    "merge_changes_per_s": {"min": 50_000},
    "gate_overhead_ratio": {"max": 1.15},
    "roundtrip_p50_ms": {"max": 150},
    "wire_ratio": {"max": 0.5},
    "wire_ratio_initial": {"max": 0.5},
    "rotation_s": {"max": 2},
}
_STARTED = time.perf_counter()
LOAD_AT_START = os.getloadavg()[0]


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def percentile(values, q: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))])


# -- the central store ---------------------------------------------------------------------


def _env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("YORISOI_")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`yorisoi-server serve` over TLS on 127.0.0.1, its SQLite store in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.data = folder / "central"
        self._cli("make-cert", "--data", self.data)
        self.port = _free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self._out = (folder / "serve.out").open("w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sync.server", "serve", "--data", str(self.data), "--port", str(self.port)],
            cwd=ROOT, stdout=self._out, stderr=subprocess.STDOUT, env=_env())
        import httpx

        from sync.server import tls

        ctx = ssl.create_default_context(cadata=tls.paths(self.data)[0].read_text())
        deadline = time.monotonic() + 30
        with httpx.Client(base_url=self.url, verify=ctx, timeout=5) as client:
            while True:
                try:
                    if client.get(f"{PREFIX}/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self._out.seek(0)
                    self.stop()
                    raise SystemExit(f"the central store did not start:\n{self._out.read()[-3000:]}")
                time.sleep(0.1)

    @staticmethod
    def _cli(*argv) -> str:
        proc = subprocess.run([sys.executable, "-m", "sync.server", *map(str, argv)], cwd=ROOT, env=_env(),
                              capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise SystemExit(f"yorisoi-server {' '.join(map(str, argv))} failed:\n{proc.stdout}{proc.stderr}")
        return proc.stdout

    def code(self, *argv) -> str:
        """A one-time code from `yorisoi-server admin …`."""
        [code] = CODE.findall(self._cli("admin", "--data", self.data, *argv))
        return code

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()


# -- devices -------------------------------------------------------------------------------


def new_device(folder: Path, owner: str):
    from app import profiles
    from storage.keyfile import KdfParams

    # Unlocking is not what this benchmark measures: a cheap key derivation.
    return profiles.create(folder, PASSPHRASE, owner_name=owner, kdf=KdfParams(memory_kib=8192, iterations=1,
                                                                               lanes=1))


@dataclass
class Meter:
    """What the sync runs of some devices sent and received and where their time went.

    The app makes a new `Remote` (and TLS connection) for every sync run and closes it after;
    `SyncService.remote` is wrapped on the instance so each one is seen, its `traffic` read and
    its requests timed. Replica.apply and SyncEngine.run are timed by wrapping them on their
    classes while the meter is on (a few microseconds a call)."""

    sessions: tuple
    remotes: list = field(default_factory=list)
    endpoints: dict = field(default_factory=dict)  # "METHOD /path": requests, bytes, seconds
    http_s: float = 0.0
    apply_s: float = 0.0
    engine_s: float = 0.0

    def __enter__(self) -> Meter:
        from storage.replica import Replica
        from sync.client.engine import SyncEngine

        meter = self
        for session in self.sessions:
            original = session.sync.remote

            def remote(identity=None, server=None, original=original):
                made = original(identity, server)
                call = made._call

                def timed_call(method, path, *args, made=made, call=call, **kw):
                    started = time.perf_counter()
                    before = made.traffic.sent + made.traffic.received
                    try:
                        return call(method, path, *args, **kw)
                    finally:
                        spent = time.perf_counter() - started
                        meter.http_s += spent
                        row = meter.endpoints.setdefault(f"{method} {path}", {"requests": 0, "bytes": 0, "s": 0.0})
                        row["requests"] += 1
                        row["bytes"] += made.traffic.sent + made.traffic.received - before
                        row["s"] += spent

                made._call = timed_call
                meter.remotes.append(made)
                return made

            session.sync.remote = remote
        self._apply, self._run = Replica.apply, SyncEngine.run

        def apply(replica, *args, **kw):
            started = time.perf_counter()
            try:
                return meter._apply(replica, *args, **kw)
            finally:
                meter.apply_s += time.perf_counter() - started

        def run(engine):
            started = time.perf_counter()
            try:
                return meter._run(engine)
            finally:
                meter.engine_s += time.perf_counter() - started

        Replica.apply, SyncEngine.run = apply, run
        return self

    def __exit__(self, *exc) -> None:
        from storage.replica import Replica
        from sync.client.engine import SyncEngine

        Replica.apply, SyncEngine.run = self._apply, self._run
        for session in self.sessions:
            del session.sync.remote

    def breakdown(self, total_s: float) -> dict[str, float]:
        """Seconds in requests (client side: sent to answer read), in Replica.apply (merge and its
        transaction), elsewhere in the engine (keys, verify, decrypt, decode, seal, local reads and
        state writes) and after it (the app's checks after a merge, audit, closing)."""
        return {"http": self.http_s, "merge_apply": self.apply_s,
                "engine_other": self.engine_s - self.http_s - self.apply_s, "after_engine": total_s - self.engine_s}

    @property
    def sent(self) -> int:
        return sum(r.traffic.sent for r in self.remotes)

    @property
    def received(self) -> int:
        return sum(r.traffic.received for r in self.remotes)

    @property
    def requests(self) -> int:
        return sum(r.traffic.requests for r in self.remotes)


# -- the station ---------------------------------------------------------------------------


@dataclass
class Household:
    id: str
    vault: str
    persons: list[str]
    case: str


class Writer:
    """Natural Japanese for records, from the demo's phrases (seeded)."""

    def __init__(self, rng: random.Random) -> None:
        from app.demo.names import RESOURCES
        from app.demo.scenarios import OUTREACH_COMMON, SCENARIOS, VISIT_COMMON

        self.rng = rng
        self.scenarios = SCENARIOS
        self.resources = [r[0] for r in RESOURCES]
        self.common = list(OUTREACH_COMMON + VISIT_COMMON)

    def text(self, phrases, low: int, high: int, p: str, f: str) -> str:
        rng = self.rng
        out = ""
        while len(out) < low:
            pool = phrases if rng.random() < 0.7 else self.common
            out += rng.choice(pool).format(p=p, f=f, r=rng.choice(self.resources))
        if len(out) > high:
            cut = out.rfind("。", low - 1, high)
            out = out[:cut + 1] if cut >= 0 else out[:high]
        return out


def generate(session, households: int, seed: int) -> list[Household]:
    """A station of ``households`` households, ten records each, written through the record
    layer (stamps, change capture, search index) in transactions of 250 households."""
    from app.demo.names import CITY, GIVEN, STATIONS, SURNAMES
    from storage.records import new_id

    rng = random.Random(seed)
    words = Writer(rng)
    me = session.me
    today = dt.date(2025, 6, 1)
    stations = []
    with session.store.write() as r:
        for order, (name, area, towns) in enumerate(STATIONS):
            sid = r.insert("station", {"name": name, "area": area, "sort_order": order},
                           vault_id=session.vault("directory"))
            stations.append((sid, area.replace("地区", ""), towns))
        staff = [r.insert("staff", {"name": f"{s} {g}", "kana": f"{sk} {gk}", "role": "csw", "active": 1,
                                    "station_id": stations[i % len(stations)][0]},
                          vault_id=session.vault("directory"))
                 for i, ((s, sk), (g, gk)) in enumerate(zip(rng.sample(SURNAMES, 12),
                                                            [rng.choice(GIVEN[("f", "mid")]) for _ in range(12)],
                                                            strict=True))]
    made: list[Household] = []
    for start in range(0, households, 250):
        with session.store.write() as r:
            for _ in range(start, min(households, start + 250)):
                made.append(_household(r, rng, words, stations, [me, *staff], today, CITY, GIVEN, SURNAMES,
                                       new_id))
    return made


def _household(r, rng, words: Writer, stations, staff, today, city, given_names, surnames, new_id) -> Household:
    scenario = rng.choice(words.scenarios)
    surname, s_kana = rng.choice(surnames)
    station_id, area, towns = rng.choice(stations)
    vault = new_id()
    lead = rng.choice(staff)
    members = list(scenario.members[:2])
    if len(members) < 2:
        from app.demo.scenarios import Member

        members.append(Member(rng.choice(("弟", "妹", "長女", "長男")), rng.choice("mf"), (30, 60)))
    persons, given = [], []
    hid = new_id()
    created = today - dt.timedelta(days=rng.randint(30, 900))
    r.insert("household", {
        "name": f"{surname}家", "kana": f"{s_kana}ケ",
        "address": f"{city}{area}{rng.choice(towns)}{rng.randint(1, 2999)}-{rng.randint(1, 9)}"
                   + (f" コーポ{rng.choice(['あさひ', 'みどり', 'さくら'])}{rng.randint(1, 3)}0{rng.randint(1, 8)}"
                      if rng.random() < 0.15 else ""),
        "phone": f"0868-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}", "station_id": station_id,
        "lead_staff_id": lead, "created_on": created.isoformat(),
        "memo": words.text(scenario.notes, 20, 80, "本人", "家族") if rng.random() < 0.3 else None,
    }, vault_id=vault, record_id=hid)
    for member in members:
        age = rng.randint(*member.ages)
        generation = "child" if age < 18 else "young" if age < 40 else "mid" if age < 65 else "old"
        name, kana = rng.choice(given_names[(member.sex, generation)])
        born = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        flags = {flag: 1 for flag in member.flags}
        flags.setdefault("is_elderly", int(age >= 65))
        flags.setdefault("is_child", int(age < 18))
        persons.append(r.insert("person", {
            "household_id": hid, "name": f"{surname} {name}", "kana": f"{s_kana} {kana}",
            "birth_date": born.isoformat(), "relation": member.relation, "sex": "男" if member.sex == "m" else "女",
            "phone": f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}" if rng.random() < 0.5 else None,
            **flags}, vault_id=vault))
        given.append(name)
    p, f = given
    case = r.insert("case", {
        "household_id": hid, "principal_id": persons[0], "stage": rng.choice(
            ("outreach", "consented", "assessment", "plan_approved", "in_support", "in_support")),
        "route": rng.choice(scenario.routes), "lead_staff_id": lead, "opened_on": created.isoformat(),
        "summary": words.text(scenario.summaries, 40, 160, p, f), "urgency": rng.choice(("low", "normal", "high")),
        "follow_up_on": (today + dt.timedelta(days=rng.randint(-10, 60))).isoformat(),
    }, vault_id=vault)
    at = dt.datetime.combine(created, dt.time(9), dt.timezone(dt.timedelta(hours=9)))
    for _ in range(4):
        at += dt.timedelta(days=rng.randint(3, 40), minutes=rng.randint(0, 480))
        outcome = rng.choice(("met", "met", "family_only", "nobody"))
        r.append("contact", {
            "household_id": hid, "case_id": case, "at": at.isoformat(),
            "kind": rng.choice(("home_visit", "home_visit", "phone", "accompany", "office", "letter")),
            "outcome": outcome, "present": [persons[0]] if outcome == "met" else [],
            "summary": words.text(scenario.visits, 50, 120, p, f),
            "body": words.text(scenario.visits + scenario.notes, 100, 300, p, f),
            "next_action": "次回訪問で様子を確認する" if rng.random() < 0.3 else None, "staff_id": lead,
        }, vault_id=vault)
    for _ in range(2):
        at += dt.timedelta(days=rng.randint(1, 20))
        r.append("note", {"household_id": hid, "case_id": case, "at": at.isoformat(), "staff_id": lead,
                          "text": words.text(scenario.notes, 50, 300, p, f)}, vault_id=vault)
    return Household(hid, vault, persons, case)


def content(ent, record: dict) -> dict:
    """A record as the office holds it in plaintext: its id and non-null field values (no sync
    metadata: vault, stamps, clocks, tombstone)."""
    return {"id": record["id"], **{f: record[f] for f in ent.fields if record.get(f) is not None}}


def raw_size(doc: dict) -> int:
    return len(json.dumps(doc, ensure_ascii=False).encode("utf-8"))


def export(session, path: Path) -> tuple[dict[str, int], int]:
    """Every live record of the device as JSON Lines documents for PouchDB; returns the count by
    entity and the raw JSON size of all records."""
    from storage.records import decode_row
    from storage.schema import ENTITIES

    conn = session.store.connection()
    counts: dict[str, int] = {}
    total = 0
    with path.open("w", encoding="utf-8") as out:
        for ent in ENTITIES.values():
            cols = ent.columns
            where = "" if ent.append_only else " WHERE deleted = 0"
            for row in conn.execute(f"SELECT {', '.join(cols)} FROM {ent.table}{where}"):
                doc = content(ent, decode_row(ent, row, cols))
                total += raw_size(doc)
                counts[ent.name] = counts.get(ent.name, 0) + 1
                out.write(json.dumps({"_id": doc.pop("id"), "type": ent.name, **doc}, ensure_ascii=False) + "\n")
    return counts, total


def record_size(session, entity_name: str, record_id: str) -> int:
    from storage.schema import entity

    ent = entity(entity_name)
    return raw_size(content(ent, session.store.read().get(entity_name, record_id)))


# -- incremental round trips ---------------------------------------------------------------


def make_changes(session, rng: random.Random, words: Writer, households: list[Household],
                 day: dt.date) -> list[tuple[str, str]]:
    """50 records changed through the app's services: 3 contacts logged, the household's memo
    and a person's phone edited, in each of 10 households."""
    changed = []
    for h in rng.sample(households, ROUND_HOUSEHOLDS):
        scenario = rng.choice(words.scenarios)
        for _ in range(3):
            contact = session.contacts.log_contact(
                h.id, kind=rng.choice(("home_visit", "phone", "accompany")), outcome="met",
                summary=words.text(scenario.visits, 50, 120, "本人", "家族"),
                body=words.text(scenario.visits + scenario.notes, 100, 300, "本人", "家族"))
            changed.append(("contact", contact.id))
        session.households.update(h.id, memo=f"{day.month}/{day.day} " + words.text(scenario.notes, 30, 120, "本人",
                                                                                     "家族"))
        changed.append(("household", h.id))
        session.households.update_person(h.persons[1], phone=f"090-{rng.randint(1000, 9999)}-"
                                                             f"{rng.randint(1000, 9999)}")
        changed.append(("person", h.persons[1]))
    return changed


def round_trips(a, b, households: list[Household], rounds: int, seed: int, profile: cProfile.Profile | None) -> dict:
    rng = random.Random(seed)
    words = Writer(rng)
    times, sent, received, raw, requests = [], 0, 0, 0, 0
    endpoints: dict[str, dict] = {}
    parts = {"http": 0.0, "merge_apply": 0.0, "engine_other": 0.0, "after_engine": 0.0}
    for n in range(rounds):
        changed = make_changes(a, rng, words, households, dt.date(2025, 7, 1) + dt.timedelta(days=n))
        raw += sum(record_size(a, e, i) for e, i in changed)
        if profile:
            profile.enable()
        started = time.perf_counter()
        with Meter((a,)) as sender:
            pushed = a.sync.run()
        middle = time.perf_counter()
        with Meter((b,)) as receiver:
            pulled = b.sync.run()
        spent = time.perf_counter() - started
        if profile:
            profile.disable()
        times.append(spent * 1000)
        for meter, seconds in ((sender, middle - started), (receiver, spent - (middle - started))):
            for name, value in meter.breakdown(seconds).items():
                parts[name] += value
        if pushed.pushed_changes < len(changed) or pulled.merged_records < len(changed) or not pulled.complete:
            raise SystemExit(f"round {n}: pushed {pushed.pushed_changes} changes, the other device merged "
                             f"{pulled.merged_records} records (complete={pulled.complete}); expected "
                             f"{len(changed)}")
        sent += sender.sent + sender.received
        received += receiver.sent + receiver.received
        for meter in (sender, receiver):
            requests += meter.requests
            for name, row in meter.endpoints.items():
                total = endpoints.setdefault(name, {"requests": 0, "bytes": 0, "s": 0.0})
                for k in total:
                    total[k] += row[k]
    log(f"round trips: p50 {median(times):.1f} ms, p90 {percentile(times, 0.9):.1f} ms")
    return {"times_ms": times, "wire_send": sent, "wire_receive": received, "raw": raw, "requests": requests,
            "records": rounds * 50,
            "endpoints": endpoints, "breakdown_ms": {k: round(v * 1000 / rounds, 1) for k, v in parts.items()}}


# -- merge ---------------------------------------------------------------------------------


def rotation(server: Server, folder: Path, office) -> dict:
    """rotation_s (see the module's docstring); the removed worker's device purges afterwards."""
    station = office.directory.add_station("回転ステーション")
    home = office.households.create("鍵更新家", "みその市本町1-1", station.id)
    with office.store.write() as r:
        for i in range(999):
            r.append("note", {"household_id": home.id, "at": f"2025-05-{1 + i % 28:02d}T09:00:00+09:00",
                              "text": f"{i}件目の記録。訪問して体調と生活の様子を確かめた。"}, vault_id=home.vault_id)
    logins = [f"rot{n}" for n in range(4)]
    members = []
    for login in logins:
        server._cli("admin", "--data", server.data, "add-user", login)
        device = new_device(folder / login, f"{login} さん")
        done = device.sync.enrol(server.url, server.code("enrol-code", login), device_name=f"{login}-PC")
        office.sync.approve(done.fingerprint)
        members.append(device)
    for login in logins:
        office.sync.assign(home.id, login)
    for device in members:
        device.sync.run()
    if any(len(d.contacts.notes(home.id)) != 999 for d in members):
        raise SystemExit("rotation: a member did not receive the whole household")
    started = time.perf_counter()
    office.sync.unassign(home.id, logins[-1])
    rotated_s = time.perf_counter() - started
    for device in members[:-1]:
        device.sync.run()
    total_s = time.perf_counter() - started
    members[-1].sync.run()
    purged = not members[-1].households.rows() or home.id not in {h.id for h in members[-1].households.rows()}
    for device in members:
        device.close()
    return {"rotation_s": total_s, "rotation_office_s": rotated_s, "rotation_removed_purged": purged}


def idle(session) -> None:
    """Hand back the page cache of every connection of a device that has nothing to do now."""
    for conn in list(session.store._connections.values()):
        conn.execute("PRAGMA shrink_memory")


def merge_rate(session, households: list[Household], records: int, author: str, seed: int,
               gate_ab: bool = False) -> dict:
    """Field changes per second through Replica.apply (storage.merge), on a store that holds
    the records: 3-5 fields each of a household, its two persons and its case."""
    from storage.hlc import HybridClock, stamp_hlc, stamp_millis
    from sync.client.local import Received

    rng = random.Random(seed)
    words = Writer(rng)
    clock = HybridClock("benchmergedevice", last=stamp_hlc(session.store.clock.tick()))
    choices = {
        "household": lambda: {"memo": words.text(words.common, 30, 120, "本人", "家族"),
                              "next_action": rng.choice(("電話で近況確認", "同行受診", "次回訪問", "会議で報告")),
                              "next_action_on": f"2025-07-{rng.randint(1, 28):02d}",
                              "phone": f"0868-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
                              "address": f"みその市本町{rng.randint(1, 2999)}-{rng.randint(1, 9)}"},
        "person": lambda: {"phone": f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                           "memo": words.text(words.common, 20, 80, "本人", "家族"),
                           "is_welfare": rng.randint(0, 1), "is_hardship": rng.randint(0, 1),
                           "relation": rng.choice(("本人", "母", "父", "長男", "長女", "妻", "夫"))},
        "case": lambda: {"urgency": rng.choice(("low", "normal", "high")),
                         "follow_up_on": f"2025-08-{rng.randint(1, 28):02d}",
                         "follow_up_note": words.text(words.common, 20, 80, "本人", "家族"),
                         "summary": words.text(words.common, 40, 160, "本人", "家族"),
                         "stage": rng.choice(("assessment", "plan_drafted", "in_support"))},
    }

    def op(entity_name: str, record_id: str) -> list:
        values = choices[entity_name]()
        keep = rng.sample(sorted(values), rng.randint(3, 5))
        return ["r", entity_name, record_id, [[clock.tick(), {k: values[k] for k in keep}]], None]

    envelopes, count, fields = [], 0, 0
    for seq, h in enumerate(households, start=10**9):
        if count >= records:
            break
        ops = [op("household", h.id), *(op("person", p) for p in h.persons), op("case", h.case)]
        count += len(ops)
        fields += sum(len(o[3][0][1]) for o in ops)
        latest = max(stamp_millis(o[3][0][0]) for o in ops)
        envelopes.append(Received(seq, h.vault, author, ops, None, latest))
    replica = session.sync.replica()
    if gate_ab:
        return _gate_ab(session, replica, envelopes, fields)
    session.store.index.flush()
    main_seconds, merged = 0.0, 0
    begun = time.perf_counter()
    for start in range(0, len(envelopes), PAGE):
        page = envelopes[start:start + PAGE]
        started = time.perf_counter()
        applied = replica.apply(page, [], {}, {})
        main_seconds += time.perf_counter() - started
        merged += applied.fields
    applied_at = time.perf_counter()
    session.store.index.flush()
    seconds = time.perf_counter() - begun
    if merged != fields or replica.quarantined():
        raise SystemExit(f"merge: {merged} fields changed, {fields} sent newer; set aside: {replica.quarantined()[:3]}")
    log(f"merge: {merged} fields of {count} records in {seconds:.2f} s with the index caught up "
        f"({main_seconds:.2f} s in Replica.apply)")
    return {"records": count, "fields": merged, "envelopes": len(envelopes), "seconds": seconds,
            "main_seconds": main_seconds, "catch_up_s": time.perf_counter() - applied_at}


def _gate_ab(session, gated, envelopes: list, fields: int) -> dict:
    """Replica.apply with the gate ÷ the same without it (a switch that exists for this only),
    on pages of GATE_PAGE envelopes in the order A B B A …, so drift in the machine's load
    falls on both; the search index catches up between pages, untimed, so neither side runs
    beside the other's indexing."""
    from storage.replica import Replica

    plain = Replica(gated.store, gated.shared_vaults, rules=gated.rules, gate=False)
    timed = {True: [0.0, 0], False: [0.0, 0]}
    session.store.index.flush()
    for n, start in enumerate(range(0, len(envelopes), GATE_PAGE)):
        with_gate = n % 4 in (1, 2)
        started = time.perf_counter()
        applied = (gated if with_gate else plain).apply(envelopes[start:start + GATE_PAGE], [], {}, {})
        timed[with_gate][0] += time.perf_counter() - started
        timed[with_gate][1] += applied.fields
        session.store.index.flush()
    if timed[True][1] + timed[False][1] != fields or gated.quarantined():
        raise SystemExit(f"gate A/B: {timed}, {fields} sent newer; set aside: {gated.quarantined()[:3]}")
    ratio = (timed[True][0] / timed[True][1]) / (timed[False][0] / timed[False][1])
    log(f"gate A/B: {timed[True][1]} fields with the gate in {timed[True][0]:.2f} s, {timed[False][1]} without "
        f"in {timed[False][0]:.2f} s: ratio {ratio:.3f}")
    return {"gate_overhead_ratio": ratio, "gated_s": timed[True][0], "plain_s": timed[False][0],
            "gated_fields": timed[True][1], "plain_fields": timed[False][1]}


def index_serial(server, office, station, merge_records: int, seed: int) -> dict:
    """The initial pull and the merge on a third device whose commits wait for their indexing."""
    device = new_device(Path(office.store.path).parent.parent / "serial", "事務局 三郎")
    enrolled = device.sync.enrol(server.url, server.code("enrol-code", "office"), device_name="比較用PC")
    office.sync.approve(enrolled.fingerprint)
    idle(office)
    device.store.index.serial = True
    started = time.perf_counter()
    report = device.sync.run()
    device.store.index.flush()
    pull_s = time.perf_counter() - started
    if not report.complete:
        raise SystemExit(f"the serial-index pull did not complete: {report}")
    log(f"initial pull, index serial: {pull_s:.2f} s")
    merged = merge_rate(device, station, merge_records, office.sync.identity().device_id, seed)
    return {"session": device, "initial_pull_s_index_serial": round(pull_s, 3),
            "merge_changes_per_s_index_serial": round(merged["fields"] / merged["seconds"])}


# -- PouchDB -------------------------------------------------------------------------------


def output_ready(proc: subprocess.Popen) -> bool:
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        return False
    return True


def pouchdb(docs: Path, workdir: Path, rounds: int = 2) -> dict:
    """pouchdb_s (batch 500, best of ``rounds``) and pouchdb_s_batch100, or an error."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return {"pouchdb_s": None, "pouchdb_error": "node or npm not found on PATH"}
    modules = POUCH_DIR / "node_modules"
    wanted = [p.rsplit("@", 1)[0] if p.count("@") and not p.startswith("@") else p for p in NPM_PACKAGES]
    if not all((modules / name / "package.json").exists() for name in wanted):
        log("pouchdb: npm install into bench/.cache/pouchdb")
        POUCH_DIR.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error", *NPM_PACKAGES],
                              cwd=POUCH_DIR, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            return {"pouchdb_s": None, "pouchdb_error": f"npm install failed: {(proc.stderr or proc.stdout)[-500:]}"}
    sizes = ",".join(["500", "100"] * rounds)
    try:
        proc = subprocess.Popen([node, str(POUCH_SCRIPT), str(modules), str(docs), sizes, "10"], cwd=workdir,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        return {"pouchdb_s": None, "pouchdb_error": f"{type(exc).__name__}: {exc}"}
    errors = []
    try:
        for line in proc.stderr:  # progress, shown as it comes; the answer is one line on stdout
            errors.append(line)
            log(line.rstrip())
        output = proc.stdout.read()
    finally:
        if proc.poll() is None and not output_ready(proc):
            proc.kill()
    if proc.wait() != 0 or not output.strip():
        return {"pouchdb_s": None, "pouchdb_error": f"node exited {proc.returncode}: {''.join(errors)[-500:]}"}
    result = json.loads(output.strip().splitlines()[-1])
    by_size: dict[int, list[float]] = {}
    for run in result["runs"]:
        by_size.setdefault(run["batch_size"], []).append(run["seconds"])
    return {"pouchdb_s": min(by_size[500]), "pouchdb_s_batch100": min(by_size[100]), "pouchdb_runs_s": by_size,
            "pouchdb_docs": result["docs"], "pouchdb_versions": {"node": result["node"], **result["versions"]}}


# -- the run -------------------------------------------------------------------------------


def source_state() -> dict:
    """The commit measured and the engine's files that differed from it (the tree is shared)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain", "--", "sync", "storage", "app"], cwd=ROOT,
                                capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "modified": None}
    return {"commit": commit, "modified": [line[3:] for line in status.splitlines()]}


def per_round(endpoints: dict[str, dict], rounds: int) -> dict[str, dict]:
    """Requests, bytes and client-side seconds (request sent to answer read) by endpoint."""
    return {name: {"requests": round(row["requests"] / rounds, 1), "bytes": round(row["bytes"] / rounds),
                   "ms": round(row["s"] * 1000 / rounds, 1)}
            for name, row in sorted(endpoints.items(), key=lambda item: -item[1]["s"])}


def profile_summary(profile: cProfile.Profile, path: str, what: str) -> None:
    profile.dump_stats(path)
    for key in ("cumulative", "tottime"):
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats(key).print_stats(15)
        log(f"{what} profile, top 15 by {key}:\n{text.getvalue()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 households; well under two minutes")
    parser.add_argument("--households", type=int, default=None, help="override the station's size")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="incremental round trips")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile-pull", metavar="FILE", help="run the initial pull under cProfile, stats to FILE")
    parser.add_argument("--profile-roundtrip", metavar="FILE", help="the round trips under cProfile, stats to FILE")
    parser.add_argument("--label", help="a note copied into the output (e.g. which tree was measured)")
    parser.add_argument("--no-pouchdb", action="store_true", help="skip the PouchDB comparison")
    parser.add_argument("--index-ab", action="store_true", help="also pull and merge with each commit waiting "
                        "for its indexing (no overlap), on a third device")
    args = parser.parse_args()
    households = args.households or (2_000 if args.quick else 10_000)
    merge_records = 5_000 if args.quick else 20_000
    folder = Path(tempfile.mkdtemp(prefix="yorisoi-bench-sync-"))
    sessions: list = []
    server = None
    try:
        server = Server(folder)
        log(f"central store: {server.url} (SQLite in {server.data})")
        office = new_device(folder / "office", "事務局 花子")
        sessions.append(office)
        office.sync.enrol(server.url, server.code("create-org", ORG), device_name="事務局PC")

        started = time.perf_counter()
        station = generate(office, households, args.seed)
        generate_s = time.perf_counter() - started
        docs = folder / "docs.jsonl"
        counts, raw_total = export(office, docs)
        records_total = sum(counts.values())
        log(f"generated {households} households, {records_total} records ({raw_total / 1e6:.1f} MB of JSON) "
            f"in {generate_s:.1f} s")
        started = time.perf_counter()
        pushed = office.sync.run()
        push_s = time.perf_counter() - started
        log(f"office pushed {pushed.pushed_envelopes} envelopes ({pushed.pushed_changes} changes, "
            f"{pushed.vaults_registered} vaults registered) in {push_s:.1f} s")

        laptop = new_device(folder / "laptop", "事務局 次郎")
        sessions.append(laptop)
        enrolled = laptop.sync.enrol(server.url, server.code("enrol-code", "office"), device_name="事務局ノートPC")
        started = time.perf_counter()
        office.sync.approve(enrolled.fingerprint)
        approve_s = time.perf_counter() - started
        log(f"second office device enrolled and approved (keys supplied) in {approve_s:.1f} s")

        # A laptop has one profile open; this process has two, and SQLite's soft heap limit is
        # shared by the process. The office device sits idle while the other works: its page
        # cache is handed back first, as if it were another machine.
        idle(office)
        profile = cProfile.Profile() if args.profile_pull else None
        with Meter((laptop,)) as meter:
            started = time.perf_counter()
            if profile:
                profile.enable()
            report = laptop.sync.run()
            synced_s = time.perf_counter() - started
            laptop.store.index.flush()  # complete only once a search finds everything
            if profile:
                profile.disable()
            initial_s = time.perf_counter() - started
        if not report.complete:
            raise SystemExit(f"the initial pull did not complete: {report}")
        initial_wire = meter.sent + meter.received
        log(f"initial pull: {report.merged_records} records from {report.pulled_envelopes} envelopes, "
            f"{report.keys_received} keys, in {initial_s:.2f} s ({initial_wire / 1e6:.1f} MB on the wire)")
        if profile:
            profile_summary(profile, args.profile_pull, "initial pull")
        breakdown = meter.breakdown(initial_s)

        trip_profile = cProfile.Profile() if args.profile_roundtrip else None
        trips = round_trips(office, laptop, station, args.rounds, args.seed + 1, trip_profile)
        if trip_profile:
            profile_summary(trip_profile, args.profile_roundtrip, "round trips (all rounds)")
        idle(office)
        merged = merge_rate(laptop, station, merge_records, office.sync.identity().device_id, args.seed + 2)
        gate = merge_rate(laptop, station, merge_records, office.sync.identity().device_id, args.seed + 4, gate_ab=True)
        serial = index_serial(server, office, station, merge_records, args.seed + 3) if args.index_ab else None
        if serial:
            sessions.append(serial.pop("session"))
        idle(laptop)
        rotated = rotation(server, folder, office)
        log(f"rotation: {rotated['rotation_s']:.2f} s (office {rotated['rotation_office_s']:.2f} s)")
        for session in sessions:
            session.close()
        sessions.clear()
        server.stop()
        server = None

        peer = {"pouchdb_s": None, "pouchdb_error": "skipped (--no-pouchdb)"} if args.no_pouchdb \
            else pouchdb(docs, folder)
        pouch_s = peer.get("pouchdb_s")
        out = {
            "benchmark": "sync",
            "quick": args.quick,
            "profiled": bool(profile or trip_profile),
            "source": {**source_state(), **({"label": args.label} if args.label else {})},
            "cpu_count": os.cpu_count(),
            # The machine may be shared: its load when this run started and ended.
            "load_avg_1m": [round(LOAD_AT_START, 2), round(os.getloadavg()[0], 2)],
            "households": households,
            "records": records_total,
            "records_by_entity": counts,
            "raw_json_bytes": raw_total,
            "envelopes_pushed": pushed.pushed_envelopes,
            "envelopes_pulled": report.pulled_envelopes,
            "initial_pull_s": round(initial_s, 3),
            "index_catch_up_s": round(initial_s - synced_s, 3),
            "initial_pull_records": report.merged_records,
            "initial_pull_records_per_s": round(report.merged_records / initial_s),
            "initial_pull_keys": report.keys_received,
            "initial_pull_requests": meter.requests,
            "initial_pull_breakdown_s": {k: round(v, 3) for k, v in breakdown.items()},
            "initial_pull_by_endpoint": per_round(meter.endpoints, 1),
            "pouchdb_s": round(pouch_s, 3) if pouch_s is not None else None,
            "pouchdb_ratio": round(pouch_s / initial_s, 3) if pouch_s is not None else None,
            "pouchdb_batch_size": 500,
            "pouchdb_batches_limit": 10,
            "pouchdb_setup": "express-pouchdb (mode minimumForPouchDB, gzip on) in express 4, memory adapter on "
                             "both sides, plain HTTP on 127.0.0.1, server in its own Node process, one untimed "
                             "warm-up replication, best of 2 runs per batch size",
            **({"pouchdb_s_batch100": round(peer["pouchdb_s_batch100"], 3),
                "pouchdb_runs_s": {str(k): [round(s, 3) for s in v] for k, v in peer["pouchdb_runs_s"].items()},
                "pouchdb_docs": peer["pouchdb_docs"], "pouchdb_versions": peer["pouchdb_versions"]}
               if pouch_s is not None else {"pouchdb_error": peer.get("pouchdb_error")}),
            "merge_changes_per_s": round(merged["fields"] / merged["seconds"]),
            "merge_changes_per_s_main_thread": round(merged["fields"] / merged["main_seconds"]),
            "merge_index_catch_up_s": round(merged["catch_up_s"], 3),
            **(serial or {}),
            "merge_records": merged["records"],
            "merge_fields": merged["fields"],
            "merge_envelopes": merged["envelopes"],
            "merge_s": round(merged["seconds"], 3),
            "gate_overhead_ratio": round(gate["gate_overhead_ratio"], 3),
            "gate_ab": {k: round(v, 3) if isinstance(v, float) else v for k, v in gate.items()},
            "gate_measured": "the merge again on pages of 125 envelopes, A B B A between Replica.apply with the "
                             "gate and without it, index caught up between pages untimed; seconds per field ratio",
            "roundtrip_p50_ms": round(median(trips["times_ms"]), 1),
            "roundtrip_p90_ms": round(percentile(trips["times_ms"], 0.9), 1),
            "roundtrip_rounds": len(trips["times_ms"]),
            "roundtrip_records_per_round": 50,
            "roundtrip_ms": [round(t, 1) for t in trips["times_ms"]],
            "wire_ratio": round(max(trips["wire_send"], trips["wire_receive"]) / trips["raw"], 3),
            "wire_ratio_send": round(trips["wire_send"] / trips["raw"], 3),
            "wire_ratio_receive": round(trips["wire_receive"] / trips["raw"], 3),
            "wire_ratio_round_trip": round((trips["wire_send"] + trips["wire_receive"]) / trips["raw"], 3),
            "wire_bytes_per_round": round((trips["wire_send"] + trips["wire_receive"]) / len(trips["times_ms"])),
            "raw_json_bytes_per_round": round(trips["raw"] / len(trips["times_ms"])),
            "requests_per_round": round(trips["requests"] / len(trips["times_ms"]), 1),
            "roundtrip_breakdown_ms": trips["breakdown_ms"],
            "roundtrip_by_endpoint_per_round": per_round(trips["endpoints"], len(trips["times_ms"])),
            "wire_ratio_initial": round(initial_wire / raw_total, 3),
            "rotation_s": round(rotated["rotation_s"], 3),
            "rotation_office_s": round(rotated["rotation_office_s"], 3),
            "rotation_removed_purged": rotated["rotation_removed_purged"],
            "wire_bytes_initial": initial_wire,
            "setup_s": {"generate": round(generate_s, 1), "office_push": round(push_s, 1),
                        "approve": round(approve_s, 1)},
            "wire_counted": "HTTP request and answer bodies and header lines (sync.client.remote.Traffic); "
                            "not TLS handshakes, TLS record framing or TCP/IP headers",
            "targets": TARGETS,
        }
        out["targets_met"] = {k: (out[k] is not None and ("max" not in t or out[k] <= t["max"])
                                  and ("min" not in t or out[k] >= t["min"])) for k, t in TARGETS.items()}
        out["total_s"] = round(time.perf_counter() - _STARTED, 1)
        emit(out)
    finally:
        for session in sessions:
            with contextlib.suppress(Exception):
                session.close()
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
