"""Schema 8: an index that answers the due view (期限) without reading whole forms. The view needs,
for each case's latest finished 様式1-1, 1-2 and 2-1, the plan's monitoring date and programmes
and the 緊急性; reading those out of every form's answers meant decrypting every form (kilobytes
each). The index holds exactly those values (storage/due_list.py reads them with the same
expressions, so SQLite answers from the index alone)."""

from __future__ import annotations

VERSION = 8

INDEX = (
    "CREATE INDEX form_record_due ON form_record (form_id, case_id, created_at, id, status, completed_on, deleted,"
    " json_extract(answers, '$.monitoring_on'), json_extract(answers, '$.uses_outreach'),"
    " json_extract(answers, '$.uses_participation'), json_extract(answers, '$.urgency'))"
    " WHERE form_id IN ('1-1', '1-2', '2-1')"
)


def apply(conn) -> None:
    conn.execute(INDEX)
