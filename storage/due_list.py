"""The rows the due view (app/services/due.py) is made from, read in a handful of queries so
the office's view over a city's 10,000 households stays well under 100 ms.

Each function returns plain tuples; what they mean (which date is due, what is overdue) is the
app's business. Form answers are read with json_extract on the keys the caller names.
"""

from __future__ import annotations


def households(conn) -> list[tuple]:
    """(id, name, lead_staff_id, station_id, next_action, next_action_on) of every household."""
    return conn.execute(
        "SELECT id, name, lead_staff_id, station_id, next_action, next_action_on FROM household WHERE deleted = 0"
    ).fetchall()


def current_cases(conn) -> list[tuple]:
    """(household_id, case id, stage, urgency, follow_up_on, follow_up_note, lead_staff_id) of each
    household's latest case (by opening date, then id)."""
    latest: dict[str, tuple] = {}
    for row in conn.execute("SELECT household_id, id, stage, urgency, follow_up_on, follow_up_note, lead_staff_id,"
                            " ifnull(opened_on, '') FROM cases WHERE deleted = 0"):
        kept = latest.get(row[0])
        if kept is None or (row[7], row[1]) > (kept[7], kept[1]):
            latest[row[0]] = row
    return [row[:7] for row in latest.values()]


# The expressions of the index of schema 8, so that SQLite answers from the index alone.
LATEST_FORMS_SQL = (
    "SELECT case_id, form_id, id, status, completed_on, json_extract(answers, '$.monitoring_on'),"
    " json_extract(answers, '$.uses_outreach'), json_extract(answers, '$.uses_participation'),"
    " json_extract(answers, '$.urgency'), ifnull(created_at, ''), rowid FROM form_record"
    " WHERE form_id IN ('1-1', '1-2', '2-1') AND case_id IS NOT NULL AND deleted = 0"
    " AND status NOT IN ('draft', 'superseded')"
)


def latest_forms(conn) -> list[tuple]:
    """(case_id, form_id, id, status, completed_on, monitoring_on, uses_outreach, uses_participation,
    urgency) of each case's latest finished (not draft, not superseded) 様式1-1, 1-2 and 2-1. Read
    from the index of schema 8 (storage/migrations/m0008_due_index.py): the same expressions, so no
    form's answers are decrypted."""
    latest: dict[tuple, tuple] = {}
    for row in conn.execute(LATEST_FORMS_SQL):
        key = (row[0], row[1])
        kept = latest.get(key)
        if kept is None or (row[9], row[10]) > (kept[9], kept[10]):  # written last (as FormRecordService)
            latest[key] = row
    return [row[:9] for row in latest.values()]


def decided_plans(conn) -> set[str]:
    """Plans the city has decided (支援決定) or been told of."""
    return {r[0] for r in conn.execute("SELECT DISTINCT plan_id FROM support_decision WHERE deleted = 0")}


def watch_checks(conn) -> list[tuple]:
    """(household_id, next_check_on, reason, liaison_staff_id) of active 状況把握 entries."""
    return conn.execute(
        "SELECT household_id, next_check_on, reason, liaison_staff_id FROM watch_entry"
        " WHERE deleted = 0 AND ifnull(active, 1) != 0 AND next_check_on IS NOT NULL"
    ).fetchall()


def meetings_from(conn, day: str) -> list[tuple]:
    """(id, kind, held_on, title, attendees JSON) of meetings on or after ``day`` not yet held."""
    return conn.execute(
        "SELECT id, kind, held_on, title, attendees FROM meeting WHERE deleted = 0 AND held_on >= ?"
        " AND ifnull(status, 'planned') != 'held' ORDER BY held_on",
        (day,),
    ).fetchall()


def reviews(conn) -> list[tuple]:
    """(household_id, case_id, next_review_on) that meetings set (once the meetings schema has the
    column; before it, nothing)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(meeting_decision)")}
    if "next_review_on" not in columns:
        return []
    return conn.execute(
        "SELECT household_id, case_id, max(next_review_on) FROM meeting_decision"
        " WHERE deleted = 0 AND next_review_on IS NOT NULL GROUP BY household_id, case_id"
    ).fetchall()
