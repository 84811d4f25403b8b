"""Everything the household screen shows, gathered in one call (and logged as a view)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app import display
from app.model import Case, Consent, Household, Person
from app.services.cases import NextStep, consent_state
from app.services.form_records import PlanSummary
from app.services.meeting_apply import current_roles
from app.services.timeline import TimelineItem, build
from app.session import Session


@dataclass(frozen=True)
class RoleLine:
    agency: str
    task: str
    frequency: str
    lead: bool


@dataclass
class HouseholdView:
    household: Household
    persons: list[Person]
    case: Case | None
    consents: list[Consent]
    has_consent: bool
    plan: PlanSummary | None
    next_steps: list[NextStep]
    timeline: list[TimelineItem]
    station_name: str
    lead_staff_name: str
    lead_agency_name: str
    roles: list[RoleLine]
    consent_summary: str
    flags: list = field(default_factory=list)  # what a merge made doubtful here (app.sync_checks)


def open_household(session: Session, household_id: str) -> HouseholdView:
    household = session.households.get(household_id)
    with session.store.write() as records:
        session.audit(records, "view", entity="household", entity_id=household_id, household_id=household_id)
    case = session.cases.current_case(household_id)
    consents = session.cases.consents(case.id) if case else []
    plan_record = session.forms.current_plan(case.id) if case else None
    directory = session.directory
    stations = directory.names("station")
    staff = directory.names("staff")
    agencies = directory.names("agency")
    # A meeting's change of roles, once applied, stands until the next plan; else the plan's roles.
    assigned = current_roles(session, case.id) if case else []
    roles = [RoleLine(agencies.get(r.get("agency_id") or "", r.get("agency_id") or ""), r.get("task") or "",
                      r.get("frequency") or "", bool(r.get("lead")))
             for r in assigned if isinstance(r, dict)]
    return HouseholdView(
        household=household,
        persons=session.households.persons(household_id),
        case=case,
        consents=consents,
        has_consent=consent_state(consents)[0],
        plan=PlanSummary.of(plan_record) if plan_record else None,
        next_steps=session.cases.next_steps(case.id) if case else [],
        timeline=build(session.store.read(), household_id),
        station_name=stations.get(household.station_id or "", ""),
        lead_staff_name=staff.get(household.lead_staff_id or "", ""),
        lead_agency_name=agencies.get(case.lead_agency_id or "", "") if case else "",
        roles=roles,
        consent_summary=_consent_summary(consents),
        flags=session.sync.flags(household_id),
    )


def _consent_summary(consents: list[Consent]) -> str:
    if not consents:
        return "なし"
    latest = sorted(consents, key=lambda c: (display.order_key(c.on_date), display.order_key(c.stamp)))[-1]
    day = display.wareki(latest.on_date)
    if latest.action == "withdrawn":
        return f"撤回（{day}）"
    if latest.method == "signed_paper" and latest.paper_on_file:
        return f"あり（{day}・署名済み様式1-1保管）"
    return f"口頭のみ（{day}・署名済み様式1-1なし）"



