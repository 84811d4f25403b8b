"""The contact record prints the household's running contact history (支援経過記録): contacts
logged with Ctrl+L, imported or written through the form, oldest first, each correction right
under what it corrects."""

from __future__ import annotations

from app import form_settings
from app.printing import BLANK, HISTORY, export_pdf
from app.services import form_records as forms
from tests.forms.pdf_tools import needs_poppler, text_of


def test_a_household_without_contacts_gets_the_blank_contact_form(session, household, tmp_path):
    h, _ = household
    printed = export_pdf(session, h.id, forms.CONTACT_RECORD, tmp_path / "blank.pdf")
    assert printed.kind == BLANK


@needs_poppler
def test_the_contact_record_lists_every_contact_in_date_order_with_corrections_beside(session, household, tmp_path):
    h, principal = household
    form_settings.put(session, "city_name", "みその市")
    contacts = session.contacts
    first = contacts.log_contact(h.id, kind="letter", outcome="nobody", summary="不在のため手紙を置いた",
                                 at="2025-04-01T10:00:00+09:00")
    contacts.log_contact(h.id, kind="home_visit", outcome="met", summary="本人と玄関先で話せた",
                         body="母の通院が大変だと話す。\n次は一緒に役所へ。", present=[principal.id],
                         next_action="役所へ同行", next_action_on="2025-05-10", at="2025-05-02T14:30:00+09:00")
    contacts.amend_contact(first.id, summary="不在。手紙とチラシを置いた")
    # a contact typed into the 訪問・接触記録 form becomes a contact like any other
    opened = session.form_filling.start(h.id, forms.CONTACT_RECORD)
    session.form_filling.complete(opened.record.id, {**opened.answers, "contact_on": "2025-06-03", "kind": "phone",
                                                     "outcome": "met", "summary": "電話で体調を確かめた"})

    printed = export_pdf(session, h.id, forms.CONTACT_RECORD, tmp_path / "history.pdf")

    assert printed.kind == HISTORY and printed.missing == set()
    text = text_of(printed.path.read_bytes(), tmp_path).replace("\n", "")
    assert "支援経過記録" in text and "山田家" in text and "みその市" in text and "取扱注意" in text
    order = [text.index(s) for s in ("不在のため手紙を置いた", "不在。手紙とチラシを置いた", "本人と玄関先で話せた",
                                     "電話で体調を確かめた")]
    assert order == sorted(order)  # oldest first, the correction right under the original
    assert "（訂正）" in text and "令和7年4月1日" in text and "10:00" in text
    assert "母の通院が大変だと話す。" in text and "会えた人: 山田 一郎" in text and "役所へ同行" in text
    assert "家庭訪問" in text and "本人に会えた" in text and "3件" in text


@needs_poppler
def test_the_whole_period_is_printed_and_an_odd_date_does_not_stop_the_pdf(session, household, tmp_path):
    h, _ = household
    session.contacts.log_contact(h.id, kind="letter", outcome="nobody", summary="手紙", at="2019-05-01T10:00:00+09:00")
    session.contacts.log_contact(h.id, kind="phone", outcome="met", summary="電話", at="2025-12-28T10:00:00+09:00")
    with session.store.write() as records:  # a date a sync brought that no 和暦 names
        records.conn.execute("UPDATE contact SET next_action_on = '1800-01-01' WHERE summary = '電話'")
    printed = export_pdf(session, h.id, forms.CONTACT_RECORD, tmp_path / "period.pdf")
    text = text_of(printed.path.read_bytes(), tmp_path).replace("\n", "")
    assert "令和元年5月1日〜令和7年12月28日" in text  # the end of the 期間 is not cut
    assert "1800-01-01" in text


def test_the_period_box_holds_the_whole_period_on_one_line():
    from forms.pdf.fonts import font_chain
    from forms.pdf.history import SUMMARY, summary_cells, value_width
    from forms.pdf.layout import VALUE_SIZE
    from forms.render_context import RenderContext

    fonts = font_chain(None)
    cells = summary_cells(fonts, RenderContext(household_name="長谷川原家"), [], "令和元年5月1日〜令和10年12月28日")
    for cell, (_, share) in zip(cells, SUMMARY, strict=True):
        assert all(fonts.width(line, VALUE_SIZE) <= value_width(share) for line in cell.lines), cell
    assert cells[1].lines == ["令和元年5月1日〜令和10年12月28日"]
