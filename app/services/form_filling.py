"""Filling the official forms: start one (pre-filled), save a draft, complete it, sign it off.

A form record keeps the definition version it was filled with. Opening a draft or a finished
form whose version the set has moved past migrates its answers to the current definition
(forms/migrate.py), and saving stores the new version. Forms a meeting approved are never
migrated: they are shown and printed with the definition they were filled with, or, if the
city's set no longer has that version, with the current one plus an 「旧様式の項目」 section.

Completing a 様式1-1 records the consent it captures (and a withdrawal) through the case
service; completing a contact record adds it to the household's contacts (app/form_effects.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app import form_settings
from app.errors import InvalidInput, NotFound
from app.form_sources import prefill_sources
from app.model import FormRecord
from app.services.form_records import FORM_IDS, FROZEN
from app.session import Service
from forms.formset import FormSet, load_form_set
from forms.loader import DefinitionError
from forms.migrate import migrate
from forms.prefill import prefill
from forms.schema import FormDefinition
from forms.validation import Checked, Problem, check
from storage.records import new_id


class FormSetUnusable(InvalidInput):
    """The city's form definitions cannot be loaded; the message names file, line and reason."""


@dataclass
class OpenForm:
    record: FormRecord
    definition: FormDefinition
    answers: dict  # for this definition (migrated when the record was filled with an older one)
    migrated_from: int | None = None  # the version it was filled with, when it moved
    stored: bool = True  # False for a new form not written yet (FormFillingService.prepare)

    @property
    def editable(self) -> bool:
        return self.record.status not in FROZEN


class FormFillingService(Service):
    _forms_dir_override: str | None = None
    _form_set: FormSet | None = None
    _loaded_from: tuple = ()

    # -- definitions ---------------------------------------------------------------------------

    def use_forms_dir(self, folder: str | Path | None) -> None:
        """A folder for this session only (``--forms DIR``), before the profile setting."""
        self._forms_dir_override = str(folder) if folder else None

    @property
    def form_set(self) -> FormSet:
        folder = self._forms_dir_override or form_settings.get(self.session, "forms_dir") or None
        if self._form_set is None or self._loaded_from != (folder,):
            try:
                self._form_set = load_form_set(folder)
            except DefinitionError as exc:
                raise FormSetUnusable(exc.message(), "forms_dir") from None
            self._loaded_from = (folder,)
        return self._form_set

    def definition(self, form_id: str, variant: str | None = None) -> FormDefinition:
        if form_id not in FORM_IDS:
            raise InvalidInput(f"様式「{form_id}」はありません（{'、'.join(FORM_IDS)}）。", "form_id")
        key = f"{form_id}:{variant}" if variant else self.form_set.default_key(form_id)
        try:
            return self.form_set.current(key)
        except KeyError:
            raise NotFound(f"様式「{key}」の定義がありません。") from None

    def definition_of(self, record: FormRecord) -> FormDefinition | None:
        """The exact definition the record was filled with, if the set still has it."""
        return self.form_set.get(self._key(record), record.form_version)

    def _key(self, record: FormRecord) -> str:
        variant = record.answers.get("variant")
        return f"{record.form_id}:{variant}" if variant else self.form_set.default_key(record.form_id)

    # -- opening and starting ---------------------------------------------------------------------

    def open(self, record_id: str) -> OpenForm:
        record = self.session.forms.get(record_id)
        key = self._key(record)
        current = self.form_set.current(key)
        exact = self.definition_of(record)
        version = record.form_version or 1
        if exact is not None and (record.status in FROZEN or version >= current.version):
            return OpenForm(record, exact, dict(record.answers))
        answers, _ = migrate(record.answers, version, self.form_set.chain(key, version), exact)
        return OpenForm(record, current, answers, migrated_from=version)

    def prepare(self, household_id: str, form_id: str, variant: str | None = None) -> OpenForm:
        """A new form, pre-filled from the household, the case and its finished forms, and not
        written yet: opening a form and closing it untouched leaves nothing behind. `keep` writes
        it (at the first change, or when it is saved)."""
        definition = self.definition(form_id, variant)
        self.session.households.get(household_id)
        case_id = self.session.cases.current_case_id(household_id)
        answers = prefill(definition, {}, prefill_sources(self.session, household_id, case_id))
        if definition.variant:
            answers["variant"] = definition.variant
        record = FormRecord(id=new_id(), household_id=household_id, form_id=form_id, case_id=case_id,
                            form_version=definition.version, status="draft", answers=dict(answers))
        return OpenForm(record, definition, dict(answers), stored=False)

    def keep(self, opened: OpenForm) -> OpenForm:
        """Write a prepared form as a draft (under the id it was prepared with)."""
        if opened.stored:
            return opened
        record = self.session.forms.create(opened.record.household_id, opened.record.form_id, opened.answers,
                                           case_id=opened.record.case_id, form_version=opened.definition.version,
                                           record_id=opened.record.id)
        return OpenForm(record, opened.definition, dict(record.answers))

    def start(self, household_id: str, form_id: str, variant: str | None = None) -> OpenForm:
        """A new draft, pre-filled and written at once (the command line, the demo)."""
        return self.keep(self.prepare(household_id, form_id, variant))

    def prefill_from_latest(self, record_id: str) -> OpenForm:
        """Fill the empty fields of an open draft again (e.g. after the assessment was finished)."""
        opened = self.open(record_id)
        sources = prefill_sources(self.session, opened.record.household_id, opened.record.case_id)
        answers = prefill(opened.definition, opened.answers, sources)
        self._store(opened, answers)
        return self.open(record_id)

    # -- saving ------------------------------------------------------------------------------------

    def save_draft(self, record_id: str, answers: dict) -> Checked:
        """Keep what was typed, as typed where it cannot be read yet; report problems per field."""
        opened = self.open(record_id)
        checked = check(opened.definition, answers, complete=False)
        self._store(opened, checked.answers)
        return checked

    def complete(self, record_id: str, answers: dict, *, signed_by: str | None = None,
                 signed_on: str | None = None) -> Checked:
        """Complete the form when every required field is answered and readable. With problems,
        the answers are still saved as a draft and the problems are returned."""
        from app import form_effects

        opened = self.open(record_id)
        checked = check(opened.definition, answers, complete=True)
        if not checked.ok:
            self._store(opened, check(opened.definition, answers, complete=False).answers)
            return checked
        case_id = form_effects.case_for(self.session, opened, checked.answers)
        self._store(opened, checked.answers, case_id=case_id)
        self.session.forms.complete(record_id, signed_by=signed_by, signed_on=signed_on)
        try:
            extra = form_effects.apply(self.session, self.open(record_id))
        except InvalidInput as exc:
            return Checked(checked.answers, [Problem(exc.field or "", exc.message)])
        if extra:
            self.session.forms.update_answers(record_id, extra)
        return checked

    def discard(self, record_id: str) -> None:
        """Throw a draft away (a tombstone, synced like any deletion)."""
        self.session.forms.discard(record_id)

    def sign_off(self, record_id: str, signed_by: str | None = None, signed_on: str | None = None) -> FormRecord:
        """Confirm a finished form under a staff member's name (確認者)."""
        record = self.session.forms.get(record_id)
        if record.status == "draft":
            raise InvalidInput("下書きの様式は確認できません。先に完成させてください。", "status")
        return self.session.forms.complete(record_id, signed_by=signed_by or self.session.me, signed_on=signed_on)

    def _store(self, opened: OpenForm, answers: dict, case_id: str | None = None) -> None:
        # Bookkeeping ("_consent", the variant) is not on the screen: keep it. Answers merge per
        # key in the store, so a key that is gone (renamed by a migration) is set to None.
        kept = {k: v for k, v in opened.answers.items() if (k.startswith("_") or k == "variant") and k not in answers}
        answers = {**kept, **answers}
        stale = {key: None for key in opened.record.answers if key not in answers}
        self.session.forms.update_answers(opened.record.id, {**stale, **answers},
                                          form_version=opened.definition.version, case_id=case_id)

    # -- lists ---------------------------------------------------------------------------------------

    def latest(self, household_id: str, form_id: str) -> FormRecord | None:
        """The latest form of this kind in the household, superseded plans aside."""
        found = [r for r in self.session.forms.for_household(household_id, form_id) if r.status != "superseded"]
        return found[-1] if found else None
