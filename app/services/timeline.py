"""One household's history as a single timeline, newest first.

Contacts, notes, lifecycle steps, consent, forms and meeting decisions are merged into
`TimelineItem`s. A correction never replaces what it corrects: it is attached to the
original (``corrections``) and marked ``correction``, so both are shown side by side. The kind
(contact, note …) is the view's to name: a title says only what the kind does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app import display
from app.model import CaseEvent, Consent, Contact, FormRecord, MeetingDecision, Note, SupportDecision
from app.vocab import Action, ContactKind, DecisionKind, DecisionOutcome, Outcome, Stage
from storage.records import Records

FORM_TITLES = {
    "1-1": "相談受付・申込票（様式1-1）",
    "1-2": "インテーク・アセスメントシート（様式1-2）",
    "2-1": "支援計画書（様式2-1）",
    "2-2": "プラン評価（様式2-2）",
    "contact": "訪問・接触記録",
    "shared-sheet": "複合課題共通シート",
}


@dataclass
class TimelineItem:
    at: str
    kind: str  # contact | note | event | consent | form | decision
    title: str
    body: str
    entity: str
    entity_id: str
    staff_id: str | None = None
    corrections: list[TimelineItem] = field(default_factory=list)
    correction: bool = False  # it corrects an earlier contact or note


def _label(enum, code: str | None) -> str:
    try:
        return enum(code).label
    except ValueError:
        return code or ""


def _contact(c: Contact) -> TimelineItem:
    title = f"{_label(ContactKind, c.kind)}・{_label(Outcome, c.outcome)}"
    body = "\n".join(display.text(x) for x in (c.summary, c.body, f"次回: {c.next_action}" if c.next_action else None) if x)
    return TimelineItem(c.at, "contact", title, body, "contact", c.id, c.staff_id)


def _note(n: Note) -> TimelineItem:
    return TimelineItem(n.at, "note", "", display.text(n.text), "note", n.id, n.staff_id)  # the kind, 記録, says it all


def _event(e: CaseEvent) -> TimelineItem:
    if e.action == "open":
        title = "ケース開始（相談受付）"
    else:
        title = f"{_label(Action, e.action)}: {_label(Stage, e.from_stage)} → {_label(Stage, e.to_stage)}"
    return TimelineItem(e.at, "event", title, e.reason or "", "case_event", e.id, e.staff_id)


def _consent(c: Consent) -> TimelineItem:
    title = "本人同意" if c.action == "given" else "本人同意の撤回"
    paper = "（署名済み様式1-1保管）" if c.paper_on_file else ""
    return TimelineItem(c.on_date or "", "consent", title + paper, c.memo or "", "consent", c.id, c.recorded_by)


def _form(f: FormRecord) -> TimelineItem:
    status = {"draft": "下書き", "complete": "完成", "approved": "会議了承", "confirmed": "確定",
              "superseded": "改定済"}.get(f.status, f.status)
    return TimelineItem(f.created_at or "", "form", f"{FORM_TITLES.get(f.form_id, f.form_id)}（{status}）", "",
                        "form_record", f.id)


def _decision(d: MeetingDecision) -> TimelineItem:
    title = f"会議の決定: {_label(DecisionKind, d.kind)}（{_label(DecisionOutcome, d.outcome)}）"
    lines = [display.text(x) for x in (d.notes, d.memo) if x]
    if d.next_review_on:
        lines.append(f"次回の検討日: {display.wareki(d.next_review_on)}")
    if d.refusal:
        lines.append(f"ケースに反映できませんでした: {d.refusal}")
    return TimelineItem(d.decided_on or "", "decision", title, "\n".join(lines), "meeting_decision", d.id)


def _support(d: SupportDecision) -> TimelineItem:
    if d.kind == "report":
        return TimelineItem(d.decided_on or "", "decision", "市にプランを報告", "", "support_decision", d.id)
    title = f"市の支援決定（番号 {d.number}）" if d.number else "市の支援決定"
    body = "、".join(x for x in ("アウトリーチ等事業" if d.outreach else "", "参加支援事業" if d.participation else "") if x)
    return TimelineItem(d.decided_on or "", "decision", title, body, "support_decision", d.id)


def build(records: Records, household_id: str) -> list[TimelineItem]:
    items: dict[str, TimelineItem] = {}
    corrections: list[tuple[str, TimelineItem]] = []
    for row in records.find("contact", household_id=household_id):
        item = _contact(Contact.from_record(row))
        (corrections.append((row["amends"], item)) if row["amends"] else items.__setitem__(item.entity_id, item))
    for row in records.find("note", household_id=household_id):
        item = _note(Note.from_record(row))
        (corrections.append((row["amends"], item)) if row["amends"] else items.__setitem__(item.entity_id, item))
    for row in records.find("case_event", household_id=household_id):
        items[row["id"]] = _event(CaseEvent.from_record(row))
    for row in records.find("consent", household_id=household_id):
        items[row["id"]] = _consent(Consent.from_record(row))
    for row in records.find("form_record", household_id=household_id):
        items[row["id"]] = _form(FormRecord.from_record(row))
    for row in records.find("meeting_decision", household_id=household_id):
        items[row["id"]] = _decision(MeetingDecision.from_record(row))
    for row in records.find("support_decision", household_id=household_id):
        items[row["id"]] = _support(SupportDecision.from_record(row))
    for target, item in sorted(corrections, key=lambda pair: display.order_key(pair[1].at)):
        item.correction = True
        original = items.get(target)
        if original is None:  # the original has not arrived yet (sync): show the correction alone
            items[item.entity_id] = item
        else:
            original.corrections.append(item)
    return sorted(items.values(), key=lambda i: display.order_key(i.at), reverse=True)
