"""Who may discuss a case, and where."""

from __future__ import annotations

import pytest

from app.errors import InvalidInput, Refused
from app.vocab import Action, Stage
from tests.app.test_case_flow import consented_case, coordination_meeting, support_meeting


def test_a_case_without_consent_cannot_go_to_a_coordination_meeting(session, household):
    case = session.cases.open_case(household[0].id, principal_id=household[1].id)
    with pytest.raises(Refused, match="支援会議で検討"):
        session.meetings.decide(coordination_meeting(session).id, case.id, "suspension")


def test_a_support_meeting_needs_every_attendee_to_acknowledge_confidentiality(session, household):
    case = session.cases.open_case(household[0].id)
    meeting = support_meeting(session, acknowledged=False)
    with pytest.raises(Refused, match="学校 担当"):
        session.meetings.decide(meeting.id, case.id, "suspension")
    pending = next(a for a in meeting.attendee_list() if not a.acknowledged)
    session.meetings.acknowledge(meeting.id, pending.key)
    decision = session.meetings.decide(meeting.id, case.id, "suspension")
    assert session.cases.perform(case.id, Action.SUSPEND, decision_id=decision.id).stage == Stage.SUSPENDED


def test_a_late_attendee_who_has_not_acknowledged_blocks_further_decisions(session, household):
    case = session.cases.open_case(household[0].id)
    meeting = support_meeting(session)
    session.meetings.add_attendee(meeting.id, name="医療機関 担当", role="agency")
    with pytest.raises(Refused, match="医療機関 担当"):
        session.meetings.decide(meeting.id, case.id, "discussion")


def test_a_representatives_meeting_takes_no_cases(session, household):
    case = consented_case(session, household)
    meeting = session.meetings.create("representatives", "2025-06-01", "代表者会議")
    with pytest.raises(Refused, match="代表者会議"):
        session.meetings.decide(meeting.id, case.id, "discussion")


def test_bad_meeting_input_is_named(session):
    with pytest.raises(InvalidInput, match="会議の種類"):
        session.meetings.create("party", "2025-06-01")
    with pytest.raises(InvalidInput, match="開催日"):
        session.meetings.create("support", "")
    with pytest.raises(InvalidInput, match="出席者の氏名"):
        session.meetings.create("support", "2025-06-01", attendees=[{"role": "city"}])
