"""An unlocked profile and the services that work on it.

A session knows who is using the laptop (the profile owner's staff record) so that every
change and every view lands in the audit log under their name. Services are attributes:
``session.households``, ``session.cases``, ``session.contacts``, ``session.forms``,
``session.form_filling`` (definitions, pre-fill, drafts and completion of the 様式),
``session.meetings`` (kinds, sittings, attendance, agenda, decisions), ``session.agenda`` (what is due
for a meeting), ``session.meeting_apply`` (decisions into the cases), ``session.city`` (the city's
支援決定 and plan reports), ``session.directory``, ``session.due`` (what is due, 期限), ``session.search``, ``session.sync`` (enrolment,
sync runs, device approval, household assignment, merge flags).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from storage import audit, changes
from storage.profile import Profile
from storage.records import Records, new_id

OWNER_KEY = "owner_staff_id"
SHARED_VAULTS = ("directory", "resources", "meetings")


class Session:
    def __init__(self, profile: Profile) -> None:
        from app.drafts import Drafts
        from app.recovery import RecoveryService
        from app.services.agenda import AgendaService
        from app.services.cases import CaseService
        from app.services.contacts import ContactService
        from app.services.directory import DirectoryService
        from app.services.due import DueService
        from app.services.form_filling import FormFillingService
        from app.services.form_records import FormRecordService
        from app.services.households import HouseholdService
        from app.services.meeting_apply import MeetingApplyService
        from app.services.meetings import MeetingService
        from app.services.search import SearchService
        from app.services.support_decisions import SupportDecisionService
        from app.sync import SyncService

        self.profile = profile
        self.store = profile.store
        self._listeners: list[Callable[[set[str]], None]] = []
        self.households = HouseholdService(self)
        self.cases = CaseService(self)
        self.contacts = ContactService(self)
        self.forms = FormRecordService(self)
        self.form_filling = FormFillingService(self)
        self.meetings = MeetingService(self)
        self.agenda = AgendaService(self)
        self.meeting_apply = MeetingApplyService(self)
        self.city = SupportDecisionService(self)
        self.directory = DirectoryService(self)
        self.due = DueService(self)
        self.search = SearchService(self)
        self.drafts = Drafts(self)
        self.sync = SyncService(self)
        self.sync.restore_clock()
        self.recovery = RecoveryService(self)

    @property
    def folder(self) -> Path:
        return self.profile.folder

    @property
    def me(self) -> str:
        """The staff id of the profile's owner ("" before one is set)."""
        return self.store.meta(OWNER_KEY) or ""

    def vault(self, name: str) -> str:
        """The id of a shared vault, created on first use."""
        if name not in SHARED_VAULTS:
            raise KeyError(name)
        key = f"vault.{name}"
        found = self.store.meta(key)
        if found is None:
            found = new_id()
            self.store.set_meta(key, found)
        return found

    def setting(self, key: str, default: str | None = None) -> str | None:
        return self.store.meta(f"setting.{key}") or default

    def set_setting(self, key: str, value: str) -> None:
        self.store.set_meta(f"setting.{key}", value)

    def pending_changes(self) -> int:
        """Changes captured on this device and not yet sent to the central store."""
        return changes.count_pending(self.store.connection())

    def audit(self, records: Records, action: str, **what) -> None:
        audit.append(records.conn, actor=self.me or "-", action=action, **what)

    # Views (the desktop) subscribe to learn which households a write touched.
    def subscribe(self, listener: Callable[[set[str]], None]) -> None:
        self._listeners.append(listener)

    def changed(self, household_ids: set[str]) -> None:
        for listener in list(self._listeners):
            listener(household_ids)

    def close(self) -> None:
        self.profile.close()


class Service:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.store = session.store
