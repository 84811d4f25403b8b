"""The office's coordination work on a city-sized profile.

    python -m bench.coordination [--quick]

* agenda_ms          propose a sitting's agenda (支援会議 + 重層的支援会議) from what is due, over the
                     whole profile (10,000 households; 2,000 with --quick); target ≤ 100 ms
* meeting_apply_ms   apply 30 decisions of one meeting to their cases (each through the lifecycle,
                     audited, in its own transaction); target ≤ 500 ms
* agenda_items       how many households the proposal found (a sanity figure)
* due_list_ms        the office's due view (期限) over the whole profile; target ≤ 100 ms
Each figure is the median of several rounds (7, or 3 with --quick), printed with its spread. The
``*_cpu_ms`` figures are the process's CPU time for the same work: on a shared, loaded machine
(``load_average`` says how loaded) the wall-clock time waits for the CPU, the CPU time does not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path

from app import clock, profiles
from app.demo import fill
from bench.common import emit, median
from storage.keyfile import KdfParams

PASSPHRASE = "bench passphrase"
KIND_FOR = {"plan": "plan", "outreach_plan": "plan", "replan": "replan", "closure": "closure",
            "suspension": "suspension"}


def _sitting(session, day: str):
    people = [{"name": "市 課長", "role": "city", "acknowledged": True},
              {"name": "多機関協働 担当", "role": "coordinator", "acknowledged": True}]
    return session.meetings.create("support", day, parts=["coordination"], attendees=people)


def _decide(session, meeting, proposals, agency_id: str) -> int:
    made = 0
    for p in proposals:
        kind = KIND_FOR.get(p.reason, "discussion")
        extra = {"follow_up_on": "2030-01-01", "lead_agency_id": agency_id} if kind == "closure" else {}
        session.meetings.decide(meeting.id, p.case_id, kind, "approved", notes="ベンチマークの協議",
                                next_review_on="2030-02-01", **extra)
        made += 1
    return made


def _due_list_ms(session, rounds: int) -> tuple[float, float, int]:
    """The office's due view (期限, every household) — wall and CPU time, and how many items."""
    from app.services.due import DueQuery

    times, cpu, items = [], [], []
    for _ in range(rounds):
        started, cpu_started = time.perf_counter(), time.process_time()
        items = session.due.items(DueQuery(office=True))
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return round(median(times), 1), round(median(cpu), 1), len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller profile and fewer rounds")
    args = parser.parse_args()
    households = 2_000 if args.quick else 10_000
    rounds = 3 if args.quick else 7
    folder = Path(tempfile.mkdtemp(prefix="yorisoi-bench-coordination-"))
    try:
        session = profiles.create(folder / "profile", PASSPHRASE, kdf=KdfParams(memory_kib=8192, iterations=1, lanes=1))
        started = time.perf_counter()
        fill(session, households=households, seed=7)
        build_s = time.perf_counter() - started
        day = (clock.today() + dt.timedelta(days=30)).isoformat()
        rules = {"support", "coordination"}
        times, cpu, found = [], [], []
        for _ in range(rounds):
            started, cpu_started = time.perf_counter(), time.process_time()
            found = session.agenda.propose_for(day, rules)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        agency = session.directory.add_agency("地域包括支援センター", "地域包括支援センター")
        applied = []
        used: set[str] = set()
        for n in range(rounds):
            meeting = _sitting(session, (clock.today() + dt.timedelta(days=30 + n)).isoformat())
            batch = [p for p in found if p.household_id not in used][:30]
            used |= {p.household_id for p in batch}
            if len(batch) < 30:
                break
            _decide(session, meeting, batch, agency.id)
            started, cpu_started = time.perf_counter(), time.process_time()
            results = session.meeting_apply.apply(meeting.id)
            applied.append(((time.perf_counter() - started) * 1000, sum(r.applied for r in results),
                            (time.process_time() - cpu_started) * 1000))
        due = _due_list_ms(session, rounds)
        emit({
            "households": households,
            "build_s": round(build_s, 1),
            "agenda_ms": round(median(times), 1),
            "agenda_ms_min_max": [round(min(times), 1), round(max(times), 1)],
            "agenda_cpu_ms": round(median(cpu), 1),
            "agenda_items": len(found),
            "meeting_apply_ms": round(median([a for a, _, _ in applied]), 1) if applied else None,
            "meeting_apply_cpu_ms": round(median([c for _, _, c in applied]), 1) if applied else None,
            "meeting_apply_decisions": 30 if applied else 0,
            "meeting_apply_changed_cases": [c for _, c, _ in applied],
            "due_list_ms": due[0],
            "due_list_cpu_ms": due[1],
            "due_items": due[2],
            "load_average": [round(x, 1) for x in os.getloadavg()],
        })
        session.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
