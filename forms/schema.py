"""What a form definition (様式の定義) is made of, as plain immutable data.

    FormDefinition   one version of one 様式 (id, version, title, sheets of sections)
    └── Section      a titled box of fields, printed on a numbered sheet (その1, その2 …)
        └── FieldDef a question: its type, label, required flag, condition, help text,
                     the bold-frame marking of nationally reported items, and for a table
                     its columns (themselves FieldDefs of a single-value type)

Definitions are read from TOML files by `forms.loader`; nothing here knows about files.
Answers are a plain dict keyed by field id; a table's answer is a list of row dicts keyed
by column id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# Single-value types a table column may use; "table" itself is the one multi-row type.
SCALAR_TYPES = ("text", "longtext", "date", "choice", "multichoice", "check", "number",
                "person", "agency", "staff", "record")
FIELD_TYPES = SCALAR_TYPES + ("table",)
# Types whose value is picked from the profile (people, agencies, staff, another form).
PICKER_TYPES = ("person", "agency", "staff", "record")


@dataclass(frozen=True)
class Option:
    value: str  # the code stored in answers
    label: str  # what the paper and the screen show


@dataclass(frozen=True)
class Condition:
    """Show a field only when another has a value (or one of some values)."""

    field: str
    values: tuple[str, ...] = ()  # empty: "has any value"

    def holds(self, answers: dict[str, Any]) -> bool:
        value = answers.get(self.field)
        if not self.values:
            return has_value(value)
        if isinstance(value, list):
            return any(str(v) in self.values for v in value)
        if isinstance(value, bool):
            return ("true" if value else "false") in self.values
        return value is not None and str(value) in self.values


@dataclass(frozen=True)
class FieldDef:
    id: str
    label: str
    type: str
    required: bool = False
    help: str = ""
    when: Condition | None = None
    national: bool = False  # drawn in a bold frame: reported to the national government
    options: tuple[Option, ...] = ()
    columns: tuple[FieldDef, ...] = ()
    prefill: str = ""  # a source key, e.g. "principal.name" or "1-2.wishes" (see forms.prefill)
    width: float = 1.0  # share of a printed row; short fields sit side by side
    lines: int = 0  # printed height of an empty answer (long text, blank forms)
    rows: int = 0  # empty rows printed for a table on a blank form
    max_length: int = 0  # in code points; 0 = no limit
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    show_age: bool = False  # a birth date printed with the age at the form's date
    form: str = ""  # for "record": which 様式 may be referred to
    other: str = ""  # for choice / multichoice: the id of the option that asks for detail
    line: int = 0  # where it is defined, for messages about the definition itself

    def option_label(self, value: Any) -> str:
        for option in self.options:
            if option.value == str(value):
                return option.label
        return str(value)

    @property
    def is_table(self) -> bool:
        return self.type == "table"


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    sheet: int = 1
    help: str = ""
    fields: tuple[FieldDef, ...] = ()
    when: Condition | None = None
    note: str = ""  # printed under the title (an oath, an explanation)
    line: int = 0


@dataclass(frozen=True)
class Migration:
    """How answers filled with an older version become answers of this one."""

    from_version: int
    rename: tuple[tuple[str, str], ...] = ()  # "old" → "new"; "table.col" renames a column
    values: tuple[tuple[str, str, str], ...] = ()  # (field or table.col, old code, new code)
    drop: tuple[str, ...] = ()  # kept under RETIRED so nothing typed is lost
    defaults: tuple[tuple[str, Any], ...] = ()  # new fields (or table.col) with a starting value


@dataclass(frozen=True)
class FormDefinition:
    id: str
    version: int
    title: str
    form_no: str = ""  # 様式1-2
    variant: str = ""  # 1-1 comes as "consent" (本人同意あり) and "no-consent" (なし)
    variant_label: str = ""
    short_title: str = ""
    date_field: str = ""  # the field holding the form's date (ages are computed at it)
    programme: str = "重層的支援体制整備事業"
    sections: tuple[Section, ...] = ()
    migrations: tuple[Migration, ...] = ()
    source: str = ""  # the file it came from
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        """How a form set names it: the form id, plus the variant where there is one."""
        return f"{self.id}:{self.variant}" if self.variant else self.id

    @property
    def display_title(self) -> str:
        return f"{self.title}（{self.variant_label}）" if self.variant_label else self.title

    @property
    def sheets(self) -> list[int]:
        return sorted({s.sheet for s in self.sections})

    def fields(self) -> Iterator[FieldDef]:
        for section in self.sections:
            yield from section.fields

    def get_field(self, field_id: str) -> FieldDef | None:
        return next((f for f in self.fields() if f.id == field_id), None)

    def section_of(self, field_id: str) -> Section | None:
        return next((s for s in self.sections if any(f.id == field_id for f in s.fields)), None)

    def national_fields(self) -> list[FieldDef]:
        """The nationally reported items (bold frames), for the statistics of the national report."""
        return [f for f in self.fields() if f.national]

    def visible(self, item: FieldDef | Section, answers: dict[str, Any]) -> bool:
        if item.when is not None and not item.when.holds(answers):
            return False
        if isinstance(item, FieldDef):
            section = self.section_of(item.id)
            return section is None or self.visible(section, answers)
        return True


RETIRED = "_retired"  # answers of fields a newer version no longer has: printed, never dropped


def has_value(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0 and any(has_value(v) for v in (value.values() if isinstance(value, dict) else value))
    return True
