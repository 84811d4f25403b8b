"""The demo city: every situation and stage, and histories that obey the rules."""

from __future__ import annotations

from collections import Counter

import pytest

from app.demo import fill
from app.services import form_records as forms
from app.vocab import Stage


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from app import profiles
    from tests.conftest import FAST_KDF, PASSPHRASE

    s = profiles.create(tmp_path_factory.mktemp("demo") / "p", PASSPHRASE, kdf=FAST_KDF)
    report = fill(s, households=400, seed=3)
    yield s, report
    s.close()


def test_six_stations_and_households_at_every_stage(demo):
    session, report = demo
    assert report.households == 400
    assert len(session.directory.stations()) == 6
    stages = Counter(r.stage for r in session.households.rows())
    assert set(Stage) <= set(stages)


def test_households_have_several_members_and_two_years_of_contacts(demo):
    session, _ = demo
    conn = session.store.connection()
    assert conn.execute("SELECT avg(n) FROM (SELECT count(*) AS n FROM person GROUP BY household_id)").fetchone()[0] > 2
    first, last = conn.execute("SELECT min(at), max(at) FROM contact").fetchone()
    assert first[:4] < last[:4]


def test_the_same_seed_gives_the_same_people(tmp_path):
    from app import profiles
    from tests.conftest import FAST_KDF, PASSPHRASE

    names = []
    for n in range(2):
        s = profiles.create(tmp_path / f"p{n}", PASSPHRASE, kdf=FAST_KDF)
        fill(s, households=20, seed=11)
        names.append(sorted(p["name"] for p in s.store.read().find("person")))
        s.close()
    assert names[0] == names[1]


def test_demo_histories_satisfy_the_lifecycle_rules(demo):
    session, _ = demo
    for row in session.households.rows():
        case = session.cases.current_case(row.id)
        if case is None:
            continue
        facts = session.cases.facts(case.id)
        stage = Stage(case.stage)
        if stage in (Stage.ASSESSMENT, Stage.PLAN_DRAFTED, Stage.PLAN_APPROVED, Stage.IN_SUPPORT, Stage.REPLANNING):
            assert facts.has_consent, (row.name, stage)
        if stage == Stage.IN_SUPPORT:
            plan = session.forms.current_plan(case.id)
            assert plan is not None and plan.status == "confirmed"
            assert any(d.kind.value == "plan" for d in facts.decisions)
        if stage == Stage.CLOSED:
            assert case.follow_up_on and case.lead_agency_id
            assert session.forms.for_case(case.id, forms.EVALUATION)


def test_demo_forms_carry_the_households_address_and_phone(demo):
    session, _ = demo
    checked = 0
    for row in session.store.read().find("form_record"):
        if row["form_id"] not in (forms.INTAKE, forms.ASSESSMENT, forms.SHARED_SHEET):
            continue
        household = session.households.get(row["household_id"])
        assert row["answers"].get("address") == household.address, row["form_id"]
        if row["form_id"] == forms.INTAKE:
            assert row["answers"].get("phone") == household.phone
        checked += 1
    assert checked > 20
