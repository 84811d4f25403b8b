"""Everything the household screen shows, gathered in one call (and logged as a view)."""

from __future__ import annotations

from dataclasses import dataclass

from app.model import Case, Consent, Household, Person
from app.services.cases import NextStep, consent_state
from app.services.form_records import PlanSummary
from app.services.timeline import TimelineItem, build
from app.session import Session


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
    )



