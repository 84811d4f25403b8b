"""Search across households, members, contacts, notes and forms, as the user types."""

from __future__ import annotations

from dataclasses import dataclass

from app.session import Service
from storage import search

# What each kind of hit shows, and which field holds its text.
_KINDS = {
    "household": ("世帯", ("name", "address", "memo", "next_action")),
    "person": ("世帯員", ("name", "kana", "memo")),
    "contact": ("接触記録", ("summary", "body", "next_action")),
    "note": ("記録", ("text",)),
    "case": ("ケース", ("summary", "follow_up_note", "end_reason")),
    "form_record": ("様式", ("answers",)),
    "consent": ("同意", ("memo",)),
    "case_event": ("経過", ("reason",)),
    "meeting_decision": ("会議の決定", ("memo",)),
    "support_decision": ("支援決定", ("memo",)),
    "watch_entry": ("状況把握", ("reason", "memo")),
}


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


class SearchService(Service):
    def find(self, query: str, *, limit: int = 50) -> list[SearchResult]:
        records = self.store.read()
        hits = search.search(records.conn, query, limit=limit, entities=tuple(_KINDS))
        names: dict[str, str] = {}
        results = []
        for hit in hits:
            record = records.get(hit.entity, hit.entity_id)
            if record is None:
                continue
            label, text_fields = _KINDS[hit.entity]
            text = _text_of(record, text_fields)
            snippet, spans = search.snippet(text, query)
            hid = hit.household_id
            if hid and hid not in names:
                household = records.get("household", hid)
                names[hid] = household["name"] if household else ""
            results.append(SearchResult(hit.entity, hit.entity_id, hid, names.get(hid or "", ""), label,
                                        snippet, tuple(spans), record.get("at")))
        return results


def _text_of(record: dict, fields: tuple[str, ...]) -> str:
    parts = []
    for name in fields:
        value = record.get(name)
        if isinstance(value, dict):
            parts.extend(str(v) for v in value.values() if isinstance(v, str) and v)
        elif value:
            parts.append(str(value))
    return " / ".join(parts)
