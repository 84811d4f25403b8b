"""`yorisoi meeting …` and `yorisoi decision …`: the office's meetings from the command line.

A meeting is named by its id or a unique beginning of it (4 characters or more), a household by
its id or its 元の番号, an agency by its name. Case details of a 支援会議 are printed only once
every attendee has acknowledged the duty of confidentiality (法106条の6).
"""

from __future__ import annotations

from app import display
from app.errors import InvalidInput, NotFound
from app.services.meeting_kinds import describe_recurrence
from app.services.meetings import CONFIDENTIALITY_TEXT
from app.vocab import AgendaReason, AttendeeRole, DecisionKind, DecisionOutcome, MeetingKind
from ui.cli.report import say
from ui.cli.session import opened

RULES = tuple(k.value for k in MeetingKind)
WEEKDAYS = "月火水木金土日"


def add_parsers(sub, profile, parser_class) -> None:
    def action(actions, name: str, handler, help: str, *, meeting: bool = False):
        a = actions.add_parser(name, help=help)
        profile(a)
        if meeting:
            a.add_argument("meeting", metavar="会議ID")
        a.set_defaults(handler=handler)
        return a

    p = sub.add_parser("meeting", help="会議（支援会議・重層的支援会議・代表者会議と市独自の会議）")
    actions = p.add_subparsers(dest="meeting_action", parser_class=parser_class, required=True, metavar="操作")

    action(actions, "kinds", kinds, "会議の種類と決まり・周期・常任の構成員を表示する")

    a = action(actions, "kind-add", kind_add, "市独自の会議の種類を加える（実務者会議など。決まりを選ぶ）")
    a.add_argument("name", metavar="名前")
    a.add_argument("--rule", required=True, choices=RULES,
                   help="従う決まり: support（支援会議・同意なしも可）, coordination（同意のあるケース）, "
                        "representatives（個別ケースなし）")
    a.add_argument("--monthly", metavar="日|第n:曜日", help="毎月の開催日（例: 10、2:火 は毎月第2火曜日）")

    a = action(actions, "members", members, "会議の種類の常任の構成員と周期を設定する（今の構成員と置き換え）")
    a.add_argument("kind", metavar="種類", help="support / coordination / representatives か、市独自の種類の ID")
    a.add_argument("--member", action="append", default=[], metavar="氏名:立場[:機関[:利用者名]]",
                   help="立場は city, coordinator, agency, person, expert（何度でも）")
    a.add_argument("--monthly", metavar="日|第n:曜日", help="毎月の開催日（例: 10、2:火）")

    a = action(actions, "schedule", schedule, "周期に従って会議の予定を作る（常任の構成員を出席予定に）")
    a.add_argument("kind", metavar="種類")
    a.add_argument("--from", dest="start", required=True, metavar="日付")
    a.add_argument("--count", type=int, default=12, metavar="N", help="回数（既定 12）")
    a.add_argument("--with", dest="parts", action="append", choices=RULES,
                   help="同時に開く会議（例: --with coordination で支援会議と重層的支援会議を同時開催）")

    a = action(actions, "new", new, "会議を1回作る")
    a.add_argument("kind", metavar="種類")
    a.add_argument("date", metavar="開催日", help="2025-06-10 や R7.6.10")
    a.add_argument("--with", dest="parts", action="append", choices=RULES, help="同時に開く会議")
    a.add_argument("--title", metavar="名称")
    a.add_argument("--place", metavar="場所")
    a.add_argument("--chair", metavar="議長")

    action(actions, "list", list_, "これからの会議と過去の会議（結果つき）")

    action(actions, "show", show, "会議の出席・守秘義務の確認・議題・決定を表示する", meeting=True)

    a = action(actions, "propose", propose, "開催日までに検討が必要な世帯を議題の案として示す", meeting=True)
    a.add_argument("--add", action="store_true", help="案をすべて議題に加える")

    a = action(actions, "agenda", agenda, "議題に世帯を加える・外す・順番を動かす", meeting=True)
    group = a.add_mutually_exclusive_group(required=True)
    group.add_argument("--add", metavar="世帯")
    group.add_argument("--remove", metavar="世帯")
    group.add_argument("--up", metavar="世帯")
    group.add_argument("--down", metavar="世帯")

    a = action(actions, "attend", attend, "出席者を加える", meeting=True)
    a.add_argument("--name", required=True, metavar="氏名")
    a.add_argument("--role", default="agency", choices=tuple(r.value for r in AttendeeRole), help="立場")
    a.add_argument("--agency", metavar="機関名")
    a.add_argument("--login", metavar="利用者名", help="同期の利用者名（支援会議の世帯を受け取る）")

    a = action(actions, "acknowledge", acknowledge, "出席者の守秘義務（社会福祉法第106条の6）の確認を記録する", meeting=True)
    a.add_argument("name", metavar="出席者の氏名")
    a.add_argument("--yes", action="store_true", help="条文を読み上げ、本人が確認したことを記録する")

    action(actions, "apply", apply, "会議の決定をケースに反映する（段階・プラン・主担当・日付）", meeting=True)

    a = action(actions, "pdf", pdf, "議題（次第）または議事録を PDF にする", meeting=True)
    a.add_argument("--minutes", action="store_true", help="議事録（既定は議題）")
    a.add_argument("--out", required=True, metavar="FILE.pdf")

    p = sub.add_parser("decision", help="会議での世帯ごとの決定と、市の支援決定")
    actions = p.add_subparsers(dest="decision_action", parser_class=parser_class, required=True, metavar="操作")

    a = action(actions, "add", decision_add, "議題の世帯について会議の決定を記録する", meeting=True)
    a.add_argument("--household", required=True, metavar="世帯")
    a.add_argument("--kind", required=True, choices=tuple(k.value for k in DecisionKind),
                   help="plan, replan, closure, suspension, lead_change, outreach_start, outreach_stop, "
                        "participation_start, participation_stop, hand_back, follow_up, discussion")
    a.add_argument("--outcome", default="approved", choices=tuple(o.value for o in DecisionOutcome),
                   help="approved（了承）, rejected（不承認）, deferred（継続協議）")
    a.add_argument("--notes", metavar="文", help="協議の内容")
    a.add_argument("--review", metavar="日付", help="次回の検討日")
    a.add_argument("--lead-agency", metavar="機関名", help="新しい主担当機関（終結後に伴走する機関も）")
    a.add_argument("--follow-up", metavar="日付", help="フォローアップ日")
    a.add_argument("--memo", metavar="文")

    a = action(actions, "list", decision_list, "世帯の会議の決定と支援決定")
    a.add_argument("--household", required=True, metavar="世帯")

    a = action(actions, "city", decision_city, "市の支援決定を記録する（事務局の多機関協働の担当者だけ）")
    a.add_argument("--household", required=True, metavar="世帯")
    a.add_argument("--date", required=True, metavar="日付", help="支援決定日")
    a.add_argument("--number", required=True, metavar="番号", help="支援決定番号")
    a.add_argument("--memo", metavar="文")

    action(actions, "reported", decision_reported, "市にプランを報告した世帯（事業を使わないプラン）と、支援決定待ちのプラン")


# -- handlers -------------------------------------------------------------------------------

def _member(text: str) -> dict:
    parts = text.split(":")
    if len(parts) < 2 or not parts[0].strip():
        raise InvalidInput(f"構成員は「氏名:立場[:機関[:利用者名]]」で書いてください（{text}）。", "member")
    keys = ("name", "role", "agency", "login")
    return {k: v.strip() or None for k, v in zip(keys, parts, strict=False)}


def _recurrence(text: str | None) -> str | None:
    if not text:
        return None
    if ":" in text:
        nth, weekday = text.split(":", 1)
        index = WEEKDAYS.find(weekday.strip()[:1]) if weekday.strip() and not weekday.strip().isdigit() else -1
        return f"monthly:{nth.strip()}:{index if index >= 0 else weekday.strip()}"
    return f"monthly:{text.strip()}"


def kinds(args) -> int:
    with opened(args) as session:
        for kind in session.meetings.kinds.kinds():
            rule = MeetingKind(kind.rule).label
            every = describe_recurrence(kind.recurrence) or "周期なし"
            say(f"{kind.id}\t{kind.name}\t決まり: {rule}\t{every}\t構成員 {len(kind.member_list())} 人")
    return 0


def kind_add(args) -> int:
    with opened(args) as session:
        kind = session.meetings.kinds.add(args.name, args.rule, recurrence=_recurrence(args.monthly))
    say(f"会議の種類「{kind.name}」（決まり: {MeetingKind(kind.rule).label}）を加えました。ID: {kind.id}")
    return 0


def members(args) -> int:
    with opened(args) as session:
        kind = session.meetings.kinds.update(args.kind, members=[_member(m) for m in args.member] or None,
                                             recurrence=_recurrence(args.monthly))
    say(f"「{kind.name}」: 構成員 {len(kind.member_list())} 人、{describe_recurrence(kind.recurrence) or '周期なし'}")
    return 0


def schedule(args) -> int:
    with opened(args) as session:
        made = session.meetings.schedule(args.kind, args.start, args.count, parts=args.parts)
    for meeting in made:
        say(f"{meeting.id}\t{display.wareki(meeting.held_on)}\t{meeting.title}")
    say(f"{len(made)} 回の会議の予定を作りました。")
    return 0


def new(args) -> int:
    with opened(args) as session:
        meeting = session.meetings.create(args.kind, args.date, args.title, parts=args.parts, place=args.place,
                                          chair=args.chair, with_members=True)
    say(f"{meeting.id}\t{display.wareki(meeting.held_on)}\t{meeting.title}（出席予定 {len(meeting.attendee_list())} 人）")
    return 0


def list_(args) -> int:
    with opened(args) as session:
        rows = session.meetings.overview()
    if not rows:
        say("会議はまだありません。")
    for row in rows:
        m = row.meeting
        when = "これから" if row.coming else "開催済" if m.status == "held" else "過去"
        say(f"{m.id}\t{display.wareki(m.held_on)}\t{m.title}\t{when}\t出席 {row.attendees}\t議題 {row.agenda}"
            f"\t{row.outcome_text()}")
    return 0


def show(args) -> int:
    with opened(args) as session:
        meeting = session.meetings.get(session.meetings.resolve(args.meeting))
        say(f"{meeting.title}\t{display.wareki(meeting.held_on)}\t{meeting.place or ''}")
        say("会: " + "・".join(p.get("name") or MeetingKind(p["rule"]).label for p in meeting.part_list()))
        say("出席者:")
        for a in meeting.attendee_list():
            mark = f"守秘義務確認 {display.moment(a.acknowledged_at)}" if a.acknowledged else "未確認"
            say(f"  {a.name}\t{AttendeeRole(a.role).label}\t{a.agency or ''}\t{mark}")
        refusal = session.meetings.may_show_cases(meeting)
        if refusal:
            say(f"議題 {len(meeting.agenda_list())} 件（世帯の内容は表示しません: {refusal}）")
            return 0
        names = {i.household_id: _name(session, i.household_id) for i in meeting.agenda_list()}
        decisions = session.meetings.decisions_of(meeting.id)
        say("議題:")
        for n, item in enumerate(meeting.agenda_list(), 1):
            say(f"  {n}. {names[item.household_id]}\t{AgendaReason(item.reason).label}\t"
                f"{MeetingKind(item.part or meeting.kind).label}")
            for d in (d for d in decisions if d.household_id == item.household_id):
                say(f"     {DecisionKind(d.kind).label}（{DecisionOutcome(d.outcome).label}）\t{_state(d)}"
                    + (f"\t次回 {display.wareki(d.next_review_on)}" if d.next_review_on else ""))
    return 0


def _name(session, household_id: str) -> str:
    try:
        return session.households.get(household_id).name
    except NotFound:
        return "（この端末にない世帯）"


def propose(args) -> int:
    """What is due by the meeting's date, for the coordinator preparing it (the office sees every
    household); the sitting itself shows no household before every acknowledgement (show)."""
    with opened(args) as session:
        meeting_id = session.meetings.resolve(args.meeting)
        proposals = session.agenda.propose(meeting_id)
        for p in proposals:
            due = f"\t{display.wareki(p.due_on)}" if p.due_on else ""
            say(f"{p.household_id}\t{p.household_name}\t{p.label}\t{MeetingKind(p.part).label}{due}")
        if args.add and proposals:
            current = [vars(i) for i in session.meetings.get(meeting_id).agenda_list()]
            session.meetings.set_agenda(meeting_id, current + [
                {"household_id": p.household_id, "case_id": p.case_id, "reason": p.reason, "plan_id": p.plan_id}
                for p in proposals])
            say(f"{len(proposals)} 件を議題に加えました。")
        elif not proposals:
            say("開催日までに検討が必要な世帯はありません。")
    return 0


def agenda(args) -> int:
    with opened(args) as session:
        meeting_id = session.meetings.resolve(args.meeting)
        ref = args.add or args.remove or args.up or args.down
        household_id = session.households.resolve(ref)
        if args.add:
            items = session.meetings.add_to_agenda(meeting_id, household_id)
        elif args.remove:
            items = session.meetings.remove_from_agenda(meeting_id, household_id)
        else:
            items = session.meetings.move_on_agenda(meeting_id, household_id, -1 if args.up else 1)
    say(f"議題は {len(items)} 件です。")
    return 0


def attend(args) -> int:
    with opened(args) as session:
        added = session.meetings.add_attendee(session.meetings.resolve(args.meeting), name=args.name, role=args.role,
                                              agency=args.agency, login=args.login)
    say(f"出席者 {added.name}（{AttendeeRole(added.role).label}）を加えました。")
    return 0


def acknowledge(args) -> int:
    say(CONFIDENTIALITY_TEXT)
    if not args.yes:
        raise InvalidInput("出席者本人が上の内容を確認したら、--yes を付けてもう一度実行してください。", "yes")
    with opened(args) as session:
        meeting = session.meetings.get(session.meetings.resolve(args.meeting))
        found = [a for a in meeting.attendee_list() if a.name == args.name or a.key == args.name]
        if len(found) != 1:
            raise NotFound(f"出席者「{args.name}」がこの会議にいません（yorisoi meeting show で確かめてください）。")
        done = session.meetings.acknowledge(meeting.id, found[0].key)
    say(f"{done.name} さんの守秘義務の確認を記録しました（{display.moment(done.acknowledged_at)}）。")
    return 0


def apply(args) -> int:
    with opened(args) as session:
        meeting_id = session.meetings.resolve(args.meeting)
        results = session.meeting_apply.apply(meeting_id)
        for r in results:
            mark = "反映" if r.applied else "反映できず"
            say(f"{_name(session, r.household_id)}\t{DecisionKind(r.kind).label}（{DecisionOutcome(r.outcome).label}）"
                f"\t{mark}: {r.message}")
        shared = session.sync.share_held_meeting(meeting_id)
    refused = sum(1 for r in results if not r.applied)
    say(f"{len(results)} 件の決定のうち {len(results) - refused} 件をケースに反映しました。"
        + (f"{refused} 件は規則により反映できませんでした。" if refused else ""))
    if shared:
        say(shared)
    return 2 if refused else 0


def pdf(args) -> int:
    from pathlib import Path

    from app.meeting_printing import print_meeting

    with opened(args) as session:
        printed = print_meeting(session, session.meetings.resolve(args.meeting), Path(args.out),
                                minutes=args.minutes)
    say(f"{'議事録' if args.minutes else '議題（次第）'}を PDF にしました（{printed.pages} ページ）: {printed.path}")
    return 0


def _agency(session, name: str | None) -> str | None:
    if not name:
        return None
    found = [a for a in session.directory.agencies() if a.name == name or a.id == name]
    if len(found) != 1:
        raise NotFound(f"機関「{name}」が名簿にありません。")
    return found[0].id


def _case_of(session, household: str) -> str:
    case_id = session.cases.current_case_id(household)
    if case_id is None:
        raise NotFound("この世帯にはケースがありません。")
    return case_id


def _state(decision) -> str:
    """Whether a meeting's decision has reached the case (or why it could not)."""
    if decision.refusal:
        return f"反映できず: {decision.refusal}"
    return "反映済" if decision.applied_on else "未反映"


def decision_add(args) -> int:
    with opened(args) as session:
        meeting_id = session.meetings.resolve(args.meeting)
        case_id = _case_of(session, args.household)
        decided = session.meetings.decide(meeting_id, case_id, args.kind, args.outcome, notes=args.notes,
                                          next_review_on=args.review, lead_agency_id=_agency(session, args.lead_agency),
                                          follow_up_on=args.follow_up, memo=args.memo)
    say(f"決定を記録しました: {DecisionKind(decided.kind).label}（{DecisionOutcome(decided.outcome).label}）。"
        "ケースへの反映は yorisoi meeting apply で。")
    return 0


def decision_list(args) -> int:
    with opened(args) as session:
        case_id = _case_of(session, args.household)
        for d in session.meetings.decisions_for_case(case_id):
            say(f"{display.wareki(d.decided_on)}\t{DecisionKind(d.kind).label}（{DecisionOutcome(d.outcome).label}）\t{_state(d)}")
        for s in session.meetings.support_decisions(case_id):
            what = f"市の支援決定 番号 {s.number}" if s.kind == "decision" else "市にプランを報告"
            say(f"{display.wareki(s.decided_on)}\t{what}")
    return 0


def decision_city(args) -> int:
    with opened(args) as session:
        case_id = _case_of(session, args.household)
        done = session.city.record(case_id, decided_on=args.date, number=args.number, memo=args.memo)
    say(f"市の支援決定を記録しました（{display.wareki(done.decided_on)}、番号 {done.number}）。"
        "プランの事務局記入欄に記入しました。")
    return 0


def decision_reported(args) -> int:
    with opened(args) as session:
        say("市にプランを報告した世帯:")
        for s in session.city.reported():
            say(f"  {display.wareki(s.decided_on)}\t{_name(session, s.household_id)}")
        say("支援決定を待つプラン（会議で了承済み）:")
        for household_id, _case, _plan in session.city.waiting():
            say(f"  {_name(session, household_id)}")
    return 0

