"""yorisoi due: what is due (期限), overdue first — the worker's own, or the office's whole view."""

from __future__ import annotations

from app import display
from app.errors import InvalidInput
from app.services.due import DueQuery
from app.vocab import DueKind
from ui.cli.report import say
from ui.cli.session import opened


def register(sub, profile_arg) -> None:
    p = sub.add_parser("due", help="期限（次回予定・モニタリング・フォローアップ・会議待ちのプラン・支援決定待ち・会議）を表示する")
    profile_arg(p)
    p.add_argument("--office", action="store_true", help="事務局の一覧（全世帯）。付けないと自分の担当と出席する会議だけ")
    p.add_argument("--urgent", action="store_true", help="緊急性「高」のものだけ")
    p.add_argument("--kind", choices=tuple(k.value for k in DueKind),
                   help="種類で絞る: " + "、".join(f"{k.value}（{k.label}）" for k in DueKind))
    p.add_argument("--days", type=int, default=30, metavar="N", help="何日先の予定まで表示するか（既定 30。期限切れは常に表示）")
    p.set_defaults(handler=due)


def due(args) -> int:
    if args.days < 0:
        raise InvalidInput("--days は 0 以上にしてください。")
    with opened(args) as session:
        items = session.due.items(DueQuery(office=args.office, urgent_only=args.urgent, kind=args.kind,
                                           horizon_days=args.days))
    if not items:
        say("期限のあるものはありません。")
        return 0
    say("\t".join(("期限", "状態", "緊急性", "種類", "世帯", "内容", "世帯ID")))
    for i in items:
        state = "期限切れ" if i.overdue else ("待ち（この日から）" if i.waiting else "")
        say("\t".join((display.wareki(i.due_on) if i.due_on else "", state, i.urgency or "", DueKind(i.kind).label,
                       i.household_name, i.what.replace("\t", " ").replace("\n", " "), i.household_id or "")))
    overdue = sum(1 for i in items if i.overdue)
    say(f"{len(items)} 件（うち期限切れ {overdue} 件）")
    return 0
