"""The household list's first screen (first_rows) is exactly the head of the whole list, for
every order and filter it serves itself, and falls back to the whole query for the rest."""

from __future__ import annotations

import pytest

from app.demo import fill
from storage.household_list import FIELD_COLUMNS, HouseholdQuery


@pytest.fixture
def demo(session):
    fill(session, households=60, seed=3)
    return session


QUERIES = [
    {}, {"order": "name"}, {"order": "next_action"}, {"mine_only": True}, {"field": "is_elderly"},
    {"due_before": "2026-01-01"}, {"stage": "intake"}, {"order": "last_contact"},
    *({"field": f} for f in FIELD_COLUMNS),
]


@pytest.mark.parametrize("extra", QUERIES)
def test_the_first_screen_is_the_head_of_the_whole_list(demo, extra):
    query = HouseholdQuery(me=demo.me, **extra)
    whole = demo.households.rows(query)
    for size in (1, 7, 500):
        assert demo.households.first_rows(query, size) == whole[:size]


def test_a_station_filter(demo):
    station = demo.directory.stations()[0].id
    query = HouseholdQuery(me=demo.me, station_id=station)
    assert demo.households.first_rows(query, 10) == demo.households.rows(query)[:10]
