"""The household list page: their households first, filters, and a search box that finds
households, contacts and notes as the user types.

Search as you type waits for no pause: a keystroke starts a search at once when none is
running; while one runs, further keystrokes only mark the text as changed, and when the running
search ends its (stale) answer is dropped and the latest text is searched. So the answer to
the last keystroke comes after at most the rest of one search plus its own, and no queue of
searches builds up. A keystroke's search brings the newest FIRST_HITS hits (a screenful and
more); once typing pauses (COUNT_AFTER_MS) the list grows to SEARCH_LIMIT and says how many
more there are: counting every match of 電 costs more than finding its newest hits, and must
not hold up the next keystroke's search."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.session import Session
from app.vocab import Field, Stage
from storage.household_list import HouseholdQuery
from ui.desktop import runner
from ui.desktop.households import list_columns
from ui.desktop.households.list_model import ID_ROLE, HouseholdListModel
from ui.desktop.households.search_results import SearchResultsList
from ui.desktop.i18n import N_, label, tr

SEARCH_LIMIT = 100
FIRST_HITS = 40  # shown at once; the rest up to SEARCH_LIMIT, and the count, once typing pauses
COUNT_AFTER_MS = 400
FIRST_SCREEN = 200  # households shown before the whole list has loaded
SCOPES = (("first", N_("自分の担当を先に")), ("mine", N_("自分の担当のみ")))


class FittedTable(QTableView):
    """A table that fits its columns to its width whenever that changes."""

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        list_columns.fit(self)

    def minimumSizeHint(self):  # noqa: N802
        hint = super().minimumSizeHint()
        hint.setWidth(list_columns.minimum_width(self))
        return hint

    def refit(self) -> None:
        """After new rows (a longer name) or a font change."""
        list_columns.fit(self)
        self.updateGeometry()


class HouseholdListPage(QWidget):
    household_chosen = Signal(str)
    failed = Signal(object)

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self._generation = 0
        self._search_generation = 0  # one more for every change of the search text
        self.shown_search_generation = 0  # which text's results are on screen
        self._searching = False  # a search runs on a worker
        self.complete = False  # the whole list (not only its first screen) is loaded
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("検索（世帯名・ふりがな・住所・記録・接触）  Ctrl+F"))
        self.search.setAccessibleName(tr("検索"))
        self.search.setClearButtonEnabled(True)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        layout.addLayout(top)

        self.scope = self._combo(tr("表示範囲"), [(code, tr(text)) for code, text in SCOPES])
        self.stage = self._combo(tr("段階"), [(None, tr("段階: すべて"))] + [(s.value, label(s)) for s in Stage])
        self.field = self._combo(tr("分野"), [(None, tr("分野: すべて"))] + [(f.value, label(f)) for f in Field])
        self.station = self._combo(tr("ステーション"), [(None, tr("ステーション: すべて"))])
        self.overdue = QCheckBox(tr("予定日を過ぎたもの"))
        self.overdue.setAccessibleName(tr("予定日を過ぎたものだけ表示"))
        # Two filters a row: four in one row cut 「自分の担当を先に」 to 「自分の担当を先l」 at 1366×768.
        for pair in ((self.scope, self.stage), (self.field, self.station)):
            row = QHBoxLayout()
            for widget in pair:
                widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                widget.setMinimumContentsLength(8)
                row.addWidget(widget, 1)
            layout.addLayout(row)
        second = QHBoxLayout()
        second.addWidget(self.overdue)
        second.addStretch(1)
        self.count = QLabel("")
        self.count.setAccessibleName(tr("件数"))
        second.addWidget(self.count)
        layout.addLayout(second)

        self.model = HouseholdListModel(session.me)
        self.table = FittedTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("世帯一覧"))
        # The stage, 住所 and ステーション may elide (their tooltips are whole); nothing else does.
        self.table.setProperty("elided_columns", [list_columns.STRETCH, 6, 7])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(list_columns.STRETCH, QHeaderView.ResizeMode.Stretch)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results = SearchResultsList()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.results)
        layout.addWidget(self.stack, 1)

        self.search.textChanged.connect(lambda _: self.search_now())
        self._to_count = (0, "", 0)
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_AFTER_MS)
        self._count_timer.timeout.connect(self._count)
        self.search.returnPressed.connect(self._enter_from_search)
        for combo in (self.scope, self.stage, self.field, self.station):
            combo.currentIndexChanged.connect(self.reload)
        self.overdue.toggled.connect(self.reload)
        self.table.activated.connect(lambda index: self._choose(index.data(ID_ROLE)))
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _: self._choose(current.data(ID_ROLE)) if current.isValid() else None)
        self.results.itemActivated.connect(lambda item: self._choose_result())
        self.results.currentItemChanged.connect(lambda *_: self._choose_result())
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)

    def _combo(self, name: str, items) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for code, text in items:
            combo.addItem(text, code)
        return combo

    # -- loading --------------------------------------------------------------------------

    def set_stations(self, stations: list[tuple[str, str]]) -> None:
        current = self.station.currentData()
        self.station.blockSignals(True)
        self.station.clear()
        self.station.addItem(tr("ステーション: すべて"), None)
        for sid, name in stations:
            self.station.addItem(name, sid)
        index = self.station.findData(current)
        self.station.setCurrentIndex(max(0, index))
        self.station.blockSignals(False)

    def query(self) -> HouseholdQuery:
        return HouseholdQuery(
            me=self.session.me or None,
            mine_only=self.scope.currentData() == "mine",
            station_id=self.station.currentData(),
            stage=self.stage.currentData(),
            field=self.field.currentData(),
        )

    def reload(self) -> None:
        """The first screen of households at once, then the whole list behind it (a city's
        100,000 households take seconds to gather; the first screen, milliseconds).

        「予定日を過ぎたもの」 shows the households with anything overdue — a next action, a
        monitoring date, a follow-up after closure, a watch check, a review date
        (app/services/due.py). How many there are is counted after the first screen, so the
        count never holds it up; with the box ticked they are gathered first."""
        self._generation += 1
        generation = self._generation
        query = self.query()
        session = self.session
        self.complete = False
        only_overdue = self.overdue.isChecked()

        def first():
            overdue = session.due.overdue_households() if only_overdue else None
            full = HouseholdQuery(**{**query.__dict__, "ids": tuple(sorted(overdue))}) if overdue is not None else query
            return session.households.first_rows(full, FIRST_SCREEN), session.directory.names("station"), full, overdue

        def shown_first(result) -> None:
            rows, stations, full, overdue = result
            self._loaded(generation, rows, stations, complete=False)
            if generation != self._generation:
                return
            if overdue is not None:
                self._show_overdue_count(generation, len(overdue))
            else:
                runner.run(lambda: len(session.due.overdue_households()),
                           lambda n: self._show_overdue_count(generation, n), self.failed.emit)
            if len(rows) >= FIRST_SCREEN:
                runner.run(lambda: session.households.rows(full),
                           lambda whole: self._loaded(generation, whole, stations, complete=True), self.failed.emit)

        runner.run(first, shown_first, self.failed.emit)

    def _show_overdue_count(self, generation: int, count: int) -> None:
        if generation == self._generation and isValid(self.overdue):
            self.overdue.setText(tr("予定日を過ぎたもの（{n}）").format(n=count))

    def _loaded(self, generation: int, rows, stations: dict[str, str], *, complete: bool) -> None:
        if generation != self._generation:
            return  # a newer filter was chosen while this one loaded
        if not complete and len(rows) < FIRST_SCREEN:
            complete = True  # the first screen was all there is; the whole list will say the same
        selected = self.selected_id()
        self.model.set_rows(rows, stations)
        self.table.refit()
        if complete:
            mine = sum(1 for r in rows if self.session.me and r.lead_staff_id == self.session.me)
            self.count.setText(tr("{n}世帯（うち担当 {m}）").format(n=len(rows), m=mine))
        else:
            self.count.setText(tr("{n}世帯以上（読み込み中…）").format(n=len(rows)))
        self.complete = complete
        if selected:
            self.select(selected)

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def select(self, household_id: str) -> None:
        row = self.model.row_of(household_id)
        if row >= 0:
            index = self.model.index(row, 1)
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)

    # -- search ---------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def cancel_search(self) -> None:
        """Forget the search (the lock): the text typed goes, and every answer still on its way
        is dropped, so nothing fills the list behind the lock screen."""
        self._search_generation += 1
        self._count_timer.stop()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)

    def search_now(self) -> None:
        """The text changed: search it as soon as no other search runs."""
        self._search_generation += 1
        if not self._searching:
            self._start_search()

    def _start_search(self) -> None:
        text = self.search.text().strip()
        generation = self._search_generation
        if not text:
            self.stack.setCurrentWidget(self.table)
            self.shown_search_generation = generation
            return
        self._searching = True
        session = self.session
        first = min(FIRST_HITS, SEARCH_LIMIT)
        runner.run(lambda: session.search.find(text, limit=first),
                   lambda results: self._searched(generation, text, results), self._search_failed)

    def _search_failed(self, exc) -> None:
        self._searching = False
        self.failed.emit(exc)

    def _searched(self, generation: int, text: str, results) -> None:
        self._searching = False
        if not isValid(self.results):
            return
        if generation != self._search_generation:
            self._start_search()  # typed on meanwhile: this answer is stale, search the latest
            return
        self.results.blockSignals(True)
        self.results.show_results(results, None)
        self.results.blockSignals(False)
        self.stack.setCurrentWidget(self.results)
        self.shown_search_generation = generation
        if len(results) >= min(FIRST_HITS, SEARCH_LIMIT):  # more hits and their count, once typing pauses
            self._to_count = (generation, text, len(results))
            self._count_timer.start()

    def _count(self) -> None:
        """The rest of the hits (up to SEARCH_LIMIT) and how many there are in all."""
        generation, text, _shown = self._to_count
        if generation != self._search_generation or self._searching:
            return
        session = self.session

        def more():
            results = session.search.find(text, limit=SEARCH_LIMIT)
            return results, session.search.count(text) if len(results) >= SEARCH_LIMIT else len(results)

        runner.run(more, lambda found: self._counted(generation, *found), self.failed.emit)

    def _counted(self, generation: int, results, total: int) -> None:
        if not isValid(self.results) or generation != self._search_generation or self._searching:
            return  # typed on, locked, or the window is gone
        row = self.results.currentRow()
        self.results.blockSignals(True)
        self.results.show_results(results, total)
        self.results.setCurrentRow(max(0, row))
        self.results.blockSignals(False)

    def _enter_from_search(self) -> None:
        if self.stack.currentWidget() is self.results:
            self.results.setFocus()
            self._choose_result()
        else:
            self.table.setFocus()

    def _choose_result(self) -> None:
        result = self.results.current_result()
        if result and result.household_id:
            self.household_chosen.emit(result.household_id)

    def _choose(self, household_id: str | None) -> None:
        if household_id:
            self.household_chosen.emit(household_id)
