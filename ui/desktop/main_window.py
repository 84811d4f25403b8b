"""The main window: the household list beside the household, a status line, and the lock.

The window wires pages and dialogs together; pages and dialogs call `app/` services, and every
change a service reports (`session.changed`) refreshes the list, the open household and the
status line.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMainWindow, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from app.session import Session
from app.vocab import Action
from ui.desktop.dialogs.base import EntryDialog
from ui.desktop.dialogs.contact import ContactDialog
from ui.desktop.dialogs.household import HouseholdDialog, PersonDialog
from ui.desktop.dialogs.lifecycle import LifecycleDialog, OpenCaseDialog
from ui.desktop.dialogs.pick_household import PickHouseholdDialog
from ui.desktop.dialogs.records import AmendDialog, NoteDialog
from ui.desktop.dialogs.settings import CityDialog
from ui.desktop.households.case_panel import SUPPORT_DECISION
from ui.desktop.households.list_page import HouseholdListPage
from ui.desktop.households.view_page import HouseholdViewPage
from ui.desktop.i18n import tr
from ui.desktop.lock import DEFAULT_IDLE_MINUTES, IdleLock
from ui.desktop.lock_screen import LockScreen
from ui.desktop.meetings.dialogs import SupportDecisionDialog
from ui.desktop.status_line import StatusLine
from ui.desktop.sync_controller import SyncController
from ui.desktop.widgets.message_bar import MessageBar

STATUS_REFRESH_MS = 15_000
GAIJI_NOTICE_KEY = "gaiji_font_notice_shown"


class MainWindow(QMainWindow):
    households_changed = Signal(object)  # re-emitted on the UI thread from session.changed

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.setWindowTitle(tr("寄り添い"))
        self.setAccessibleName(tr("寄り添い"))
        self._hidden_on_lock: list[QWidget] = []
        self.current_dialog: QWidget | None = None

        self.message = MessageBar()
        self.list_page = HouseholdListPage(session)
        self.view_page = HouseholdViewPage(session)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self.list_page)
        split.addWidget(self.view_page)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 6)
        self.split = split
        self._split_placed = False
        self.workspace = QWidget()
        work = QVBoxLayout(self.workspace)
        work.setContentsMargins(6, 6, 6, 0)
        work.addWidget(self.message)
        work.addWidget(split, 1)
        self.lock_screen = LockScreen(session.folder)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.workspace)
        self.stack.addWidget(self.lock_screen)
        self.setCentralWidget(self.stack)

        self.status = StatusLine(self.statusBar(), session)
        self.sync = SyncController(session, self)
        self.sync.started.connect(self.status.syncing)
        self.sync.progress.connect(self.status.show_progress)
        self.sync.finished.connect(self.status.synced)
        self.sync.failed.connect(self.status.sync_failed)
        self.sync.failed.connect(self._sync_failed)
        minutes = float(session.setting("idle_lock_minutes", str(DEFAULT_IDLE_MINUTES)) or DEFAULT_IDLE_MINUTES)
        self.idle = IdleLock(minutes * 60, self)
        self._build_menus()

        self.list_page.household_chosen.connect(self.open_household)
        self.list_page.failed.connect(self.message.show_error)
        self.view_page.failed.connect(self.message.show_error)
        self.view_page.log_contact_requested.connect(self.log_contact)
        self.view_page.add_note_requested.connect(self.add_note)
        self.view_page.edit_household_requested.connect(self.edit_household)
        self.view_page.assignment_requested.connect(lambda: self.show_assignment(household=True))
        self.view_page.add_person_requested.connect(lambda: self.edit_person(None))
        self.view_page.edit_person_requested.connect(self.edit_person)
        self.view_page.action_requested.connect(self.lifecycle_step)
        self.view_page.open_case_requested.connect(self.open_case)
        self.view_page.amend_requested.connect(self.amend)
        self.view_page.flag_resolved.connect(lambda _: self.status.refresh())
        self.idle.lock_requested.connect(self.lock)
        self.lock_screen.unlocked.connect(self.unlock)
        self.households_changed.connect(self._on_changed)
        session.subscribe(self.households_changed.emit)

        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self.status.refresh)
        self._status_timer.start()
        self.list_page.set_stations([(s.id, s.name) for s in session.directory.stations()])
        self.list_page.reload()
        self.status.refresh()
        self.resize(1366, 768)
        stopped = session.sync.stopped()
        if stopped is not None:  # revoked at an earlier contact: say so again, with the file
            self.message.show_error(stopped)
        self.sync.start()
        QTimer.singleShot(0, self.check_gaiji_font)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._split_placed:
            self._split_placed = True
            self.place_split()

    def place_split(self) -> None:
        """Four tenths for the list, never less than its columns need; the rest for the household."""
        total = self.split.width()
        list_width = max(self.list_page.minimumSizeHint().width(), int(total * 0.4))
        self.split.setSizes([list_width, max(0, total - list_width)])

    def check_gaiji_font(self) -> None:
        """Say once (per profile), plainly, when no font draws 外字 such as 𠮷: names would show a
        box. Checked after the window shows, so it costs the start nothing."""
        from ui.desktop import fonts

        if self.session.store.index.notice:  # the index file was unreadable and is rebuilt: said first
            self.message.show_message(tr(self.session.store.index.notice), "info")
            return
        if self.session.setting(GAIJI_NOTICE_KEY) == "1" or fonts.has_gaiji_font():
            return
        self.session.set_setting(GAIJI_NOTICE_KEY, "1")
        self.message.show_message(tr(
            "外字のフォント（IPAmj明朝）が入っていないため、𠮷 などの外字が「□」で表示されます。"
            "記録の内容は正しく保存されています。Linux では fonts-ipamj-mincho を、Windows では"
            " IPAmj明朝（文字情報基盤）を入れてください（この案内は一度だけ表示します）。"), "info")

    # -- menus ----------------------------------------------------------------------------

    def _action(self, menu, text: str, slot, shortcut: str | QKeySequence | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(tr("ファイル(&F)"))
        self._action(file_menu, tr("世帯を追加…"), self.add_household, "Ctrl+N")
        self._action(file_menu, tr("画面をロック"), lambda: self.lock("manual"), "Ctrl+Shift+L")
        file_menu.addSeparator()
        self._action(file_menu, tr("終了"), self.close, QKeySequence.StandardKey.Quit)
        record_menu = bar.addMenu(tr("記録(&R)"))
        self.log_contact_action = self._action(record_menu, tr("接触を記録…"), self.log_contact, "Ctrl+L")
        self._action(record_menu, tr("記録を追加…"), self.add_note, "Ctrl+Shift+N")
        view_menu = bar.addMenu(tr("表示(&V)"))
        self._action(view_menu, tr("検索"), self.list_page.focus_search, "Ctrl+F")
        self._action(view_menu, tr("一覧を更新"), self.list_page.reload, "F5")
        view_menu.addSeparator()
        self._action(view_menu, tr("期限（自分の担当）…"), lambda: self.show_due(office=False), "Ctrl+D")
        self._action(view_menu, tr("期限（事務局・全世帯）…"), lambda: self.show_due(office=True), "Ctrl+Shift+T")
        directory_menu = bar.addMenu(tr("名簿(&D)"))
        self._action(directory_menu, tr("支援関係機関…"), lambda: self.show_directory("agencies"), "Ctrl+Shift+D")
        self._action(directory_menu, tr("職員…"), lambda: self.show_directory("staff"))
        self._action(directory_menu, tr("ステーション…"), lambda: self.show_directory("stations"))
        self._action(directory_menu, tr("社会資源…"), lambda: self.show_directory("resources"))
        meeting_menu = bar.addMenu(tr("会議(&M)"))
        self._action(meeting_menu, tr("会議の一覧・準備・開催…"), self.show_meetings, "Ctrl+M")
        sync_menu = bar.addMenu(tr("同期(&Y)"))
        self._action(sync_menu, tr("今すぐ同期"), self.sync_now, "F9")
        self._action(sync_menu, tr("中央ストアに登録…"), self.enrol)
        self._action(sync_menu, tr("組織の端末と承認…（事務局）"), self.show_devices)
        self._action(sync_menu, tr("停止した端末の未送信ファイルを取り込む…（事務局）"), self.import_unsent)
        self._action(sync_menu, tr("担当と人事異動…（事務局）"), lambda: self.show_assignment(household=False))
        settings_menu = bar.addMenu(tr("設定(&S)"))
        self._action(settings_menu, tr("自動ロックまでの時間…"), self.choose_idle_time)
        self._action(settings_menu, tr("市町村名（様式に印刷）…"), lambda: CityDialog(self.session, self).open())

    # -- navigation -----------------------------------------------------------------------

    def open_household(self, household_id: str) -> None:
        if household_id != self.view_page.household_id:
            self.view_page.load(household_id)

    def _on_changed(self, household_ids) -> None:
        if not self.sync.running:
            self.sync.changed_locally()  # a change made here: send it soon
        self.list_page.reload()
        if self.view_page.household_id and (not household_ids or self.view_page.household_id in household_ids):
            self.view_page.reload()
        self.status.refresh()

    def _run_dialog(self, dialog: EntryDialog, done: str | None = None, then=None) -> EntryDialog:
        """Open a dialog without blocking the window (background work and the lock go on);
        `then(result)` runs after it was saved."""
        self.current_dialog = dialog

        def finished(code: int) -> None:
            self.current_dialog = None
            if code != EntryDialog.DialogCode.Accepted:
                return
            if dialog.notice:
                self.message.show_message(dialog.notice, "refused")
            elif done:
                self.message.show_message(done, "ok")
            if then is not None and dialog.result_value is not None:
                then(dialog.result_value)
            dialog.deleteLater()

        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    # -- actions --------------------------------------------------------------------------

    def log_contact(self) -> None:
        view = self.view_page.view
        if view is None:
            picker = PickHouseholdDialog(self.session, self)
            self.current_dialog = picker

            def picked(code: int) -> None:
                self.current_dialog = None
                if code == PickHouseholdDialog.DialogCode.Accepted and picker.chosen is not None:
                    household_id, name = picker.chosen
                    self.view_page.load(household_id)
                    self._contact_dialog(household_id, name, self.session.households.persons(household_id))

            picker.finished.connect(picked)
            picker.open()
            return
        self._contact_dialog(view.household.id, view.household.name, view.persons)

    def _contact_dialog(self, household_id: str, name: str, persons) -> None:
        self._run_dialog(ContactDialog(self.session, household_id, name, persons, self), tr("接触記録を保存しました。"))

    def add_note(self) -> None:
        view = self.view_page.view
        if view is None:
            self.message.show_message(tr("先に世帯を選んでください。"), "info")
            return
        self._run_dialog(NoteDialog(self.session, view.household.id, view.household.name, self), tr("記録を保存しました。"))

    def add_household(self) -> None:
        self._run_dialog(HouseholdDialog(self.session, None, self), tr("世帯を追加しました。"),
                         then=lambda household: self.view_page.load(household.id))

    def edit_household(self) -> None:
        if self.view_page.view:
            self._run_dialog(HouseholdDialog(self.session, self.view_page.view.household, self), tr("保存しました。"))

    def edit_person(self, person_id: str | None) -> None:
        view = self.view_page.view
        if view is None:
            return
        person = next((p for p in view.persons if p.id == person_id), None) if person_id else None
        self._run_dialog(PersonDialog(self.session, view.household.id, person, self), tr("保存しました。"))

    def open_case(self) -> None:
        view = self.view_page.view
        if view is not None:
            self._run_dialog(OpenCaseDialog(self.session, view.household.id, view.persons, self),
                             tr("ケースを開始しました（相談受付）。"))

    def lifecycle_step(self, action_code: str) -> None:
        view = self.view_page.view
        if view is None or view.case is None:
            return
        if action_code == SUPPORT_DECISION:
            self._run_dialog(SupportDecisionDialog(self.session, view.case.id, self), tr("市の支援決定を記録しました。"))
            return
        action = Action(action_code)
        self._run_dialog(LifecycleDialog(self.session, view.case, action, self),
                         tr("「{a}」を記録しました。").format(a=action.label))

    def amend(self, entry) -> None:
        self._run_dialog(AmendDialog(self.session, entry, self), tr("訂正を保存しました（元の記録も残っています）。"))

    def sync_now(self) -> None:
        if not self.session.sync.is_enrolled():
            self.message.show_message(tr("この端末は中央ストアに登録されていません（同期 → 中央ストアに登録）。"), "info")
        elif not self.sync.sync_now():
            self.message.show_message(tr("同期中です。"), "info")

    def _sync_failed(self, exc: Exception) -> None:
        """A revocation is said in the window, not only in the status line's tooltip: the user
        must learn why nothing syncs any more, that the households are gone, and where the
        sealed file of what they had not sent is."""
        from app.sync import failure_kind

        if failure_kind(exc) != "revoked":
            return
        if getattr(exc, "signed", False):  # the profile was emptied: show it empty
            self.view_page.clear()
            self.list_page.reload()
        self.message.show_error(exc)

    def import_unsent(self, path: str | None = None) -> None:
        """Take in a revoked device's sealed file of what it had not sent (the office)."""
        from PySide6.QtWidgets import QFileDialog

        from ui.desktop import runner

        if not self.session.sync.is_enrolled() or self.session.sync.status().role != "office":
            self.message.show_message(tr("未送信ファイルの取り込みは事務局の端末で行います。"), "info")
            return
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, tr("停止した端末の未送信ファイル"), "",
                                                  tr("未送信ファイル (*.yorisoi-unsent)"))
            if not path:
                return
        self.message.show_message(tr("取り込んでいます…"), "info")
        runner.run(lambda: self.session.sync.import_unsent(path), self._imported, self.message.show_error)

    def _imported(self, done) -> None:
        if done.again:
            self.message.show_message(tr("このファイルは取り込み済みです（{login} の端末、{n}件）。何も変えていません。").format(
                login=done.login, n=done.count), "info")
            return
        self.message.show_message(tr("取り込みました: {login} の停止した端末が送っていなかった変更 {n}件"
                                     "（記録 {records}件、世帯 {households}）。次の同期で中央ストアに送ります。").format(
            login=done.login, n=done.count, records=done.records, households=done.households), "ok")
        self.sync.changed_locally()

    def enrol(self) -> None:
        from ui.desktop.dialogs.enrol import EnrolDialog

        if self.session.sync.is_enrolled():
            self.message.show_message(tr("この端末はすでに中央ストアに登録されています。"), "info")
            return
        dialog = EnrolDialog(self.session, self)
        dialog.enrolled.connect(lambda _: (self.status.refresh(), self.sync.start()))
        self.current_dialog = dialog
        dialog.finished.connect(lambda _: setattr(self, "current_dialog", None))
        dialog.open()

    def show_meetings(self) -> None:
        from ui.desktop.meetings.window import MeetingsWindow

        window = MeetingsWindow(self.session, self)
        self.current_dialog = window
        window.changed.connect(lambda: self._on_changed(set()))
        window.finished.connect(lambda _: (setattr(self, "current_dialog", None), window.deleteLater()))
        window.open()

    def show_devices(self) -> None:
        from ui.desktop.dialogs.devices import DevicesDialog

        if not self.session.sync.is_enrolled() or self.session.sync.status().role != "office":
            self.message.show_message(tr("端末の承認は事務局の端末で行います。"), "info")
            return
        dialog = DevicesDialog(self.session, self)
        self.current_dialog = dialog
        dialog.finished.connect(lambda _: setattr(self, "current_dialog", None))
        dialog.open()

    def show_due(self, office: bool) -> None:
        """期限: overdue first; a row opens its household here, the list stays open beside it."""
        from ui.desktop.due_dialog import DueDialog

        dialog = DueDialog(self.session, office=office, parent=self)
        dialog.household_chosen.connect(self._choose_household)
        self.current_dialog = dialog

        def finished(_code: int) -> None:
            self.current_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.show()  # not modal: the household it opens is worked on beside it

    def _choose_household(self, household_id: str) -> None:
        self.list_page.select(household_id)
        self.open_household(household_id)

    def show_directory(self, kind: str) -> None:
        """名簿: agencies, staff, stations and resources; the list's stations follow what changed."""
        from ui.desktop.directory.directory_dialog import DirectoryDialog

        dialog = DirectoryDialog(self.session, kind, self)
        self.current_dialog = dialog

        def finished(_code: int) -> None:
            self.current_dialog = None
            self.list_page.set_stations([(s.id, s.name) for s in self.session.directory.stations(active_only=True)])
            dialog.deleteLater()

        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(finished)
        dialog.open()

    def show_assignment(self, *, household: bool) -> None:
        from ui.desktop.dialogs.assignment import AssignmentDialog

        if not self.session.sync.is_enrolled() or self.session.sync.status().role != "office":
            self.message.show_message(tr("担当の変更と人事異動は事務局の端末で行います。"), "info")
            return
        view = self.view_page.view if household else None
        household_id = view.household.id if view else None
        dialog = AssignmentDialog(self.session, household_id, view.household.name if view else "", self)
        self.current_dialog = dialog
        dialog.finished.connect(lambda _: setattr(self, "current_dialog", None))
        dialog.open()

    def choose_idle_time(self) -> None:
        current = int(float(self.session.setting("idle_lock_minutes", str(DEFAULT_IDLE_MINUTES))))
        minutes, ok = QInputDialog.getInt(self, tr("自動ロック"), tr("操作がないときにロックするまでの分数"),
                                          current, 1, 60)
        if ok:
            self.session.set_setting("idle_lock_minutes", str(minutes))
            self.idle.set_idle_seconds(minutes * 60)

    # -- lock -----------------------------------------------------------------------------

    def lock(self, reason: str = "manual") -> None:
        if self.idle.locked:
            return
        self.idle.set_locked(True)
        from PySide6.QtWidgets import QApplication

        self._hidden_on_lock = []
        for widget in QApplication.topLevelWidgets():
            if widget is self or not widget.isVisible():
                continue
            for holder in (widget, *widget.findChildren(QWidget)):
                keep = getattr(holder, "keep_unsaved_input", None)
                if callable(keep):
                    keep()  # what was typed is in the encrypted profile before anything is hidden
            widget.hide()
            self._hidden_on_lock.append(widget)
        self.view_page.clear()
        self.list_page.cancel_search()
        self.list_page.model.set_rows([], {})
        self.list_page.results.clear()
        self.message.hide()
        self.stack.setCurrentWidget(self.lock_screen)
        self.lock_screen.prepare(reason)

    def unlock(self) -> None:
        self.idle.set_locked(False)
        self.stack.setCurrentWidget(self.workspace)
        self.list_page.reload()
        for widget in self._hidden_on_lock:
            widget.show()
        self._hidden_on_lock = []
