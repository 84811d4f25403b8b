"""What could be due at a meeting, read in a few set-wise queries (a city's 10,000 households
within the 100 ms an agenda proposal may take). `app.services.agenda` judges the rows."""

from __future__ import annotations

from dataclasses import dataclass

from storage.migrations.m0009_meetings import EVALUATED_PLAN, EVALUATION, MONITORING_ON

# Each household's current case that could be due by :on, with its current plan (the latest
# finished 2-1: a draft never counts, nor a superseded one). Only candidates come back; the
# expressions match schema 9's covering indexes exactly, so the large form pages are not read.
_CANDIDATES = f"""
WITH cur AS (
  SELECT c.id, c.household_id, c.stage, c.route, c.referring_agency_id, c.follow_up_on
    FROM cases AS c
   WHERE c.deleted = 0
     AND NOT EXISTS (SELECT 1 FROM cases AS n WHERE n.household_id = c.household_id AND n.deleted = 0
                       AND (n.opened_on > c.opened_on OR (n.opened_on = c.opened_on AND n.id > c.id)))),
plan AS (
  SELECT f.case_id, f.id, f.status, {MONITORING_ON} AS monitoring_on
    FROM form_record AS f
   WHERE f.deleted = 0 AND f.form_id = '2-1' AND f.status IN ('complete', 'approved', 'confirmed')
     AND NOT EXISTS (
       SELECT 1 FROM form_record AS g
        WHERE g.deleted = 0 AND g.form_id = '2-1' AND g.case_id = f.case_id
          AND g.status IN ('complete', 'approved', 'confirmed')
          AND (g.created_at > f.created_at
               OR (g.created_at = f.created_at AND (g.status = 'complete') > (f.status = 'complete'))
               OR (g.created_at = f.created_at AND (g.status = 'complete') = (f.status = 'complete')
                   AND g.id > f.id))))
SELECT cur.id, cur.household_id, cur.stage, cur.route, cur.referring_agency_id, cur.follow_up_on,
       plan.id, plan.status, plan.monitoring_on
  FROM cur LEFT JOIN plan ON plan.case_id = cur.id
 WHERE plan.status = 'complete'
    OR (cur.stage = 'in_support' AND plan.monitoring_on <= :on)
    OR (cur.stage = 'intake' AND (cur.route = 'agency' OR cur.referring_agency_id IS NOT NULL))
    OR (cur.stage = 'closed' AND cur.follow_up_on <= :on)
    OR cur.id IN (SELECT e.case_id FROM form_record AS e
                   WHERE e.deleted = 0 AND e.form_id = '2-2' AND e.status != 'draft'
                     AND {EVALUATION} IN ('close', 'suspend'))
    OR cur.id IN (SELECT d.case_id FROM meeting_decision AS d WHERE d.deleted = 0 AND d.next_review_on <= :on)
"""

_EVALUATIONS = f"""
SELECT f.case_id, {EVALUATED_PLAN}, {EVALUATION}, coalesce(f.completed_on, substr(f.created_at, 1, 10))
  FROM form_record AS f
 WHERE f.deleted = 0 AND f.form_id = '2-2' AND f.status != 'draft'
 ORDER BY f.created_at
"""

_DECISIONS = """
SELECT d.case_id, d.kind, d.plan_id, d.outcome, d.decided_on, d.next_review_on, d.meeting_id
  FROM meeting_decision AS d WHERE d.deleted = 0 AND d.case_id IN ({marks})
"""

# The latest consent record per case decides (a later one, or a correction, overrides).
_CONSENT = """
SELECT case_id, action, method, paper_on_file FROM (
  SELECT case_id, action, method, paper_on_file,
         ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY on_date DESC, stamp DESC) AS n
    FROM consent WHERE case_id IN ({marks})) WHERE n = 1
"""
CHUNK = 500


def _chunks(ids):
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        yield chunk, ",".join("?" * len(chunk))


@dataclass(frozen=True, slots=True)
class CaseRow:
    case_id: str
    household_id: str
    stage: str
    route: str | None
    referring_agency_id: str | None
    follow_up_on: str | None
    plan_id: str | None
    plan_status: str | None
    monitoring_on: str | None


@dataclass(frozen=True, slots=True)
class DecisionRow:
    case_id: str
    kind: str
    plan_id: str | None
    outcome: str
    decided_on: str | None
    next_review_on: str | None
    meeting_id: str


def candidates(conn, on: str) -> list[CaseRow]:
    """The current cases that may be due by ``on`` (the rules in app.services.agenda decide)."""
    return [CaseRow(*row) for row in conn.execute(_CANDIDATES, {"on": on})]


def evaluations(conn) -> dict[str, tuple[str | None, str | None, str | None]]:
    """case id → (plan id, decision, date) of its latest finished 2-2."""
    return {row[0]: tuple(row[1:]) for row in conn.execute(_EVALUATIONS)}


def decisions(conn, case_ids) -> dict[str, list[DecisionRow]]:
    out: dict[str, list[DecisionRow]] = {}
    for chunk, marks in _chunks(case_ids):
        for row in conn.execute(_DECISIONS.format(marks=marks), chunk):
            out.setdefault(row[0], []).append(DecisionRow(*row))
    for rows in out.values():
        rows.sort(key=lambda d: d.decided_on or "")
    return out


def consented(conn, case_ids) -> set[str]:
    """Of these cases, those whose latest consent is given on a signed 様式1-1 kept on file."""
    out = set()
    for chunk, marks in _chunks(case_ids):
        out |= {row[0] for row in conn.execute(_CONSENT.format(marks=marks), chunk)
                if row[1] == "given" and row[2] == "signed_paper" and row[3]}
    return out


def household_names(conn, ids) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk, marks in _chunks(ids):
        out.update(conn.execute(f"SELECT id, name FROM household WHERE id IN ({marks})", chunk).fetchall())
    return out


def approved_plans(conn) -> list[tuple[str, str, str]]:
    """(household id, case id, plan id) of plans a meeting approved that wait for a 支援決定."""
    return conn.execute("SELECT household_id, case_id, id FROM form_record WHERE deleted = 0 AND form_id = '2-1' "
                        "AND status = 'approved' ORDER BY completed_on").fetchall()
