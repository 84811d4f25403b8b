"""The always-visible status line: online or offline, changes waiting to be sent, last sync."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar

from app.session import Session
from forms.wareki import format_wareki
from ui.desktop.i18n import tr


class StatusLine:
    def __init__(self, bar: QStatusBar, session: Session) -> None:
        self.session = session
        self.connection = QLabel()
        self.connection.setAccessibleName(tr("接続状態"))
        self.pending = QLabel()
        self.pending.setAccessibleName(tr("未送信の変更"))
        self.last_sync = QLabel()
        self.last_sync.setAccessibleName(tr("最終同期"))
        for widget in (self.connection, self.pending, self.last_sync):
            bar.addPermanentWidget(widget)

    def refresh(self) -> None:
        status = self.sync_status()
        self.connection.setText(status["connection"])
        self.pending.setText(tr("未送信の変更: {n}件").format(n=status["pending"]))
        last = status["last_sync"]
        self.last_sync.setText(tr("最終同期: {t}").format(t=last or tr("なし")))

    def sync_status(self) -> dict:
        last = self.session.store.meta("last_sync_at")
        when = f"{format_wareki(last[:10], short=True)} {last[11:16]}" if last else None
        return {"connection": tr("オフライン（同期先は未設定）"), "pending": self.session.pending_changes(),
                "last_sync": when}
