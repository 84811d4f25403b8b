"""`yorisoi check`: is this profile intact?

SQLCipher's page HMACs (every page decrypts and authenticates), SQLite's own structure check,
the schema version, the audit chain and the search index are checked; each problem is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.session import Session
from storage import audit, migrations


@dataclass
class CheckReport:
    passed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(session: Session) -> CheckReport:
    report = CheckReport()
    conn = session.store.connection()
    _run(report, "暗号化ページの認証（SQLCipher HMAC）", lambda: [r[0] for r in conn.execute("PRAGMA cipher_integrity_check")])
    _run(report, "データベース構造（integrity_check）",
         lambda: [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"])
    version = migrations.current_version(conn)
    if version == migrations.LATEST:
        report.passed.append(f"スキーマの版: {version}")
    else:
        report.problems.append(f"スキーマの版が {version} です（この yorisoi は {migrations.LATEST}）。")
    _run(report, "監査ログのハッシュチェーン", lambda: audit.verify(conn))
    _run(report, "全文検索の索引", lambda: _fts(conn))
    return report


def _fts(conn) -> list[str]:
    try:
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")
    except Exception as exc:  # the FTS module reports corruption as an SQL error
        return [f"全文検索の索引が壊れています: {exc}"]
    return []


def _run(report: CheckReport, label: str, probe) -> None:
    try:
        problems = probe()
    except Exception as exc:
        problems = [f"{type(exc).__name__}: {exc}"]
    if problems:
        report.problems.extend(f"{label}: {p}" for p in problems)
    else:
        report.passed.append(label)
