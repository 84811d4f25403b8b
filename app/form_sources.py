"""What a form can be pre-filled from, and the names a printed form needs.

`prefill_sources` flattens the household, the person at the centre of the case, the case, the
user and the case's latest finished forms into ``"principal.name" → "山田 一郎"`` and
``"1-2.wishes" → "…"``; a definition's ``prefill = "…"`` picks from it (forms/prefill.py).
`render_context` gathers the names of people, agencies, staff and other forms, the city and
the record's state for the PDF and the review screen.
"""

from __future__ import annotations

from typing import Any

from app import clock, display, form_settings
from app.model import FormRecord
from app.services import form_records as records
from app.session import Session
from forms.render_context import RenderContext

STATUS_LABELS = {"draft": "下書き", "complete": "完成", "approved": "会議で了承", "confirmed": "確定",
                 "superseded": "更新済み（旧版）"}
FORM_NAMES = {records.INTAKE: "相談受付・申込票", records.ASSESSMENT: "アセスメントシート", records.PLAN: "支援計画書",
              records.EVALUATION: "プラン評価", records.CONTACT_RECORD: "訪問・接触記録",
              records.SHARED_SHEET: "複合課題共通シート"}


def prefill_sources(session: Session, household_id: str, case_id: str | None) -> dict[str, Any]:
    household = session.households.get(household_id)
    persons = session.households.persons(household_id)
    case = session.cases.get(case_id) if case_id else None
    principal = next((p for p in persons if case and p.id == case.principal_id), None) or \
        next((p for p in persons if p.relation == "本人"), persons[0] if persons else None)
    out: dict[str, Any] = {
        "today": clock.today().isoformat(), "me.staff_id": session.me or None,
        "household.name": household.name, "household.address": household.address, "household.phone": household.phone,
        "household.members": [{"name": p.name, "relation": p.relation, "birth_date": p.birth_date, "living": "同居",
                               "note": _flags(p)} for p in persons],
    }
    if principal is not None:
        out |= {"principal.id": principal.id, "principal.name": principal.name, "principal.kana": principal.kana,
                "principal.birth_date": principal.birth_date, "principal.sex": principal.sex}
    if case is not None:
        out |= {"case.opened_on": case.opened_on, "case.route": case.route,
                "case.referring_agency_id": case.referring_agency_id, "case.lead_agency_id": case.lead_agency_id}
        for form_id in records.FORM_IDS:
            done = [r for r in session.forms.for_case(case.id, form_id) if r.status not in ("draft", "superseded")]
            if done:
                latest = done[-1]
                out[f"{form_id}.id"] = latest.id
                out |= {f"{form_id}.{key}": value for key, value in latest.answers.items()}
    return out


def _flags(person) -> str:
    labels = (("is_elderly", "高齢"), ("is_disabled", "障害"), ("is_child", "子ども"), ("is_hardship", "困窮"),
              ("is_welfare", "生活保護"))
    return "・".join(text for flag, text in labels if getattr(person, flag, 0))


def record_label(record: FormRecord) -> str:
    day = display.text(record.answers.get("planned_on") or record.created_at)[:10]
    when = f"{display.wareki(day)}作成" if day else "作成日不明"
    return f"{FORM_NAMES.get(record.form_id, record.form_id)}（{when}・{STATUS_LABELS.get(record.status, record.status)}）"


def render_context(session: Session, household_id: str, record: FormRecord | None = None) -> RenderContext:
    household = session.households.get(household_id)
    persons = {p.id: (p.name, p.birth_date) for p in session.households.persons(household_id)}
    directory = session.directory
    staff = directory.names("staff")
    signed = ""
    if record is not None and record.signed_by:
        who = staff.get(record.signed_by, record.signed_by)
        signed = f"{who}（{display.wareki(record.signed_on)}）" if record.signed_on else who
    return RenderContext(
        city_name=form_settings.get(session, "city_name"), persons=persons, agencies=directory.names("agency"),
        staff=staff, records={r.id: record_label(r) for r in session.forms.for_household(household_id)},
        household_name=household.name, status_label=STATUS_LABELS.get(record.status, "") if record else "",
        signed=signed)
