"""The always-visible status line: online or offline, changes waiting to be sent, last sync,
what needs a look after a merge, envelopes the gate set aside (how many, from whom), and a
progress bar while a long pull runs."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from app.errors import describe
from app.session import Session
from app.sync import failure_kind
from forms.wareki import format_wareki
from ui.desktop.i18n import tr


class StatusLine:
    def __init__(self, bar: QStatusBar, session: Session) -> None:
        self.session = session
        self.connection = QLabel()
        self.connection.setAccessibleName(tr("接続状態"))
        self.progress = QProgressBar()
        self.progress.setAccessibleName(tr("受信の進み具合"))
        self.progress.setMaximumWidth(160)
        self.progress.setFormat(tr("受信中 %p%"))
        self.progress.hide()
        self.pending = QLabel()
        self.pending.setAccessibleName(tr("未送信の変更"))
        self.flags = QLabel()
        self.flags.setAccessibleName(tr("確認が必要な事項"))
        self.quarantine = QLabel()
        self.quarantine.setAccessibleName(tr("取り分けた受信"))
        self.last_sync = QLabel()
        self.last_sync.setAccessibleName(tr("最終同期"))
        self.store_back = QLabel()
        self.store_back.setAccessibleName(tr("中央ストアの巻き戻り"))
        self.sheet = QLabel()
        self.sheet.setAccessibleName(tr("回復シート"))
        for widget in (self.connection, self.progress, self.pending, self.flags, self.quarantine, self.store_back,
                       self.sheet,
                       self.last_sync):
            bar.addPermanentWidget(widget)
        self._state = "idle"
        self._error: Exception | None = None

    # -- what the sync controller reports ------------------------------------------------

    def syncing(self) -> None:
        self._state = "syncing"
        self.refresh()

    def show_progress(self, done: int, total: int) -> None:
        if total > 200:  # only a long pull deserves a bar
            self.progress.setMaximum(total)
            self.progress.setValue(min(done, total))
            self.progress.show()

    def synced(self, _report=None) -> None:
        self._state, self._error = "online", None
        self.progress.hide()
        self.refresh()

    def sync_failed(self, exc: Exception) -> None:
        self._state, self._error = "failed", exc
        self.progress.hide()
        self.refresh()

    # -- drawing -------------------------------------------------------------------------

    def refresh(self) -> None:
        status = self.session.sync.status()
        self.connection.setText(self._connection_text(status))
        self.connection.setToolTip(describe(self._error) if self._error else "")
        # Not enrolled: nothing is ever sent, so a count of "changes to send" would mislead.
        self.pending.setText(tr("未送信の変更: {n}件").format(n=status.pending_changes) if status.enrolled else "")
        self.pending.setVisible(status.enrolled)
        self.flags.setText(tr("要確認: {n}件").format(n=status.open_flags) if status.open_flags else "")
        self.flags.setVisible(bool(status.open_flags))
        kept = status.quarantined
        senders = "、".join(f"{who} {n}件" for who, n in sorted(kept.items()))
        self.quarantine.setText(tr("取り分け: {n}件（{who}）").format(n=sum(kept.values()), who=senders) if kept else "")
        self.quarantine.setToolTip(tr("受信時の検査を通らなかった記録の束です。反映していません。"
                                      "事務局が yorisoi quarantine で確認します。") if kept else "")
        self.quarantine.setVisible(bool(kept))
        self.last_sync.setText(tr("最終同期: {t}").format(t=_when(status.last_sync_ms) or tr("なし")))
        # A store that went back lost changes for a while: said until a fortnight has passed,
        # with the whole story in the tooltip.
        shown = bool(status.store_rollback and status.store_rollback_recent)
        self.store_back.setText(tr("⚠ 中央ストアが以前の状態に戻っていました（送り直し済み）") if shown else "")
        self.store_back.setToolTip(status.store_rollback or "")
        self.store_back.setVisible(shown)
        # The organisation's keys on this office PC alone: said until a recovery sheet exists.
        self.sheet.setText(tr("⚠ 回復シート未作成") if status.sheet_missing else "")
        self.sheet.setToolTip(tr("組織の鍵はこの端末にしかありません。回復シートを作って印刷し、金庫に保管してください"
                                 "（yorisoi recovery-sheet --out 回復シート.pdf）。") if status.sheet_missing else "")
        self.sheet.setVisible(status.sheet_missing)

    def _connection_text(self, status) -> str:
        if not status.enrolled:
            return tr("オフライン（中央ストアに未登録）")
        if self._state == "syncing":
            return tr("同期中…")
        if self._state == "failed":
            kind = failure_kind(self._error)
            if kind == "offline":
                return tr("オフライン（接続できません）")
            if kind == "pending":
                return tr("承認待ち（事務局の承認が必要です）")
            if kind == "revoked":
                return tr("利用停止（事務局に連絡してください）")
            return tr("同期できませんでした")
        if status.device_status == "pending":
            return tr("承認待ち（事務局の承認が必要です）")
        return tr("オンライン") if self._state == "online" else tr("同期待ち")

    def sync_status(self) -> dict:
        """What the line shows, for tests and the screenshot review."""
        return {"connection": self.connection.text(), "pending": self.session.sync.status().pending_changes,
                "last_sync": self.last_sync.text(), "flags": self.flags.text(), "store_back": self.store_back.text(),
                "sheet": self.sheet.text(), "quarantine": self.quarantine.text()}


def _when(ms: int | None) -> str | None:
    if not ms:
        return None
    moment = dt.datetime.fromtimestamp(ms / 1000)
    return f"{format_wareki(moment.date().isoformat(), short=True)} {moment:%H:%M}"
