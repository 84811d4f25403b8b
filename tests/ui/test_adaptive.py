"""The adaptive-layout helpers (ui/desktop/widgets/adaptive.py) and the cut-text check that the
screenshot tests rely on (tests/ui/laptop.py)."""

from __future__ import annotations

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from tests.ui import laptop
from tests.ui.qt_helpers import settle
from ui.desktop.widgets.adaptive import AdaptivePanels, FlowLayout, em


def test_a_flow_of_buttons_wraps_instead_of_widening_the_window(qtbot):
    host = QWidget()
    flow = FlowLayout(host)
    buttons = [QPushButton(f"ボタン{n}の長めの文字") for n in range(6)]
    for button in buttons:
        flow.addWidget(button)
    qtbot.addWidget(host)
    host.resize(300, flow.heightForWidth(300))
    host.show()
    settle(qtbot)
    assert flow.heightForWidth(300) > flow.heightForWidth(3000)  # more rows when narrow
    assert host.minimumSizeHint().width() <= 300
    for button in buttons:
        assert button.geometry().right() < 300 and button.width() >= button.sizeHint().width()
    assert laptop.cut_texts(host) == []


def test_panels_are_columns_when_wide_and_tabs_when_narrow(qtbot):
    panels = AdaptivePanels(lambda w: em(w, 40))
    left, right = panels.add_column(stacked=True), panels.add_column()
    a, b, c = QLabel("世帯員"), QLabel("ケース"), QLabel("タイムライン")
    panels.add(left, "世帯員", a)
    panels.add(left, "ケース", b)
    panels.add(right, "タイムライン", c)
    panels.front_panel = c
    modes = []
    panels.mode_changed.connect(modes.append)
    qtbot.addWidget(panels)
    panels.resize(em(panels, 60), 400)
    panels.show()
    settle(qtbot)
    assert panels.mode == "wide" and a.isVisible() and b.isVisible() and c.isVisible()
    panels.resize(em(panels, 30), 400)
    settle(qtbot)
    assert panels.mode == "tabs" and panels.current_panel() is c  # the front panel first
    assert c.isVisible() and not a.isVisible()
    panels.show_panel(a)
    assert a.isVisible() and not c.isVisible()
    panels.resize(em(panels, 60), 400)
    settle(qtbot)
    assert panels.mode == "wide" and a.isVisible() and c.isVisible()
    assert modes == ["tabs", "wide"]
    assert panels.minimumSizeHint().width() < em(panels, 40)  # tabs are always possible: never forces width


def test_the_cut_check_finds_a_cut_label_and_a_cut_cell(qtbot):
    host = QWidget()
    layout = QVBoxLayout(host)
    label = QLabel("髙﨑 𠮷男さんの世帯の長い説明文")
    label.setFixedWidth(60)
    layout.addWidget(label)
    model = QStandardItemModel(1, 1)
    model.setItem(0, 0, QStandardItem("西村 美代子"))
    table = QTableView()
    table.setModel(model)
    table.setColumnWidth(0, 30)
    layout.addWidget(table)
    qtbot.addWidget(host)
    host.resize(400, 300)
    host.show()
    settle(qtbot)
    cut = laptop.cut_texts(host)
    assert any("髙﨑" in problem for problem in cut)
    assert any("西村 美代子" in problem for problem in cut)
    table.setProperty("elided_columns", [0])
    assert not any("西村 美代子" in problem for problem in laptop.cut_texts(host))
