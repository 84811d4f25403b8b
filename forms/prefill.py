"""Pre-filling a new form from what is already known.

A field names its source in the definition: ``prefill = "principal.name"`` (the household's
records), ``prefill = "1-2.wishes"`` (the latest finished assessment), ``prefill = "today"``.
The app gathers the sources into one flat dict (``"1-2.wishes" → "…"``); this module only
copies values into empty fields, so it never overwrites what a user typed. A table filled
from another table keeps the columns both have (the plan's goals become the rows of the
evaluation's goal review).
"""

from __future__ import annotations

from typing import Any

from forms.schema import FieldDef, FormDefinition, has_value
from forms.validation import rows_of


def prefill(definition: FormDefinition, answers: dict[str, Any], sources: dict[str, Any]) -> dict[str, Any]:
    """``answers`` with empty fields filled from ``sources``; returns a new dict."""
    out = dict(answers)
    for f in definition.fields():
        if not f.prefill or has_value(out.get(f.id)):
            continue
        value = sources.get(f.prefill)
        if not has_value(value):
            continue
        fitted = fit(f, value)
        if has_value(fitted):
            out[f.id] = fitted
    return out


def fit(f: FieldDef, value: Any) -> Any:
    """A source value shaped for the field, or None when it does not fit."""
    if f.is_table:
        wanted = {c.id for c in f.columns}
        rows = [{k: v for k, v in row.items() if k in wanted} for row in rows_of(f, value)]
        return [r for r in rows if any(has_value(v) for v in r.values())]
    if f.type == "multichoice":
        codes = {o.value for o in f.options}
        picked = value if isinstance(value, list) else [value]
        return [str(v) for v in picked if str(v) in codes]
    if f.type == "choice":
        return str(value) if str(value) in {o.value for o in f.options} else None
    if f.type == "check":
        return bool(value)
    if isinstance(value, list):  # e.g. a multi-choice answer copied into a text box
        return "、".join(str(v) for v in value)
    return value
