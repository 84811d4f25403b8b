"""Schema 9: the office runs its meetings. A city's own meeting kinds (each mapped to one of the
three rule classes), a sitting's parts and agenda, what a meeting decided beyond the step itself
(discussion notes, the next review date, a new lead agency and roles, a follow-up date, when the
decision was applied to the case) and the number of the city's 支援決定.

The agenda names households only by id: what a meeting says about a household is written into
that household's records (its own vault), never into the meeting's."""

from __future__ import annotations

VERSION = 9

_COLUMNS = {
    "meeting": ("kind_id", "parts", "agenda"),
    "meeting_decision": ("part", "notes", "next_review_on", "lead_agency_id", "roles", "follow_up_on",
                         "applied_on", "applied_by", "refusal"),
    "support_decision": ("number", "meeting_decision_id"),
}


MONITORING_ON = "iif(json_valid(answers), json_extract(answers, '$.monitoring_on'), NULL)"
EVALUATED_PLAN = "iif(json_valid(answers), json_extract(answers, '$.plan_id'), NULL)"
EVALUATION = "iif(json_valid(answers), json_extract(answers, '$.decision'), NULL)"


def apply(conn) -> None:
    conn.execute(
        "CREATE TABLE meeting_kind (id TEXT PRIMARY KEY, vault_id TEXT NOT NULL, clocks TEXT NOT NULL, "
        "deleted INTEGER NOT NULL DEFAULT 0, name, rule, members, recurrence, sort_order, active, memo, "
        "source, source_id)"
    )
    for table, columns in _COLUMNS.items():
        for column in columns:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
    conn.execute("CREATE INDEX meeting_held ON meeting(held_on)")
    # An agenda proposal reads every case's current plan and evaluation: covering indexes keep it
    # off the form pages (their answers are large). The JSON is read only when it is JSON, so a
    # damaged value can never make a write fail here.
    conn.execute("CREATE INDEX cases_current ON cases(household_id, opened_on, id, stage, route, "
                 "referring_agency_id, follow_up_on) WHERE deleted = 0")
    conn.execute("CREATE INDEX form_record_plan_due ON form_record(form_id, case_id, created_at, status, id, "
                 f"{MONITORING_ON}) WHERE deleted = 0")
    conn.execute("CREATE INDEX form_record_evaluation ON form_record(form_id, created_at, case_id, status, "
                 f"{EVALUATED_PLAN}, {EVALUATION}, completed_on) WHERE deleted = 0")
    conn.execute("CREATE INDEX meeting_decision_due ON meeting_decision(case_id, decided_on, kind, plan_id, outcome, "
                  "next_review_on, meeting_id) WHERE deleted = 0")
    conn.execute("CREATE INDEX consent_latest ON consent(case_id, on_date, stamp, action, method, paper_on_file)")
    conn.execute("CREATE INDEX household_name ON household(id, name)")
    conn.execute("CREATE INDEX meeting_decision_review ON meeting_decision(next_review_on) "
                 "WHERE next_review_on IS NOT NULL")
