"""`yorisoi check`: is this profile intact?

SQLCipher's page HMACs (every page decrypts and authenticates), SQLite's own structure check,
the schema version, the audit chain and the search index are checked; each problem is one
short line in Japanese, with details counted rather than dumped. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.session import Session
from storage import audit, integrity, migrations, search_index
from storage.errors import DamagedPages, DamagedProfile

HMAC = "暗号化ページの認証（SQLCipher HMAC）"
STRUCTURE = "データベース構造（integrity_check）"
UNREADABLE = "壊れたページがあるため確かめられません"
SHOWN_PAGES = 5

# Where damage sits, in the words of the people who will phone the office about it.
_TABLE_LABELS = {
    "household": "世帯", "person": "世帯員", "cases": "ケース", "consent": "同意", "contact": "接触記録",
    "note": "記録", "form_record": "様式", "meeting": "会議", "meeting_decision": "会議の決定",
    "support_decision": "支援決定", "watch_entry": "状況把握", "case_event": "ケースの経過",
    "agency": "関係機関", "resource": "社会資源", "staff": "職員", "station": "ステーション",
    "audit": "監査ログ", "draft": "下書き", "meta": "設定", "change": "同期待ちの変更",
}


@dataclass
class CheckReport:
    passed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(session: Session) -> CheckReport:
    report = CheckReport()
    store = session.store
    with store.separate_connection() as conn:
        damaged = integrity.failed_pages(conn)
    if damaged:
        report.problems.append(f"{HMAC}: {_pages(damaged)}")
    else:
        report.passed.append(HMAC)
    _structure(report, store, damaged)
    _probe(report, store, "スキーマの版", _schema)
    _probe(report, store, "監査ログのハッシュチェーン", audit.verify)
    _index(report, store)
    return report


def require_intact(session: Session) -> None:
    """Refuse to work on a profile with a page that fails its HMAC: a search or an export
    would otherwise return what it happened to read and say nothing of what it could not."""
    with session.store.separate_connection() as conn:
        damaged = integrity.failed_pages(conn)
    if damaged:
        raise DamagedPages(str(session.store.path), len(damaged))


def _pages(pages: list[int]) -> str:
    shown = "、".join(str(p) for p in pages[:SHOWN_PAGES] if p)
    more = f" ほか {len(pages) - SHOWN_PAGES} ページ" if len(pages) > SHOWN_PAGES else ""
    return f"{len(pages)} ページが壊れているか書き換えられています（ページ {shown}{more}）"


def _structure(report: CheckReport, store, damaged: list[int]) -> None:
    with store.separate_connection() as conn:
        found = integrity.structure(conn, damaged)
    if not found.problems:
        report.passed.append(STRUCTURE)
        return
    where = "、".join(sorted({_label(t) for t in found.tables}))
    report.problems.append(f"{STRUCTURE}: 問題 {found.problems} 件" + (f"（壊れている場所: {where}）" if where else ""))


def _label(table: str) -> str:
    if table.startswith("search_"):
        return "全文検索の索引"
    if table.startswith("sync_"):
        return "同期の記録"
    return _TABLE_LABELS.get(table, "その他")


def _schema(conn) -> list[str]:
    version = migrations.current_version(conn)
    if version != migrations.LATEST:
        return [f"版が {version} です（この yorisoi は {migrations.LATEST}）"]
    return []


def _index(report: CheckReport, store) -> None:
    """The index file (search.db): its pages and FTS5's own check. It is rebuilt from the records
    when the profile opens, so a problem there loses nothing."""
    _record(report, "全文検索の索引（search.db）", lambda: search_index.check(store.index))


def _probe(report: CheckReport, store, label: str, probe) -> None:
    def read():
        with store.separate_connection() as conn:
            return probe(conn)

    _record(report, label, read)


def _record(report: CheckReport, label: str, read) -> None:
    """Damage while reading is itself the finding; any other error is a bug and goes up."""
    try:
        problems = read()
    except DamagedProfile:
        problems = [UNREADABLE]
    except Exception as exc:
        if not integrity.is_damage(exc):
            raise
        problems = [UNREADABLE]
    if problems:
        report.problems.extend(f"{label}: {p}" for p in problems)
    else:
        report.passed.append(label)
