"""The programme's controlled vocabulary: codes stored in records, labels shown to users.

Codes are stable English words (they travel in sync envelopes and JSON Lines files);
labels are the Japanese the forms and the field staff use.
"""

from __future__ import annotations

from enum import StrEnum


class Labelled(StrEnum):
    # Keyed by (class, code): members of different enums share codes ("replan"), and a
    # StrEnum member hashes like its string.
    @property
    def label(self) -> str:
        return LABELS[(type(self), self.value)]

    @classmethod
    def parse(cls, value: str):
        """A member from its code or its Japanese label; ValueError otherwise."""
        for member in cls:
            if value in (member.value, member.label):
                return member
        raise ValueError(value)


class Stage(Labelled):
    INTAKE = "intake"
    OUTREACH = "outreach"
    CONSENTED = "consented"
    ASSESSMENT = "assessment"
    PLAN_DRAFTED = "plan_drafted"
    PLAN_APPROVED = "plan_approved"
    IN_SUPPORT = "in_support"
    REPLANNING = "replanning"
    CLOSED = "closed"
    SUSPENDED = "suspended"
    HANDED_BACK = "handed_back"


class Action(Labelled):
    """A step of the case lifecycle (see app/lifecycle.py)."""

    START_OUTREACH = "start_outreach"
    RECORD_CONSENT = "record_consent"
    START_ASSESSMENT = "start_assessment"
    DRAFT_PLAN = "draft_plan"
    APPROVE_PLAN = "approve_plan"
    CONFIRM_PLAN = "confirm_plan"
    START_REPLAN = "start_replan"
    CLOSE = "close"
    SUSPEND = "suspend"
    HAND_BACK = "hand_back"
    REOPEN = "reopen"
    WITHDRAW_CONSENT = "withdraw_consent"


class ContactKind(Labelled):
    HOME_VISIT = "home_visit"
    PHONE = "phone"
    LETTER = "letter"
    FLYER = "flyer"
    MESSAGE = "message"
    ACCOMPANY = "accompany"
    OFFICE = "office"


class Outcome(Labelled):
    MET = "met"
    FAMILY_ONLY = "family_only"
    NOBODY = "nobody"


class MeetingKind(Labelled):
    SUPPORT = "support"
    COORDINATION = "coordination"
    REPRESENTATIVES = "representatives"


class DecisionKind(Labelled):
    PLAN = "plan"
    REPLAN = "replan"
    CLOSURE = "closure"
    SUSPENSION = "suspension"
    DISCUSSION = "discussion"
    LEAD_CHANGE = "lead_change"
    OUTREACH_START = "outreach_start"
    OUTREACH_STOP = "outreach_stop"
    PARTICIPATION_START = "participation_start"
    PARTICIPATION_STOP = "participation_stop"
    HAND_BACK = "hand_back"
    FOLLOW_UP = "follow_up"


class AgendaReason(Labelled):
    """Why a household is proposed for a meeting's agenda."""

    PLAN = "plan"
    REPLAN = "replan"
    CLOSURE = "closure"
    SUSPENSION = "suspension"
    OUTREACH_PLAN = "outreach_plan"
    MONITORING = "monitoring"
    REFERRAL = "referral"
    FOLLOW_UP = "follow_up"
    REVIEW = "review"
    ADDED = "added"


class DecisionOutcome(Labelled):
    APPROVED = "approved"
    REJECTED = "rejected"
    DEFERRED = "deferred"


class AttendeeRole(Labelled):
    CITY = "city"
    COORDINATOR = "coordinator"
    AGENCY = "agency"
    PERSON = "person"
    EXPERT = "expert"


class ConsentMethod(Labelled):
    SIGNED_PAPER = "signed_paper"
    VERBAL = "verbal"


class EvaluationDecision(Labelled):
    CONTINUE = "continue"
    REPLAN = "replan"
    CLOSE = "close"
    SUSPEND = "suspend"


class Route(Labelled):
    WINDOW = "window"
    OUTREACH = "outreach"
    NEIGHBOUR = "neighbour"
    AGENCY = "agency"
    PHONE = "phone"


class StaffRole(Labelled):
    OUTREACH = "outreach"
    CSW = "csw"
    OFFICE = "office"  # the city's 多機関協働 staff: records the 支援決定
    AGENCY = "agency"
    PROMOTER = "promoter"
    PARTICIPATION = "participation"
    CONSULTANT = "consultant"


class DueKind(Labelled):
    """What is due in the 期限 view."""

    NEXT_ACTION = "next_action"
    MONITORING = "monitoring"
    FOLLOW_UP = "follow_up"
    WATCH = "watch"
    PLAN_MEETING = "plan_meeting"
    PLAN_DECISION = "plan_decision"
    MEETING = "meeting"
    REVIEW = "review"


class Field(Labelled):
    """The four fields of the programme plus public assistance."""

    ELDERLY = "is_elderly"
    DISABLED = "is_disabled"
    CHILD = "is_child"
    HARDSHIP = "is_hardship"
    WELFARE = "is_welfare"


_LABELS: tuple[tuple[StrEnum, str], ...] = (
    (Stage.INTAKE, "相談受付"),
    (Stage.OUTREACH, "アウトリーチ（同意前）"),
    (Stage.CONSENTED, "本人同意済"),
    (Stage.ASSESSMENT, "アセスメント"),
    (Stage.PLAN_DRAFTED, "プラン作成中"),
    (Stage.PLAN_APPROVED, "会議了承・支援決定待ち"),
    (Stage.IN_SUPPORT, "支援中（モニタリング）"),
    (Stage.REPLANNING, "再プラン作成中"),
    (Stage.CLOSED, "終結"),
    (Stage.SUSPENDED, "中断"),
    (Stage.HANDED_BACK, "つなぎもどし"),
    (Action.START_OUTREACH, "アウトリーチ開始"),
    (Action.RECORD_CONSENT, "本人同意の記録"),
    (Action.START_ASSESSMENT, "アセスメント開始"),
    (Action.DRAFT_PLAN, "プラン作成"),
    (Action.APPROVE_PLAN, "会議でのプラン了承"),
    (Action.CONFIRM_PLAN, "支援決定によるプラン確定"),
    (Action.START_REPLAN, "再プラン"),
    (Action.CLOSE, "終結"),
    (Action.SUSPEND, "中断"),
    (Action.HAND_BACK, "つなぎもどし"),
    (Action.REOPEN, "再開"),
    (Action.WITHDRAW_CONSENT, "同意の撤回"),
    (ContactKind.HOME_VISIT, "家庭訪問"),
    (ContactKind.PHONE, "電話"),
    (ContactKind.LETTER, "手紙を置いた"),
    (ContactKind.FLYER, "チラシ"),
    (ContactKind.MESSAGE, "メール・チャット"),
    (ContactKind.ACCOMPANY, "同行支援"),
    (ContactKind.OFFICE, "来所相談"),
    (Outcome.MET, "本人に会えた"),
    (Outcome.FAMILY_ONLY, "家族のみ"),
    (Outcome.NOBODY, "不在"),
    (MeetingKind.SUPPORT, "支援会議"),
    (MeetingKind.COORDINATION, "重層的支援会議"),
    (MeetingKind.REPRESENTATIVES, "代表者会議"),
    (DecisionKind.PLAN, "プラン了承"),
    (DecisionKind.REPLAN, "再プラン了承"),
    (DecisionKind.CLOSURE, "支援終結"),
    (DecisionKind.SUSPENSION, "支援中断"),
    (DecisionKind.DISCUSSION, "協議"),
    (DecisionKind.LEAD_CHANGE, "主担当・役割分担の変更"),
    (DecisionKind.OUTREACH_START, "アウトリーチ等事業の開始"),
    (DecisionKind.OUTREACH_STOP, "アウトリーチ等事業の終了"),
    (DecisionKind.PARTICIPATION_START, "参加支援の開始"),
    (DecisionKind.PARTICIPATION_STOP, "参加支援の終了"),
    (DecisionKind.HAND_BACK, "つなぎもどし"),
    (DecisionKind.FOLLOW_UP, "フォローアップ"),
    (AgendaReason.PLAN, "プランの了承（完成したプラン）"),
    (AgendaReason.REPLAN, "再プランの了承"),
    (AgendaReason.CLOSURE, "終結の判断（プラン評価）"),
    (AgendaReason.SUSPENSION, "中断の決定（プラン評価）"),
    (AgendaReason.OUTREACH_PLAN, "同意前のアウトリーチ等事業のプラン"),
    (AgendaReason.MONITORING, "モニタリング予定日を過ぎています"),
    (AgendaReason.REFERRAL, "関係機関からの紹介"),
    (AgendaReason.FOLLOW_UP, "終結後のフォローアップ日"),
    (AgendaReason.REVIEW, "前回の会議で決めた再検討日"),
    (AgendaReason.ADDED, "事務局が追加"),
    (DecisionOutcome.APPROVED, "了承"),
    (DecisionOutcome.REJECTED, "不承認"),
    (DecisionOutcome.DEFERRED, "継続協議"),
    (AttendeeRole.CITY, "市"),
    (AttendeeRole.COORDINATOR, "多機関協働事業者"),
    (AttendeeRole.AGENCY, "支援関係機関"),
    (AttendeeRole.PERSON, "本人・家族"),
    (AttendeeRole.EXPERT, "専門職（医師・弁護士等）"),
    (ConsentMethod.SIGNED_PAPER, "署名（様式1-1）"),
    (ConsentMethod.VERBAL, "口頭"),
    (EvaluationDecision.CONTINUE, "継続"),
    (EvaluationDecision.REPLAN, "再プラン"),
    (EvaluationDecision.CLOSE, "終結"),
    (EvaluationDecision.SUSPEND, "中断"),
    (Route.WINDOW, "窓口"),
    (Route.OUTREACH, "アウトリーチ"),
    (Route.NEIGHBOUR, "近隣・民生委員"),
    (Route.AGENCY, "関係機関"),
    (Route.PHONE, "電話"),
    (StaffRole.OUTREACH, "アウトリーチ支援員"),
    (StaffRole.CSW, "CSW（地域福祉コーディネーター）"),
    (StaffRole.OFFICE, "多機関協働（市）"),
    (StaffRole.AGENCY, "支援関係機関職員"),
    (StaffRole.PROMOTER, "相談支援包括化推進員"),
    (StaffRole.PARTICIPATION, "参加支援員"),
    (StaffRole.CONSULTANT, "お困りごと相談員"),
    (DueKind.NEXT_ACTION, "次回予定"),
    (DueKind.MONITORING, "モニタリング"),
    (DueKind.FOLLOW_UP, "終結後のフォローアップ"),
    (DueKind.WATCH, "状況把握の確認"),
    (DueKind.PLAN_MEETING, "会議待ちのプラン"),
    (DueKind.PLAN_DECISION, "支援決定待ちのプラン"),
    (DueKind.MEETING, "会議の予定"),
    (DueKind.REVIEW, "会議で決めた見直し"),
    (Field.ELDERLY, "高齢"),
    (Field.DISABLED, "障害"),
    (Field.CHILD, "子ども"),
    (Field.HARDSHIP, "困窮"),
    (Field.WELFARE, "生活保護"),
)

LABELS: dict[tuple[type, str], str] = {(type(member), member.value): text for member, text in _LABELS}

AGENCY_KINDS = (
    "地域包括支援センター",
    "障害者相談支援",
    "利用者支援（子ども）",
    "自立相談支援",
    "社会福祉協議会",
    "福祉事務所",
    "学校・教育委員会",
    "医療機関",
    "警察",
    "児童相談所",
    "保健所",
    "ハローワーク",
    "市役所（担当課）",
    "その他",
)

RESOURCE_KINDS = ("サロン", "地域食堂", "居場所", "就労・職業体験", "ボランティア", "趣味・活動団体", "その他")

RELATIONS = ("本人", "配偶者", "父", "母", "子", "長男", "長女", "次男", "次女", "孫", "兄弟姉妹", "祖父", "祖母", "同居人", "その他")
