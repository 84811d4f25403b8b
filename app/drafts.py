"""Drafts of unsaved input (a contact being logged, a form being filled), kept encrypted on
this device so that a crash or the idle lock never loses what was typed."""

from __future__ import annotations

from app.session import Session
from storage import drafts as store_drafts
from storage.drafts import Draft


class Drafts:
    def __init__(self, session: Session) -> None:
        self.store = session.store

    def save(self, key: str, kind: str, payload: dict, household_id: str | None = None) -> None:
        with self.store.write() as records:
            store_drafts.save(records.conn, key, kind, payload, household_id)

    def load(self, key: str) -> Draft | None:
        return store_drafts.load(self.store.connection(), key)

    def discard(self, key: str) -> None:
        with self.store.write() as records:
            store_drafts.discard(records.conn, key)

    def all(self) -> list[Draft]:
        return store_drafts.all_drafts(self.store.connection())
