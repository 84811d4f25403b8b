"""The household list: one query that the desktop's list, the CLI and the demo share.

Each row carries what the list shows and filters on: the current case's stage, the fields
(高齢/障害/子ども/困窮/生活保護) of any member, the next action and the last contact. Filters
and orderings are fixed here; callers choose among them by name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

FIELD_COLUMNS = ("is_elderly", "is_disabled", "is_child", "is_hardship", "is_welfare")

_ROW_SQL = """
SELECT h.id, h.name, h.kana, h.address, h.station_id, h.lead_staff_id, h.next_action,
       h.next_action_on,
       (SELECT c.stage FROM cases AS c WHERE c.household_id = h.id AND c.deleted = 0
         ORDER BY c.opened_on DESC, c.id DESC LIMIT 1) AS stage,
       (SELECT (ifnull(max(p.is_elderly), 0) > 0) | ((ifnull(max(p.is_disabled), 0) > 0) << 1)
             | ((ifnull(max(p.is_child), 0) > 0) << 2) | ((ifnull(max(p.is_hardship), 0) > 0) << 3)
             | ((ifnull(max(p.is_welfare), 0) > 0) << 4)
          FROM person AS p WHERE p.household_id = h.id AND p.deleted = 0) AS field_mask,
       (SELECT count(*) FROM person AS p WHERE p.household_id = h.id AND p.deleted = 0) AS members,
       (SELECT max(ct.at) FROM contact AS ct WHERE ct.household_id = h.id) AS last_contact_at
  FROM household AS h
 WHERE h.deleted = 0
"""

ORDERS = {
    # own households first, then overdue, then by next action date, then by reading
    "priority": "(lead_staff_id IS NOT :me), (next_action_on IS NULL), next_action_on, kana, name, id",
    "name": "kana, name, id",
    "next_action": "(next_action_on IS NULL), next_action_on, kana, name, id",
    "last_contact": "(last_contact_at IS NULL), last_contact_at DESC, kana, name, id",
}


@dataclass(frozen=True, slots=True)  # a city's 100,000 rows in memory: no dict per row
class HouseholdRow:
    id: str
    name: str
    kana: str | None
    address: str | None
    station_id: str | None
    lead_staff_id: str | None
    next_action: str | None
    next_action_on: str | None
    stage: str | None
    field_mask: int
    members: int
    last_contact_at: str | None

    def has_field(self, column: str) -> bool:
        return bool(self.field_mask & (1 << FIELD_COLUMNS.index(column)))


@dataclass(frozen=True)
class HouseholdQuery:
    me: str | None = None  # the user's staff id, for "mine first" and `mine_only`
    mine_only: bool = False
    station_id: str | None = None
    stage: str | None = None
    field: str | None = None
    due_before: str | None = None  # next action on or before this ISO date
    ids: tuple[str, ...] | None = None
    order: str = "priority"
    limit: int | None = None
    offset: int = 0


def list_rows(conn, query: HouseholdQuery) -> list[HouseholdRow]:
    sql, params = _compose(query)
    return [HouseholdRow(*row[:9], row[9] or 0, row[10], row[11]) for row in conn.execute(sql, params)]


_FIRST_IDS = {order: ORDERS[order] for order in ("priority", "name", "next_action")}  # household columns only


def first_rows(conn, query: HouseholdQuery, size: int) -> list[HouseholdRow]:
    """The first ``size`` rows of ``list_rows(query)``, without computing the per-row columns
    (stage, fields, members, last contact) of every household: on a city's 100,000 households
    the whole list takes seconds, its first screen a few milliseconds. Orders and filters that
    need those columns fall back to the whole query, cut."""
    if query.stage or query.order not in _FIRST_IDS or query.ids is not None:
        return list_rows(conn, HouseholdQuery(**{**query.__dict__, "limit": size, "offset": 0}))
    where, params = ["deleted = 0"], {"me": query.me, "size": size}
    if query.mine_only:
        where.append("lead_staff_id = :me")
    if query.station_id:
        where.append("station_id = :station")
        params["station"] = query.station_id
    if query.due_before:
        where.append("next_action_on IS NOT NULL AND next_action_on <= :due")
        params["due"] = query.due_before
    if query.field:
        if query.field not in FIELD_COLUMNS:
            raise ValueError(f"unknown field {query.field!r}")
        where.append(f"EXISTS (SELECT 1 FROM person AS pf WHERE pf.household_id = household.id"
                     f" AND pf.deleted = 0 AND pf.{query.field} = 1)")
    ids = [r[0] for r in conn.execute(
        f"SELECT id FROM household WHERE {' AND '.join(where)} ORDER BY {_FIRST_IDS[query.order]} LIMIT :size", params)]
    return list_rows(conn, HouseholdQuery(me=query.me, ids=tuple(ids), order=query.order))


def count(conn, query: HouseholdQuery) -> int:
    sql, params = _compose(HouseholdQuery(**{**query.__dict__, "limit": None, "offset": 0, "order": "name"}))
    return conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]


def _compose(query: HouseholdQuery) -> tuple[str, dict]:
    if query.order not in ORDERS:
        raise ValueError(f"unknown order {query.order!r}")
    if query.field is not None and query.field not in FIELD_COLUMNS:
        raise ValueError(f"unknown field {query.field!r}")
    inner = _ROW_SQL
    params: dict = {"me": query.me}
    if query.mine_only:
        inner += " AND h.lead_staff_id = :me"
    if query.station_id:
        inner += " AND h.station_id = :station"
        params["station"] = query.station_id
    if query.due_before:
        inner += " AND h.next_action_on IS NOT NULL AND h.next_action_on <= :due"
        params["due"] = query.due_before
    if query.ids is not None:  # one parameter however many (SQLite caps the number of parameters)
        inner += " AND h.id IN (SELECT value FROM json_each(:ids))"
        params["ids"] = json.dumps(list(query.ids))
    if query.field:
        inner += (
            f" AND EXISTS (SELECT 1 FROM person AS pf WHERE pf.household_id = h.id"
            f" AND pf.deleted = 0 AND pf.{query.field} = 1)"
        )
    sql = f"SELECT * FROM ({inner}) WHERE 1"
    if query.stage:
        sql += " AND stage IS :stage"
        params["stage"] = query.stage
    sql += f" ORDER BY {ORDERS[query.order]}"
    if query.limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params["limit"] = query.limit
        params["offset"] = query.offset
    return sql, params
