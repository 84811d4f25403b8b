"""Answers for the demo's forms, filled the way a CSW would fill the shipped definitions.

Each scenario brings what a worker would tick on the assessment (issues, housing, income,
work, risks); the texts come from the scenario's own phrases, so a printed demo form reads
like a real household's. Keys follow forms/definitions/*.toml.
"""

from __future__ import annotations

import datetime as dt
import random

from app.demo.scenarios import Scenario

# scenario key → what the assessment ticks
PROFILE = {
    "8050": dict(issues=["eighty_fifty", "hikikomori", "poverty", "arrears", "care"], housing="民間の賃貸住宅",
                 income=["年金"], work="not_working", participation="withdrawn", risks=["住まいを失うおそれ"],
                 household_type="other", debts=["家賃"]),
    "double-care": dict(issues=["double_care", "care", "childcare", "dementia"], housing="持ち家",
                        income=["就労収入"], work="irregular", participation="low", risks=["特になし"],
                        household_type="three_generations", debts=["特になし"]),
    "child-poverty": dict(issues=["poverty", "childcare", "school"], housing="公営住宅", income=["就労収入", "手当"],
                          work="irregular", participation="low", risks=["食べるものがない"],
                          household_type="single_parent", debts=["公共料金"]),
    "alone-hoarding": dict(issues=["hoarding", "isolation", "dementia"], housing="持ち家", income=["年金"],
                           work="not_working", participation="withdrawn", risks=["命・健康の危険", "近隣とのトラブル"],
                           household_type="single", debts=["特になし"]),
    "disability-parent": dict(issues=["disability", "mental", "care"], housing="持ち家", income=["年金"],
                              work="not_working", participation="low", risks=["判断能力の低下"],
                              household_type="other", debts=["特になし"]),
    "young-carer": dict(issues=["young_carer", "illness", "childcare"], housing="民間の賃貸住宅",
                        income=["生活保護"], work="student", participation="low", risks=["特になし"],
                        household_type="single_parent", debts=["特になし"]),
    "debt-single": dict(issues=["debt", "arrears", "work", "poverty"], housing="民間の賃貸住宅", income=["収入なし"],
                        work="seeking", participation="low", risks=["住まいを失うおそれ", "食べるものがない"],
                        household_type="single", debts=["消費者金融等の借入", "家賃"]),
    "elderly-couple": dict(issues=["care", "dementia", "isolation"], housing="持ち家", income=["年金"],
                           work="not_working", participation="low", risks=["判断能力の低下"],
                           household_type="couple", debts=["特になし"]),
}
DEFAULT = PROFILE["8050"]
FREQUENCY = ("週1回", "月2回", "月1回", "随時")


def members(persons: list[dict]) -> list[dict]:
    return [{"name": p["name"], "relation": p["relation"], "birth_date": p["birth_date"], "living": "同居"}
            for p in persons]


def intake(s: Scenario, text, day: dt.date, principal: str, persons: list[dict], route: str,
           referring: str | None, lead_agency: str, me: str, rng: random.Random) -> dict:
    profile = PROFILE.get(s.key, DEFAULT)
    answers = {
        "variant": "consent", "received_on": day.isoformat(), "received_by": me, "received_at_agency": lead_agency,
        "route": route, "referring_agency_id": referring, "principal_id": principal,
        "name_kana": persons[0]["kana"], "birth_date": persons[0]["birth_date"], "sex": persons[0]["sex"],
        "members": members(persons), "household_type": profile["household_type"],
        "consultation": text(rng.choice(s.summaries)), "issues": profile["issues"][:3],
        "urgency": rng.choice(("高", "中", "中", "低")), "contact_by": ["電話", "訪問"],
        "consenter_id": principal, "consent_method": "signed_paper", "paper_on_file": True,
        "consent_scope": ["支援関係機関での情報共有", "重層的支援会議での検討"], "explained_by": me,
        "lead_agency_id": lead_agency, "lead_staff": me,
    }
    return answers


def assessment(s: Scenario, text, day: dt.date, principal: str, persons: list[dict], agencies: dict[str, str],
               me: str, rng: random.Random) -> dict:
    profile = PROFILE.get(s.key, DEFAULT)
    involved = [{"agency_id": agencies[kind], "role": f"{kind}として関わっている", "since": "以前から"}
                for kind in s.agencies if kind in agencies]
    return {
        "assessed_on": day.isoformat(), "assessor": me, "assessor_agency": agencies.get(s.agencies[0]),
        "principal_id": principal, "birth_date": persons[0]["birth_date"], "sex": persons[0]["sex"],
        "route": rng.choice(s.routes), "members": members(persons), "household_type": profile["household_type"],
        "consultation": text(rng.choice(s.summaries)),
        "life_history": text(rng.choice(s.notes)) + "本人の話では、若いころは地元の工場で働いていたとのこと。",
        "health_status": rng.choice(("良好", "通院・服薬中", "治療が必要だが受診していない")),
        "family": "、".join(p["relation"] for p in persons) + "の世帯。" + text(rng.choice(s.notes)),
        "relatives": rng.choice(("いる", "いない", "分からない")),
        "social_participation": profile["participation"],
        "withdrawn_years": rng.randint(3, 25) if profile["participation"] == "withdrawn" else None,
        "interests": text(rng.choice(("{r}の話には関心を示す。", "畑仕事が得意。", "昔は釣りが好きだった。"))),
        "housing": profile["housing"], "income_sources": profile["income"], "debts": profile["debts"],
        "money_management": rng.choice(("自分でできる", "支援が必要")),
        "work_status": profile["work"], "work_wish": rng.choice(("ある", "条件次第", "分からない")),
        "wishes": text(s.goals[0]) + "。" + text(rng.choice(s.visits)),
        "risks": profile["risks"], "urgency": rng.choice(("低", "中", "高")),
        "urgency_reason": "生活の基盤がすぐに崩れる状況ではないが、家族の状況によっては急変しうる。",
        "agencies_involved": involved, "issues": profile["issues"],
        "summary": text(rng.choice(s.summaries)) + " 課題が重なっており、一つの機関では対応しきれない。",
        "direction_draft": s.direction, "needs_outreach": profile["participation"] == "withdrawn",
        "needs_participation": s.participation,
    }


def plan(s: Scenario, text, day: dt.date, principal: str, persons: list[dict], agencies: dict[str, str],
         me: str, uses_outreach: bool, uses_participation: bool, rng: random.Random) -> dict:
    goals = [{"goal": text(g), "term": "long" if n == 0 else "short", "target": "6か月後" if n == 0 else "3か月後"}
             for n, g in enumerate(s.goals)]
    roles = [{"agency_id": agencies[kind], "task": f"{kind}としての支援", "frequency": rng.choice(FREQUENCY),
              "lead": n == 0} for n, kind in enumerate(s.agencies) if kind in agencies]
    return {
        "planned_on": day.isoformat(), "plan_kind": "initial", "plan_round": 1, "principal_id": principal,
        "birth_date": persons[0]["birth_date"], "lead_agency_id": agencies[s.agencies[0]], "lead_staff": me,
        "wish": text(s.goals[0]), "issues_summary": text(s.summaries[0]), "goals": goals, "direction": s.direction,
        "roles": roles, "uses_outreach": uses_outreach, "uses_participation": uses_participation,
        "outreach_detail": "月2回の家庭訪問。手紙を置いて関係をつなぐ。" if uses_outreach else None,
        "participation_detail": text("{r}の見学から始める。") if uses_participation else None,
        "monitoring_on": (day + dt.timedelta(days=90)).isoformat(),
        "evaluation_on": (day + dt.timedelta(days=180)).isoformat(),
        "monitoring_method": "主担当機関が月1回訪問し、重層的支援会議で報告する。",
        "applicant_id": principal, "applied_on": day.isoformat(), "applicant_signed": True,
    }


def evaluation(plan_answers: dict, plan_id: str, day: dt.date, decision: str, principal: str, me: str,
               rng: random.Random) -> dict:
    results = ("達成", "一部達成", "未達成")
    reviews = [{"goal": g["goal"], "result": rng.choice(results), "comment": "本人と一緒に振り返った。"}
               for g in plan_answers.get("goals", [])]
    out = {
        "evaluated_on": day.isoformat(), "plan_id": plan_id, "principal_id": principal,
        "evaluator": me, "evaluator_agency": plan_answers.get("lead_agency_id"), "goal_reviews": reviews,
        "achievement": "目標の一部を達成。本人の表情が明るくなった。", "changes": "訪問を断られることがなくなった。",
        "person_view": "「話を聞いてもらえて助かった」と話す。", "decision": decision,
        "decision_reason": {"replan": "状況が変わり、目標を見直す必要がある。",
                            "close": "支援の見通しがつき、役割分担に合意できた。"}.get(decision, "引き続き支援が必要。"),
    }
    if decision == "close":
        out |= {"follow_up_agency": plan_answers.get("lead_agency_id"),
                "follow_up_on": (day + dt.timedelta(days=60)).isoformat(), "follow_up_method": "電話と訪問で様子を確かめる。"}
    return out


def contact(kind: str, outcome: str, summary: str, at: dt.datetime, person: str | None, me: str) -> dict:
    return {"contact_on": at.date().isoformat(), "time_from": at.strftime("%H:%M"), "kind": kind, "outcome": outcome,
            "met_person_id": person if outcome != "nobody" else None, "staff": me, "summary": summary,
            "body": summary + " 次回も同じ時間帯に訪問することを伝えた。", "next_action": "家庭訪問",
            "next_action_on": (at.date() + dt.timedelta(days=14)).isoformat()}
