"""The search list in the window: the hit's heading, and how many more matched when it is cut."""

from __future__ import annotations

from app.services.search import SearchResult
from ui.desktop.households.search_results import SearchResultsList


def hit(n: int, **kw) -> SearchResult:
    values = dict(entity="note", entity_id=f"n{n}", household_id="h1", household_name="山田家", kind_label="記録",
                  snippet="電話で話した", spans=((0, 2),), at="2025-04-01T10:00:00+09:00")
    return SearchResult(**{**values, **kw})


def test_a_cut_list_ends_with_how_many_more_there_are(qtbot):
    results = SearchResultsList()
    qtbot.addWidget(results)
    results.show_results([hit(n) for n in range(3)], total=10)
    assert results.count() == 4
    assert results.item(3).text() == "ほかに 7 件あります。語を足して絞り込んでください。"
    assert results.result_at(3) is None and results.current_result().entity_id == "n0"


def test_a_shared_record_is_headed_by_its_own_name(qtbot):
    results = SearchResultsList()
    qtbot.addWidget(results)
    results.show_results([hit(1, entity="agency", household_id=None, household_name="", kind_label="関係機関",
                              snippet="みその市福祉事務所", title="みその市福祉事務所", at=None)], total=1)
    assert results.count() == 1 and "関係機関 みその市福祉事務所" in results.item(0).text()
