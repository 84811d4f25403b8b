"""Every shipped definition loads, keeps the keys the lifecycle reads, and validates answers."""

from __future__ import annotations

import pytest

from forms.formset import load_form_set
from forms.validation import check
from tests.forms.samples import complete_answers

FORM_SET = load_form_set()
KEYS = FORM_SET.ordered_keys()


def test_the_shipped_set_has_every_official_form_and_both_intake_versions():
    assert set(FORM_SET.form_ids()) == {"1-1", "1-2", "2-1", "2-2", "contact", "shared-sheet"}
    assert {d.variant for d in FORM_SET.variants("1-1")} == {"consent", "no-consent"}
    assert FORM_SET.current("1-2").sheets == [1, 2, 3, 4]
    assert FORM_SET.current("2-1").sheets == [1, 2]


def test_the_assessment_marks_the_nationally_reported_items():
    national = {f.id for f in FORM_SET.current("1-2").national_fields()}
    assert {"birth_date", "sex", "household_type", "issues", "housing", "income_sources", "work_status",
            "social_participation", "urgency"} <= national
    assert "life_history" not in national


def test_the_assessment_covers_what_the_programme_asks():
    titles = " ".join(s.title for s in FORM_SET.current("1-2").sections)
    for topic in ("生活歴", "健康", "経済", "住まい", "就労", "家族", "社会参加", "本人の思い", "緊急性", "支援関係機関"):
        assert topic in titles


@pytest.mark.parametrize("key", KEYS)
def test_a_complete_example_passes_and_an_empty_one_names_each_required_field(key):
    definition = FORM_SET.current(key)
    answers = complete_answers(definition)
    assert check(definition, answers).problems == []
    empty = check(definition, {})
    required = {f.id for f in definition.fields() if f.required and definition.visible(f, {})}
    assert {p.field for p in empty.problems} == required
    assert all(p.message.endswith("ください。") for p in empty.problems)
    assert check(definition, {}, complete=False).ok  # a draft may be incomplete


def test_the_plan_keeps_the_lifecycle_keys():
    plan = FORM_SET.current("2-1")
    for key in ("uses_outreach", "uses_participation", "lead_agency_id", "monitoring_on", "goals", "direction",
                "roles"):
        assert plan.get_field(key) is not None
    assert [c.id for c in plan.get_field("roles").columns] == ["agency_id", "task", "frequency", "lead"]
    assert {o.value for o in FORM_SET.current("2-2").get_field("decision").options} == {
        "continue", "replan", "close", "suspend"}
