"""Search across everything the index holds, as the user types: households, members, contacts,
notes, forms, case records, and the shared directory (agencies, resources, meetings, staff,
stations).

A hit shows the one piece of human text that matched — a field's text, a form's written
answer or a choice's label — never the codes, ISO dates or ids stored beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import AppError
from app.form_sources import FORM_NAMES
from app.model import FormRecord
from app.session import Service
from forms.schema import FieldDef
from storage import search

# What each kind of hit is called, and which of its fields hold text a person wrote.
_KINDS = {
    "household": ("世帯", ("name", "kana", "address", "memo", "next_action", "source_id")),
    "person": ("世帯員", ("name", "kana", "memo")),
    "contact": ("接触記録", ("summary", "body", "next_action")),
    "note": ("記録", ("text",)),
    "case": ("ケース", ("summary", "follow_up_note", "end_reason")),
    "form_record": ("様式", ()),  # answers: see _form_parts
    "consent": ("同意", ("memo",)),
    "case_event": ("経過", ("reason",)),
    "meeting_decision": ("会議の決定", ("memo",)),
    "support_decision": ("支援決定", ("memo",)),
    "watch_entry": ("状況把握", ("reason", "memo")),
    "agency": ("関係機関", ("name", "memo")),
    "resource": ("社会資源", ("name", "description")),
    "meeting": ("会議", ("title", "memo")),
    "staff": ("職員", ("name", "kana")),
    "station": ("ステーション", ("name",)),
}
# Shared records belong to no household: their own name heads the hit.
_TITLE_FIELD = {"agency": "name", "resource": "name", "meeting": "title", "staff": "name", "station": "name"}
_DATE_FIELD = {"meeting": "held_on", "form_record": "created_at"}
_HUMAN_TYPES = ("text", "longtext")


@dataclass(frozen=True)
class SearchResult:
    entity: str
    entity_id: str
    household_id: str | None
    household_name: str
    kind_label: str
    snippet: str
    spans: tuple[tuple[int, int], ...]
    at: str | None
    title: str = ""  # a shared record's own name (an agency, a meeting); "" for a household's records

    @property
    def heading(self) -> str:
        return self.household_name or self.title


class SearchService(Service):
    def find(self, query: str, *, limit: int = 50) -> list[SearchResult]:
        records = self.store.read()
        hits = search.search(self.store.index.reader(), query, limit=limit, entities=tuple(_KINDS))
        names: dict[str, str] = {}
        results = []
        for hit in hits:
            record = records.get(hit.entity, hit.entity_id)
            if record is None:
                continue
            label, text_fields = _KINDS[hit.entity]
            if hit.entity == "form_record":
                label = f"{label}（{FORM_NAMES.get(record.get('form_id') or '', record.get('form_id') or '')}）"
                parts = self._form_parts(record)
            else:
                parts = [str(record[f]) for f in text_fields if record.get(f)]
            snippet, spans = _matched_part(parts, query)
            hid = hit.household_id
            if hid and hid not in names:
                household = records.get("household", hid)
                names[hid] = household["name"] if household else ""
            title = str(record.get(_TITLE_FIELD.get(hit.entity, ""), "") or "")
            at = record.get("at") or record.get(_DATE_FIELD.get(hit.entity, ""))
            results.append(SearchResult(hit.entity, hit.entity_id, hid, names.get(hid or "", ""), label,
                                        snippet, tuple(spans), at, title))
        return results

    def count(self, query: str) -> int:
        """How many records match in all (``find`` returns at most its limit of them)."""
        return search.count(self.store.index.reader(), query, entities=tuple(_KINDS))

    def _form_parts(self, record: dict) -> list[str]:
        """The written answers and chosen labels of a form, in the order of its definition."""
        answers = record.get("answers") or {}
        filling = self.session.form_filling
        try:
            definition = filling.definition_of(FormRecord.from_record(record)) or filling.definition(record["form_id"])
        except AppError:  # a city set that cannot load: fall back to the strings that are not codes
            return [v for v in answers.values() if isinstance(v, str) and not _looks_coded(v)]
        parts: list[str] = []
        for f in _worded_fields(definition):
            value = answers.get(f.id)
            if value is not None and value != "":
                parts.extend(_human(f, value))
        return parts


_WORDED: dict[int, tuple[object, tuple[FieldDef, ...]]] = {}


def _worded_fields(definition) -> tuple[FieldDef, ...]:
    """The fields of a definition that can hold words (text, choices, tables), once per definition
    (the cache holds the definition itself, so its id is not reused while cached)."""
    cached = _WORDED.get(id(definition))
    if cached is None or cached[0] is not definition:
        fields = tuple(f for f in definition.fields() if f.is_table or f.type in (*_HUMAN_TYPES, "choice", "multichoice"))
        cached = _WORDED[id(definition)] = (definition, fields)
    return cached[1]


def _human(f: FieldDef, value) -> list[str]:
    if value is None or value == "":
        return []
    if f.is_table:
        rows = value if isinstance(value, list) else []
        return [text for row in rows if isinstance(row, dict) for col in f.columns for text in _human(col, row.get(col.id))]
    if f.type in _HUMAN_TYPES:
        return [str(value)]
    if f.type in ("choice", "multichoice"):
        return ["、".join(f.option_label(v) for v in (value if isinstance(value, list) else [value]))]
    return []  # dates, numbers, and references to people, agencies and records are ids or codes


def _looks_coded(text: str) -> bool:
    return text.isascii()


def _matched_part(parts: list[str], query: str) -> tuple[str, list[tuple[int, int]]]:
    terms = search.terms_of(query)
    for part in parts:
        snippet, spans = search.snippet(part, query, terms=terms)
        if spans:
            return snippet, spans
    return search.snippet(parts[0], query, terms=terms) if parts else ("", [])

