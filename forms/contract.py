"""Answer keys the rest of yorisoi reads, which every definition of these forms must keep.

The case lifecycle (`app/lifecycle.py` through `app/services/form_records.py`) reads the plan's
use of outreach and participation support, its lead agency, monitoring date, goals, direction
and role assignments; the evaluation's decision; and saving a 様式1-1 records the person's
consent from its answers. A city may reword, reorder and add to its forms freely, but a
definition that renamed one of these keys would silently break those rules, so the loader
refuses it and names the missing key.
"""

from __future__ import annotations

# form id (or "id:variant") → {field id: allowed types}
REQUIRED_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "2-1": {
        "uses_outreach": ("check",),
        "uses_participation": ("check",),
        "lead_agency_id": ("agency",),
        "monitoring_on": ("date",),
        "goals": ("table",),
        "direction": ("longtext", "text"),
        "roles": ("table",),
    },
    "2-2": {
        "plan_id": ("record",),
        "decision": ("choice",),
        "achievement": ("longtext", "text"),
        "evaluated_on": ("date",),
    },
    "1-1:consent": {
        "consenter_id": ("person",),
        "consent_on": ("date",),
        "consent_method": ("choice",),
        "paper_on_file": ("check",),
        "consent_scope": ("multichoice",),
        "withdrawn_on": ("date",),
    },
}

# Columns of tables the lifecycle reads, and option codes it understands.
REQUIRED_COLUMNS: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("2-1", "roles"): {"agency_id": ("agency",), "task": ("text", "longtext"), "frequency": ("text", "choice"),
                       "lead": ("check",)},
}
REQUIRED_OPTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("2-2", "decision"): ("continue", "replan", "close", "suspend"),
    ("1-1:consent", "consent_method"): ("signed_paper", "verbal"),
}


def requirements_for(key: str, form_id: str) -> tuple[dict, dict, dict]:
    """(fields, columns, options) a definition with this key (id or id:variant) must have."""
    fields = {**REQUIRED_FIELDS.get(form_id, {}), **(REQUIRED_FIELDS.get(key, {}) if key != form_id else {})}
    columns = {name: cols for (fid, name), cols in REQUIRED_COLUMNS.items() if fid in (form_id, key)}
    options = {name: codes for (fid, name), codes in REQUIRED_OPTIONS.items() if fid in (form_id, key)}
    return fields, columns, options
