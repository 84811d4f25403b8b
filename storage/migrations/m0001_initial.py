"""Schema 1: the directory, households and cases, append-only records, change capture,
search and the audit chain."""

from __future__ import annotations

VERSION = 1

# (table, fields, append_only) exactly as released in schema 1.
_REGISTER = {
    "station": "name area sort_order",
    "staff": "name kana station_id agency_id role login active",
    "agency": "name kind phone address memo",
    "resource": "name kind area address contact description station_id active",
    "household": "name kana address phone station_id lead_staff_id next_action next_action_on memo created_on",
    "person": "household_id name kana birth_date relation sex is_elderly is_disabled is_child "
    "is_hardship is_welfare phone memo",
    "cases": "household_id principal_id stage route referring_agency_id lead_agency_id lead_staff_id "
    "opened_on summary urgency follow_up_on follow_up_note ended_on end_reason",
    "form_record": "household_id case_id form_id form_version status answers created_at completed_on "
    "signed_by signed_on",
    "meeting": "kind held_on title place chair attendees memo status",
    "meeting_decision": "household_id meeting_id case_id kind plan_id outcome decided_on memo",
    "support_decision": "household_id case_id plan_id kind decided_on decided_by outreach participation memo",
    "watch_entry": "household_id reason since next_check_on liaison_staff_id active memo",
}
_APPEND = {
    "consent": "household_id case_id person_id action on_date method paper_on_file scope recorded_by memo amends",
    "contact": "household_id case_id at kind outcome present summary body next_action next_action_on staff_id amends",
    "note": "household_id case_id at text staff_id amends",
    "case_event": "household_id case_id at action from_stage to_stage reason decision_id staff_id",
}
_INDEXES = (
    "CREATE INDEX household_station ON household(station_id)",
    "CREATE INDEX household_lead ON household(lead_staff_id)",
    "CREATE INDEX household_next ON household(next_action_on)",
    "CREATE INDEX person_household ON person(household_id)",
    "CREATE INDEX cases_household ON cases(household_id)",
    "CREATE INDEX cases_stage ON cases(stage)",
    "CREATE INDEX form_record_case ON form_record(case_id, form_id)",
    "CREATE INDEX form_record_household ON form_record(household_id)",
    "CREATE INDEX meeting_decision_case ON meeting_decision(case_id)",
    "CREATE INDEX meeting_decision_meeting ON meeting_decision(meeting_id)",
    "CREATE INDEX support_decision_case ON support_decision(case_id)",
    "CREATE INDEX watch_entry_household ON watch_entry(household_id)",
    "CREATE INDEX consent_case ON consent(case_id)",
    "CREATE INDEX contact_household ON contact(household_id, at)",
    "CREATE INDEX note_household ON note(household_id, at)",
    "CREATE INDEX case_event_case ON case_event(case_id)",
    "CREATE INDEX staff_station ON staff(station_id)",
)


def apply(conn) -> None:
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
    for table, fields in _REGISTER.items():
        cols = ", ".join(fields.split())
        conn.execute(
            f"CREATE TABLE {table} (id TEXT PRIMARY KEY, vault_id TEXT NOT NULL, "
            f"clocks TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, {cols})"
        )
    for table, fields in _APPEND.items():
        cols = ", ".join(fields.split())
        conn.execute(
            f"CREATE TABLE {table} (id TEXT PRIMARY KEY, vault_id TEXT NOT NULL, "
            f"stamp TEXT NOT NULL, {cols})"
        )
    for sql in _INDEXES:
        conn.execute(sql)
    # Change capture: one row per local write, in the write's own transaction. The row names
    # the fields; their values and clocks are read from the record when it is sent.
    conn.execute(
        "CREATE TABLE change (seq INTEGER PRIMARY KEY, stamp TEXT NOT NULL, entity TEXT NOT NULL, "
        "entity_id TEXT NOT NULL, vault_id TEXT NOT NULL, fields TEXT NOT NULL, "
        "pushed INTEGER NOT NULL DEFAULT 0)"
    )
    conn.execute("CREATE INDEX change_unpushed ON change(seq) WHERE pushed = 0")
    # Search: one document per record; the FTS table keeps no copy of the text.
    conn.execute(
        "CREATE TABLE search_doc (rowid INTEGER PRIMARY KEY, entity TEXT NOT NULL, "
        "entity_id TEXT NOT NULL, household_id TEXT, UNIQUE (entity, entity_id))"
    )
    conn.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(body, tokenize = 'trigram', "
        "content = '', contentless_delete = 1)"
    )
    conn.execute("CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row')")
    conn.execute(
        "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, "
        "action TEXT NOT NULL, entity TEXT, entity_id TEXT, household_id TEXT, detail TEXT, "
        "hash TEXT NOT NULL)"
    )
    conn.execute("CREATE INDEX audit_household ON audit(household_id)")
