"""What is due (期限): one list for a worker (the households they lead, the meetings they sit in)
and one for the office (everything), overdue first.

Gathered from what the records already hold: the household's next action (次回予定), the
monitoring date of the case's current plan (様式2-1, while in support), the follow-up date after
closure, the next check of a watched household (状況把握), plans finished and waiting for a
meeting, plans a meeting approved that wait for the city's 支援決定, meetings coming, and the
review dates meetings set. Each item carries the case's urgency (緊急性 of the latest finished
様式1-2, else 1-1, else the case's own), shown as a badge and filterable.

A waiting plan has no date of its own: it is due from the day it was finished. The household
list's 「予定日を過ぎたもの」 shows every household with an overdue item (`overdue_households`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from app import clock
from app.services import form_records as forms
from app.session import Service, Session
from app.vocab import DueKind, MeetingKind, Stage
from storage import due_list

URGENT = "高"
URGENCY_RANK = {"高": 0, "中": 1, "低": 2}
HORIZON_DAYS = 30
IN_SUPPORT = {Stage.IN_SUPPORT.value}
WAITING_MEETING = {Stage.PLAN_DRAFTED.value, Stage.REPLANNING.value}
AFTER_CLOSURE = {Stage.CLOSED.value, Stage.HANDED_BACK.value}
_NEXT_ACTION, _MONITORING, _FOLLOW_UP, _WATCH, _PLAN_MEETING, _PLAN_DECISION, _REVIEW = (
    k.value for k in (DueKind.NEXT_ACTION, DueKind.MONITORING, DueKind.FOLLOW_UP, DueKind.WATCH,
                      DueKind.PLAN_MEETING, DueKind.PLAN_DECISION, DueKind.REVIEW))
WAITING_KINDS = frozenset((_PLAN_MEETING, _PLAN_DECISION))
PLAN_DRAFTED, PLAN_APPROVED = Stage.PLAN_DRAFTED.value, Stage.PLAN_APPROVED.value


@dataclass(slots=True)  # not frozen: a city's view builds tens of thousands, and frozen init is slow
class DueItem:
    kind: str  # a DueKind code
    due_on: str | None  # ISO date (a waiting plan: the day it was finished)
    what: str  # Japanese: what is to be done
    household_id: str | None = None
    household_name: str = ""
    case_id: str | None = None
    staff_id: str | None = None  # whose it is (the household's lead worker)
    station_id: str | None = None
    urgency: str | None = None  # 高 / 中 / 低
    overdue: bool = False
    waiting: bool = False  # a plan waiting for a meeting or a 支援決定: ``due_on`` is since when
    meeting_id: str | None = None
    attendees: tuple[str, ...] = ()  # staff ids of a meeting's attendees

    @property
    def urgent(self) -> bool:
        return self.urgency == URGENT


@dataclass(frozen=True)
class DueQuery:
    office: bool = False  # False: the worker's own (``me``)
    me: str | None = None
    urgent_only: bool = False
    kind: str | None = None
    station_id: str | None = None
    horizon_days: int | None = HORIZON_DAYS  # upcoming items this far ahead; overdue ones always


# Further sources (a callable from the session and today to items) can be added by other parts.
Source = Callable[[Session, dt.date], Iterable[DueItem]]
EXTRA_SOURCES: list[Source] = []


class DueService(Service):
    def items(self, query: DueQuery | None = None, today: dt.date | None = None) -> list[DueItem]:
        query = query or DueQuery(me=self.session.me or None)
        today = today or clock.today()
        iso = today.isoformat()
        horizon = (today + dt.timedelta(days=query.horizon_days)).isoformat() if query.horizon_days is not None else None
        me = query.me if query.me is not None else (self.session.me or None)
        items = self.all_items(today)
        if not query.office:
            items = [i for i in items if i.staff_id == me or me in i.attendees]
        if query.urgent_only:
            items = [i for i in items if i.urgency == URGENT]
        if query.kind:
            items = [i for i in items if i.kind == query.kind]
        if query.station_id:
            items = [i for i in items if i.station_id == query.station_id]
        if horizon is not None:
            items = [i for i in items if i.waiting or not i.due_on or i.due_on <= horizon]
        rank = URGENCY_RANK.get
        items.sort(key=lambda i: (not i.overdue, iso if i.waiting else (i.due_on or iso), rank(i.urgency, 3),
                                  i.household_name, i.kind))
        out = items
        return out

    def overdue_households(self, today: dt.date | None = None) -> set[str]:
        """Every household with something overdue, whatever kind (the list's filter)."""
        return {i.household_id for i in self.all_items(today or clock.today()) if i.overdue and i.household_id}

    def all_items(self, today: dt.date) -> list[DueItem]:
        conn = self.store.connection()
        iso = today.isoformat()
        households = {row[0]: row for row in due_list.households(conn)}
        cases = {row[0]: row for row in due_list.current_cases(conn)}
        latest = due_list.latest_forms(conn)  # 様式1-1, 1-2 and 2-1
        plans, urgency = {}, {}
        for case_id, form_id, record_id, status, completed_on, monitoring_on, outreach, participation, urg in latest:
            if form_id == forms.PLAN:
                plans[case_id] = (record_id, status, completed_on, monitoring_on, outreach, participation)
            elif urg and (form_id == forms.ASSESSMENT or case_id not in urgency):
                urgency[case_id] = urg
        decided = due_list.decided_plans(conn)
        items: list[DueItem] = []

        def add(kind: str, household_id: str, due_on, what: str, staff_id: str | None = None) -> None:
            # Called once per item (tens of thousands in a city): plain strings, positional fields.
            h = households.get(household_id)
            if h is None:
                return
            case = cases.get(household_id)
            if case is None:
                case_id = lead = case_urgency = None
            else:
                case_id, lead, case_urgency = case[1], case[6], case[3]
            day = _day(due_on)
            waiting = kind in WAITING_KINDS
            items.append(DueItem(kind, day, what, household_id, h[1], case_id, staff_id or h[2] or lead, h[3],
                                 urgency.get(case_id) or case_urgency, bool(day and not waiting and day < iso),
                                 waiting))

        for h in households.values():
            if h[5]:
                add(_NEXT_ACTION, h[0], h[5], h[4] or "次回予定")
        for household_id, case_id, stage, _urg, follow_up_on, follow_up_note, _lead in cases.values():
            plan = plans.get(case_id)
            if stage in IN_SUPPORT and plan and plan[3]:
                add(_MONITORING, household_id, plan[3], "プランのモニタリング")
            if stage in AFTER_CLOSURE and follow_up_on:
                add(_FOLLOW_UP, household_id, follow_up_on, follow_up_note or "終結後のフォローアップ")
            if stage in WAITING_MEETING and plan and plan[1] == "complete":
                add(_PLAN_MEETING, household_id, plan[2] or iso,
                    "完成したプランを重層的支援会議に諮る" if stage == PLAN_DRAFTED else "再プランを重層的支援会議に諮る")
            if stage == PLAN_APPROVED and plan and plan[0] not in decided:
                uses = "・".join(n for n, on in (("アウトリーチ等事業", plan[4]), ("参加支援事業", plan[5])) if _true(on))
                add(_PLAN_DECISION, household_id, plan[2] or iso,
                    f"市の支援決定を待つ（{uses}）" if uses else "市の支援決定を待つ")
        for household_id, next_check_on, reason, liaison in due_list.watch_checks(conn):
            add(_WATCH, household_id, next_check_on, reason or "状況把握世帯の確認", liaison)
        for household_id, _case_id, review_on in due_list.reviews(conn):
            add(_REVIEW, household_id, review_on, "会議で決めた見直しの日")
        for meeting_id, kind, held_on, title, attendees in due_list.meetings_from(conn, iso):
            staff = _attendee_staff(attendees)
            items.append(DueItem(DueKind.MEETING.value, _day(held_on), title or _meeting_label(kind),
                                 meeting_id=meeting_id, attendees=staff))
        for source in EXTRA_SOURCES:  # their own ``overdue``, by the same rule
            items.extend(replace(i, overdue=bool(i.due_on and not i.waiting and i.due_on < iso))
                         for i in source(self.session, today))
        return items


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _day(value) -> str | None:
    """The date part of what is stored; a value that is not a date is kept as it is (shown as
    stored by app/display.py)."""
    if not value:
        return None
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return value  # the usual stored date, as it is
    text = str(value)
    return text[:10] if _ISO_DAY.match(text) else text


def _true(value) -> bool:
    return value not in (None, 0, "0", "false", False, "")


def _meeting_label(kind: str | None) -> str:
    try:
        return MeetingKind(kind).label
    except ValueError:
        return kind or "会議"


def _attendee_staff(attendees) -> tuple[str, ...]:
    try:
        data = json.loads(attendees) if isinstance(attendees, str) else (attendees or {})
    except ValueError:
        return ()
    return tuple(a["staff_id"] for a in data.values() if isinstance(a, dict) and a.get("staff_id"))
