"""The official forms: how long printing a plan and opening a large form screen take.

    python -m bench.forms [--quick]

* plan_pdf_ms        render a filled two-page 支援計画書 (様式2-1) to PDF bytes, fonts already
                     loaded (the first render of a process also parses the font files: cold_plan_pdf_ms)
* assessment_pdf_ms  the same for the four-sheet アセスメントシート (様式1-2)
* export_pdf_ms      a plan through the app: pick the record, migrate, render, write atomically
* form_open_ms       open the form screen of an 80-field form (build every editor, fill the
                     answers, show it and let Qt lay it out), offscreen
Each figure is the median of several rounds (15, or 7 with --quick), printed with its spread.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app import profiles  # noqa: E402
from app.demo import fill  # noqa: E402
from app.form_sources import render_context  # noqa: E402
from app.printing import export_pdf  # noqa: E402
from bench.common import emit, median, timed  # noqa: E402
from forms.formset import SHIPPED  # noqa: E402
from forms.pdf.render import render  # noqa: E402
from storage.keyfile import KdfParams  # noqa: E402

PASSPHRASE = "bench passphrase"
FIELDS_WANTED = 80


def eighty_field_form(folder: Path) -> None:
    """A city's assessment (version 2) of exactly 80 fields: the shipped sheet plus the plan's
    sections under new ids, and two more questions."""
    base = (SHIPPED / "1-2.v1.toml").read_text(encoding="utf-8").replace("version = 1", "version = 2", 1)
    plan = (SHIPPED / "2-1.v2.toml").read_text(encoding="utf-8")
    extra = plan[plan.index("\n[[sections]]"):plan.index("\n[[migrations]]")]
    extra = re.sub(r'^(id|field) = "(\w+)"', r'\1 = "\2_p"', extra, flags=re.M)
    extra = re.sub(r'(when = |field = )"(\w+)"', r'\1"\2_p"', extra)
    extra = extra.replace("sheet = 1", "sheet = 5").replace("sheet = 2", "sheet = 6")
    extra += ('\n[[sections]]\nid = "more"\ntitle = "追加の項目"\nsheet = 6\n\n'
              '[[sections.fields]]\nid = "extra_one"\nlabel = "市独自の項目1"\n\n'
              '[[sections.fields]]\nid = "extra_two"\nlabel = "市独自の項目2"\ntype = "longtext"\n')
    (folder / "1-2.toml").write_text(base + "\n" + extra, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args()
    rounds = 7 if args.quick else 15
    folder = Path(tempfile.mkdtemp(prefix="yorisoi-bench-forms-"))
    try:
        session = profiles.create(folder / "profile", PASSPHRASE, kdf=KdfParams(memory_kib=8192, iterations=1, lanes=1))
        fill(session, households=40, seed=4)
        plan = next(r for r in session.store.read().find("form_record", form_id="2-1"))
        assessment = next(r for r in session.store.read().find("form_record", form_id="1-2"))
        household = plan["household_id"]
        filling = session.form_filling
        opened_plan = filling.open(plan["id"])
        ctx = render_context(session, household)
        started = time.perf_counter()
        first = render(opened_plan.definition, opened_plan.answers, ctx)
        cold = (time.perf_counter() - started) * 1000
        plan_ms = [timed(lambda: render(opened_plan.definition, opened_plan.answers, ctx)) * 1000 for _ in range(rounds)]
        opened_assessment = filling.open(assessment["id"])
        actx = render_context(session, assessment["household_id"])
        assessment_pdf = render(opened_assessment.definition, opened_assessment.answers, actx)
        assessment_ms = [timed(lambda: render(opened_assessment.definition, opened_assessment.answers, actx)) * 1000
                         for _ in range(rounds)]
        out = folder / "plan.pdf"
        export_ms = [timed(lambda: export_pdf(session, household, "2-1", out)) * 1000 for _ in range(rounds)]
        open_ms, fields = screen_open(session, folder, rounds)
        session.close()
        emit({
            "benchmark": "forms",
            "quick": args.quick,
            "rounds": rounds,
            "plan_pdf_ms": round(median(plan_ms), 1),
            "plan_pdf_ms_range": [round(min(plan_ms), 1), round(max(plan_ms), 1)],
            "plan_pdf_pages": first.pages,
            "plan_pdf_bytes": len(first.pdf),
            "cold_plan_pdf_ms": round(cold, 1),
            "assessment_pdf_ms": round(median(assessment_ms), 1),
            "assessment_pdf_pages": assessment_pdf.pages,
            "export_pdf_ms": round(median(export_ms), 1),
            "form_open_ms": round(median(open_ms), 1),
            "form_open_ms_range": [round(min(open_ms), 1), round(max(open_ms), 1)],
            "form_open_fields": fields,
            "targets": {"plan_pdf_ms": 150, "form_open_ms": 200},
        })
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def screen_open(session, folder: Path, rounds: int) -> tuple[list[float], int]:
    from PySide6.QtWidgets import QApplication

    from ui.desktop import fonts
    from ui.desktop.forms.form_screen import FormScreen

    app = QApplication.instance() or QApplication([])
    fonts.apply(app)
    city = folder / "city-forms"
    city.mkdir()
    eighty_field_form(city)
    session.form_filling.use_forms_dir(city)
    definition = session.form_filling.definition("1-2")
    count = len(list(definition.fields()))
    assert count == FIELDS_WANTED, count
    household = session.households.rows()[0].id
    record_id = session.form_filling.start(household, "1-2").record.id
    times = []
    for _ in range(rounds + 1):
        started = time.perf_counter()
        screen = FormScreen(session, household, record_id=record_id)
        screen.resize(1000, 800)
        screen.show()
        app.processEvents()
        times.append((time.perf_counter() - started) * 1000)
        screen.close()
        screen.deleteLater()
        app.processEvents()
    return times[1:], count  # the first opening also loads Qt's style and fonts


if __name__ == "__main__":
    main()
