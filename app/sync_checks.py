"""After a merge: lifecycle steps that other devices' changes made impossible.

Merging never drops anything; instead, what no longer fits is flagged for a person to look at:

* stage_conflict   two devices moved the same case at once (each from the stage it saw), so the
                   case's history has a step that starts from a stage the case was not in;
* after_end        a contact or note dated on or after the case's closure (suspension,
                   hand-back), written on a device that had not yet seen that closure (its
                   stamp is older than the closure's, which a device that had seen it cannot
                   produce);
* impossible_step  raised by the gate as a page arrives (storage.gate): a step received from a
                   worker's device that the lifecycle does not allow (its record is the step),
                   or a case whose stage was set without any step (its record is the case).
"""

from __future__ import annotations

from dataclasses import dataclass

from app import lifecycle
from app.vocab import Stage
from forms.wareki import format_wareki
from storage import flags

END_STAGES = {Stage.CLOSED.value, Stage.SUSPENDED.value, Stage.HANDED_BACK.value}
KINDS = ("stage_conflict", "after_end", "impossible_step")


@dataclass(frozen=True)
class FlagView:
    id: str
    household_id: str | None
    case_id: str | None
    kind: str
    record_id: str
    message: str


def check(records, household_ids) -> int:
    """Raise flags for these households in the caller's transaction; returns how many are new.
    A few bulk reads whatever the number of households (a first pull touches thousands)."""
    cases = records.find_in("case", "household_id", sorted(household_ids))
    events: dict[str, list[dict]] = {}
    for event in records.find_in("case_event", "case_id", [c["id"] for c in cases], order_by="stamp"):
        events.setdefault(event["case_id"], []).append(event)
    for chain in events.values():
        chain.sort(key=lambda e: (e["stamp"], e["id"]))
    ended = {c["id"]: c for c in cases if c["stage"] in END_STAGES}
    written: dict[str, list[dict]] = {}
    for entity in ("contact", "note"):
        for item in records.find_in(entity, "case_id", list(ended)):
            written.setdefault(item["case_id"], []).append(item)
    new = 0
    for case in cases:
        new += _check_case(records, case, events.get(case["id"], []), written.get(case["id"], []))
    return new


def _check_case(records, case: dict, events: list[dict], written: list[dict]) -> int:
    new = 0
    household_id = case["household_id"]
    for previous, event in zip(events, events[1:], strict=False):
        if event["from_stage"] != previous["to_stage"]:
            new += flags.raise_flag(records.conn, household_id=household_id, case_id=case["id"],
                                    kind="stage_conflict", record_id=event["id"])
    if case["stage"] not in END_STAGES:
        return new
    ending = [e for e in events if e["to_stage"] == case["stage"]]
    if not ending:
        return new
    end = ending[-1]
    ended_on = (case.get("ended_on") or end["at"] or "")[:10]
    for item in written:
        if item["stamp"] < end["stamp"] and (item["at"] or "")[:10] >= ended_on:
            new += flags.raise_flag(records.conn, household_id=household_id, case_id=case["id"],
                                    kind="after_end", record_id=item["id"])
    return new


def describe(records, flag: flags.Flag) -> FlagView:
    """The flag in words a worker understands."""
    if flag.kind == "impossible_step":
        event = records.get("case_event", flag.record_id)
        if event is None:
            text = ("別の端末から、段階の変更の記録がないままケースの段階が変更されました。記録は残してあります。"
                    "ケースの経過を確認し、必要なら段階を直してください。（要確認）")
        else:
            why = lifecycle.received_step_refusal(event.get("action"), event.get("from_stage"), event.get("to_stage"),
                                                  event.get("decision_id"), event.get("reason")) or ""
            text = (f"別の端末から、この端末では認められない段階の変更（「{_label(event.get('from_stage'))}」から"
                    f"「{_label(event.get('to_stage'))}」）が届きました。{why}記録は残してあります。"
                    "ケースの経過を確認し、必要なら段階を直してください。（要確認）")
    elif flag.kind == "stage_conflict":
        event = records.get("case_event", flag.record_id) or {}
        text = (f"別の端末で同じケースの段階が同時に変更されました（「{_label(event.get('from_stage'))}」から"
                f"「{_label(event.get('to_stage'))}」への変更が、他の変更と重なっています）。"
                "ケースの経過を確認し、必要なら段階を直してください。")
    else:
        item = records.get("contact", flag.record_id) or records.get("note", flag.record_id) or {}
        what = "訪問・接触記録" if item.get("kind") else "記録"
        day = (item.get("at") or "")[:10]
        text = (f"この{what}（{format_wareki(day) if day else '日付なし'}）は、別の端末でケースが終結・中断された後の日付で、"
                "それを知らない端末で書かれました。記録は残してあります。支援の継続が必要か確認してください。")
    return FlagView(flag.id, flag.household_id, flag.case_id, flag.kind, flag.record_id, text)


def _label(code: str | None) -> str:
    try:
        return Stage(code).label
    except ValueError:
        return code or "（なし）"
