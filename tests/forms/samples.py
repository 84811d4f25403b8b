"""Sample answers for any definition: every visible field filled with a plausible value, and the
ids of the people, agencies and staff a render context knows."""

from __future__ import annotations

from forms.render_context import RenderContext
from forms.schema import FieldDef, FormDefinition

PEOPLE = {"P1": ("𠮷田 一郎", "1958-05-01"), "P2": ("𠮷田 和子", "1933-03-02")}
AGENCIES = {"A1": "みその市地域包括支援センター", "A2": "みその市社会福祉協議会"}
STAFF = {"S1": "佐藤 花子"}
RECORDS = {"R1": "支援計画書（令和7年4月1日作成）"}


def context(city: str = "みその市") -> RenderContext:
    return RenderContext(city_name=city, persons=dict(PEOPLE), agencies=dict(AGENCIES), staff=dict(STAFF),
                         records=dict(RECORDS), household_name="𠮷田家")


def value_for(f: FieldDef, n: int = 0):
    if f.type == "date":
        return "2025-04-01"
    if f.type == "number":
        return int(f.minimum or 0) + 3
    if f.type == "check":
        return True
    if f.type == "choice":
        return f.options[0].value
    if f.type == "multichoice":
        return [f.options[0].value, f.options[-1].value]
    if f.type == "person":
        return "P1"
    if f.type == "agency":
        return "A1"
    if f.type == "staff":
        return "S1"
    if f.type == "record":
        return "R1"
    if f.type == "longtext":
        return f"{f.label}について、本人は「ゆっくりでいいから続けたい」と話した。見本{n}。"
    return f"{f.label}の見本{n}"


def complete_answers(definition: FormDefinition) -> dict:
    answers: dict = {}
    for n, f in enumerate(definition.fields()):
        if f.is_table:
            answers[f.id] = [{c.id: f"{c.label[:3]}{n}" if c.type == "text" else value_for(c, n) for c in f.columns}
                             for _ in range(2)]
        else:
            answers[f.id] = value_for(f, n)
    return answers
