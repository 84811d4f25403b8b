"""A plan filled with version 1 stays printable as filled, and moves to version 2 by the
documented migration without losing anything typed."""

from __future__ import annotations

from forms.formset import load_form_set
from forms.migrate import migrate
from forms.pdf.render import render
from forms.schema import RETIRED
from forms.validation import check
from tests.forms.pdf_tools import needs_poppler, text_of
from tests.forms.samples import context

FORM_SET = load_form_set()
OLD = {"planned_on": "2023-06-01", "principal_id": "P1", "lead_agency_id": "A1", "priority": "A",
       "hope": "母と一緒に暮らし続けたい", "goals": ["週に一度外出する", {"text": "家賃の滞納をなくす"}],
       "direction": "急がず関係をつくる", "roles": [{"agency_id": "A1", "task": "訪問", "frequency": "月1回", "lead": True}],
       "uses_outreach": True, "uses_participation": False, "monitoring_on": "2023-09-01", "memo": "民生委員も見守り"}


def test_version_one_answers_move_to_version_two():
    old = FORM_SET.get("2-1", 1)
    answers, version = migrate(OLD, 1, FORM_SET.chain("2-1", 1), old)
    assert version == 2
    assert answers["wish"] == "母と一緒に暮らし続けたい" and "hope" not in answers
    assert answers["goals"] == [{"goal": "週に一度外出する", "term": "short"}, {"goal": "家賃の滞納をなくす", "term": "short"}]
    assert answers["remarks"] == "民生委員も見守り"
    assert answers["plan_kind"] == "initial"
    assert answers[RETIRED] == {"priority": {"label": "優先度", "value": "A"}}
    assert answers["uses_outreach"] is True  # the lifecycle keys are untouched
    assert check(FORM_SET.current("2-1"), answers).ok


def test_migrating_twice_changes_nothing_more():
    once, _ = migrate(OLD, 1, FORM_SET.chain("2-1", 1), FORM_SET.get("2-1", 1))
    twice, version = migrate(once, 2, FORM_SET.chain("2-1", 2))
    assert twice == once and version == 2


@needs_poppler
def test_an_old_form_prints_with_its_own_version_and_a_migrated_one_keeps_retired_answers(tmp_path):
    as_filled = text_of(render(FORM_SET.get("2-1", 1), OLD, context()).pdf, tmp_path, "old")
    assert "支援計画書" in as_filled and "優先度" in as_filled and "（第1版）" in as_filled
    migrated, _ = migrate(OLD, 1, FORM_SET.chain("2-1", 1), FORM_SET.get("2-1", 1))
    text = text_of(render(FORM_SET.current("2-1"), migrated, context()).pdf, tmp_path, "new")
    assert "旧様式の項目" in text and "優先度" in text and "母と一緒に暮らし続けたい" in text
