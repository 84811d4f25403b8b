"""Moving answers filled with an older version of a form to a newer one.

A newer definition carries ``[[migrations]]`` steps, each from one older version. Walking from
the version a form was filled with to the current one applies, in each step:

1. ``rename``   old field id → new id; ``"table.old" = "table.new"`` renames a table column
2. ``values``   a choice's old code → new code (``"table.col"`` for a column)
3. ``drop``     fields the new version no longer asks: moved under ``_retired`` with their
                label, never deleted, and printed at the end of the form
4. ``defaults`` a starting value for a new field (or ``"table.col"``), only where it is empty

A version with no step from the one before is reached by keeping every answer whose id it
still has, and retiring the rest. Approved forms are never migrated: they stay what the
meeting approved, and are shown and printed with the definition they were filled with.
"""

from __future__ import annotations

import copy
from typing import Any

from forms.schema import RETIRED, FormDefinition, Migration, has_value
from forms.validation import rows_of


def migrate(answers: dict[str, Any], start: int, chain: list[FormDefinition],
            old: FormDefinition | None = None) -> tuple[dict[str, Any], int]:
    """(answers for the last definition in ``chain``, its version). ``old`` is the definition
    the answers were filled with, when the set still has it: it names what gets retired and
    turns rows kept as plain text (older data) into rows of its table."""
    out = copy.deepcopy(answers)
    version = start
    names: dict[str, str] = {}
    if old is not None:
        names = {f.id: f.label for f in old.fields()}
        for f in old.fields():
            if f.is_table and f.id in out:
                out[f.id] = rows_of(f, out[f.id])
    for target in chain:
        if target.version <= version:
            continue
        step = next((m for m in target.migrations if m.from_version == version), None)
        out = apply(out, step or Migration(version), target, names)
        names.update({f.id: f.label for f in target.fields()})
        version = target.version
    return out, version


def apply(answers: dict[str, Any], step: Migration, target: FormDefinition, names: dict[str, str]) -> dict[str, Any]:
    out = dict(answers)
    retired = dict(out.pop(RETIRED, {}) or {})
    for old, new in step.rename:
        if "." in old:
            _rename_column(out, old, new)
        elif old in out:
            out[new] = out.pop(old)
            names.setdefault(new, names.get(old, new))
    for name, old_code, new_code in step.values:
        _map_value(out, name, old_code, new_code)
    known = {f.id for f in target.fields()} | {"variant"}
    for name in list(out):
        if name.startswith("_") and name not in step.drop:
            continue  # bookkeeping (e.g. the id of the consent a 様式1-1 recorded)
        if name in step.drop or name not in known:
            value = out.pop(name)
            if has_value(value):
                retired[name] = {"label": names.get(name, name), "value": value}
    for name, value in step.defaults:
        _default(out, name, value)
    if retired:
        out[RETIRED] = retired
    return out


def _rename_column(answers: dict, old: str, new: str) -> None:
    table, old_col = old.split(".", 1)
    new_table, new_col = new.split(".", 1) if "." in new else (table, new)
    rows = answers.get(table)
    if isinstance(rows, list):
        for row in rows:
            if isinstance(row, dict) and old_col in row:
                row[new_col] = row.pop(old_col)
        if new_table != table:
            answers[new_table] = answers.pop(table)


def _map_value(answers: dict, name: str, old: str, new: str) -> None:
    def mapped(value):
        if isinstance(value, list):
            return [new if str(v) == old else v for v in value]
        return new if value is not None and str(value) == old else value

    if "." in name:
        table, col = name.split(".", 1)
        for row in answers.get(table) or []:
            if isinstance(row, dict) and col in row:
                row[col] = mapped(row[col])
    elif name in answers:
        answers[name] = mapped(answers[name])


def _default(answers: dict, name: str, value: Any) -> None:
    if "." in name:
        table, col = name.split(".", 1)
        for row in answers.get(table) or []:
            if isinstance(row, dict) and not has_value(row.get(col)):
                row[col] = value
    elif not has_value(answers.get(name)):
        answers[name] = value
