"""Random answers never crash rendering and never lose text: every character typed is in the
PDF's text (or, when no installed font has it, reported as missing and printed as 〓)."""

from __future__ import annotations

import subprocess
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms.formset import load_form_set
from forms.pdf.fonts import INVISIBLE
from forms.pdf.render import render
from tests.forms.pdf_tools import needs_poppler
from tests.forms.samples import context

PLAN = load_form_set().current("2-1")
JAPANESE = "本人家族支援訪問相談生活就労住まい。、「」（）ー・っゃあいうえおカタカナ髙﨑𠮷"
HALF_KANA = "ｱｲｳｴｵｶﾞﾊﾟｯｰ｡､"
EMOJI = "😀🙏🏠👨‍👩‍👧❤️"
texts = st.one_of(
    st.just(""),
    st.text(alphabet=st.sampled_from(list(JAPANESE + HALF_KANA + EMOJI + "abcXYZ019 \n")), max_size=400),
    st.text(alphabet=st.characters(categories=("L", "N", "P", "S"), max_codepoint=0x2FFFF), max_size=60),
    st.builds(lambda n: "長い記録の文章です。" * n, st.integers(min_value=50, max_value=400)),
)
answers = st.fixed_dictionaries({
    "direction": texts, "wish": texts, "issues_summary": texts, "remarks": texts,
    "monitoring_method": texts, "support_decision_no": texts,
    "goals": st.lists(st.fixed_dictionaries({"goal": texts, "target": texts}), max_size=6),
    "roles": st.lists(st.fixed_dictionaries({"agency_id": st.sampled_from(["A1", "A2", ""]), "task": texts,
                                             "frequency": texts, "lead": st.booleans()}), max_size=8),
    "uses_outreach": st.booleans(), "outreach_detail": texts,
})


def _extract(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True).stdout.decode()


@needs_poppler
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers)
def test_random_answers_render_and_keep_every_character(tmp_path, filled):
    result = render(PLAN, filled, context())
    assert result.pdf.startswith(b"%PDF")
    typed = Counter()
    for key, value in filled.items():
        if key == "outreach_detail" and not filled["uses_outreach"]:
            continue  # hidden by its condition: kept in the answers, not printed
        for text in ([value] if isinstance(value, str) else
                     [v for row in value for v in row.values() if isinstance(v, str) and v not in ("A1", "A2")]
                     if isinstance(value, list) else []):
            typed.update(ch for ch in text if not ch.isspace() and ord(ch) not in INVISIBLE)
    printed = Counter(_extract(result.pdf, tmp_path))
    lost = {ch: n for ch, n in typed.items() if printed[ch] < n and ch not in result.missing}
    assert not lost, lost
