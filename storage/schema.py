"""What the store holds, described once for the record layer, search and sync.

Two kinds of record:

* register records (household, person, case, …) merge field by field, last writer wins
  by stamp. Each row carries ``clocks``: a JSON object from field name to the stamp that
  last set it; the key ``""`` is the stamp of every field not named. A *map* field (form
  answers, meeting attendees) is a JSON object merged key by key, its clocks named
  ``field.key``. ``deleted`` is a tombstone like any other field.
* append-only records (contact, note, consent, case_event) are written once and never
  changed: a correction is a new record whose ``amends`` names the one it corrects.

Migrations hold their own frozen SQL; a test checks that the tables they build match this
description.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entity:
    name: str
    table: str
    fields: tuple[str, ...]
    append_only: bool = False
    maps: tuple[str, ...] = ()
    text_fields: tuple[str, ...] = ()
    # The column naming the household a record belongs to ("id" for the household itself);
    # None for shared records (stations, agencies, resources, meetings).
    household_key: str | None = "household_id"
    # Fields indexed for search with their spaces removed too, so 山田太郎 finds 山田 太郎.
    name_fields: tuple[str, ...] = ()
    # Fields holding a list or object, stored as JSON text.
    json_fields: tuple[str, ...] = ()
    # The kind of vault a record lives in: its household's, or one of the shared vaults.
    vault_kind: str = "household"
    # Fields naming who wrote the record (a staff id): the gate holds them to the signer's account.
    author_fields: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        if self.append_only:
            return ("id", "vault_id", "stamp", *self.fields)
        return ("id", "vault_id", "clocks", "deleted", *self.fields)


# Every record can say where an import took it from: the source and its id there (元の番号).
SOURCE_FIELDS = " source source_id"


def _register(name: str, fields: str, table: str | None = None, added: str = "", **kw) -> Entity:
    """``added``: fields a later schema added, after the source fields (the table's column order)."""
    return Entity(name=name, table=table or name, fields=tuple((fields + SOURCE_FIELDS + " " + added).split()), **kw)


def _append(name: str, fields: str, **kw) -> Entity:
    return Entity(name=name, table=name, fields=tuple((fields + SOURCE_FIELDS).split()), append_only=True, **kw)


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        _register("station", "name area sort_order", added="active", household_key=None, text_fields=("name",),
                  vault_kind="directory"),
        _register(
            "staff",
            "name kana station_id agency_id role login active",
            household_key=None,
            text_fields=("name", "kana"),
            name_fields=("name", "kana"),
            vault_kind="directory",
        ),
        _register("agency", "name kind phone address memo", added="area station_id contact_person active", household_key=None,
                  text_fields=("name", "memo", "contact_person"), vault_kind="directory"),
        _register(
            "resource",
            "name kind area address contact description station_id active",
            household_key=None,
            text_fields=("name", "description"),
            vault_kind="resources",
        ),
        _register(
            "household",
            "name kana address phone station_id lead_staff_id next_action next_action_on memo created_on",
            household_key="id",
            text_fields=("name", "kana", "address", "memo", "next_action", "source_id"),  # 元の番号 finds it
            name_fields=("name", "kana"),
        ),
        _register(
            "person",
            "household_id name kana birth_date relation sex is_elderly is_disabled is_child "
            "is_hardship is_welfare phone memo",
            text_fields=("name", "kana", "memo"),
            name_fields=("name", "kana"),
        ),
        _register(
            "case",
            "household_id principal_id stage route referring_agency_id lead_agency_id lead_staff_id "
            "opened_on summary urgency follow_up_on follow_up_note ended_on end_reason",
            table="cases",
            text_fields=("summary", "follow_up_note", "end_reason"),
        ),
        _register(
            "form_record",
            "household_id case_id form_id form_version status answers created_at completed_on "
            "signed_by signed_on",
            maps=("answers",),
            text_fields=("answers",),
        ),
        _register(
            "meeting_kind",  # a city's own kind of meeting, mapped to one rule class
            "name rule members recurrence sort_order active memo",
            maps=("members",),
            household_key=None,
            vault_kind="meetings",
            text_fields=("name",),
        ),
        _register(
            "meeting",
            "kind held_on title place chair attendees memo status",
            added="kind_id parts agenda",
            maps=("attendees", "agenda"),
            household_key=None,
            text_fields=("title", "memo"),
            json_fields=("parts",),
            vault_kind="meetings",
        ),
        _register(
            "meeting_decision",
            "household_id meeting_id case_id kind plan_id outcome decided_on memo",
            added="part notes next_review_on lead_agency_id roles follow_up_on applied_on applied_by refusal",
            text_fields=("memo", "notes"),
            json_fields=("roles",),
        ),
        _register(
            "support_decision",
            "household_id case_id plan_id kind decided_on decided_by outreach participation memo",
            added="number meeting_decision_id",
            text_fields=("memo",),
        ),
        _register(
            "watch_entry",
            "household_id reason since next_check_on liaison_staff_id active memo",
            text_fields=("reason", "memo"),
        ),
        _append(
            "consent",
            "household_id case_id person_id action on_date method paper_on_file scope recorded_by "
            "memo amends",
            text_fields=("memo",),
            json_fields=("scope",),
            author_fields=("recorded_by",),
        ),
        _append(
            "contact",
            "household_id case_id at kind outcome present summary body next_action next_action_on "
            "staff_id amends",
            text_fields=("summary", "body", "next_action"),
            json_fields=("present",),
            author_fields=("staff_id",),
        ),
        _append("note", "household_id case_id at text staff_id amends", text_fields=("text",),
                author_fields=("staff_id",)),
        _append(
            "case_event",
            "household_id case_id at action from_stage to_stage reason decision_id staff_id",
            text_fields=("reason",),
            author_fields=("staff_id",),
        ),
    )
}


def entity(name: str) -> Entity:
    try:
        return ENTITIES[name]
    except KeyError:
        raise KeyError(f"unknown entity {name!r}") from None
