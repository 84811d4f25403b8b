"""Line breaking for Japanese with kinsoku (禁則処理).

Rules (JIS X 4051, simplified as city forms apply them):
* no line starts with closing brackets, 。、 and other punctuation, small kana or ー
  (行頭禁則); 。、，． that do not fit hang into the margin (ぶら下げ) instead of moving down;
* no line ends with an opening bracket (行末禁則): it moves to the next line;
* runs of Latin letters and digits (a word, a phone number) are not cut unless longer
  than a whole line.
Every character of the input appears in the output lines, in order (tests check this):
wrapping never loses text.
"""

from __future__ import annotations

from collections.abc import Callable

NO_START = set("、。，．,.・：；:;？！?!‐゠–〜～ー）)］]｝}〕〉》」』】〙〗〟’”｠»"
               "ヽヾゝゞ々〻ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
               "ｧｨｩｪｫｬｭｮｯｰ｡､｣ﾞﾟ%％‰℃°′″")
NO_END = set("（([｛{〔〈《「『【〘〖〝‘“｟«")
HANGING = set("、。，．,.｡､")


def _wordish(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-_/@#&+'") or ch in "０１２３４５６７８９"


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines no wider than ``width`` (bar a hanging 。、), keeping kinsoku; "\\n" breaks a line."""
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.extend(_paragraph(paragraph, width, measure) or [""])
    return lines


def _paragraph(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    i = 0
    while i < len(text):
        ch = text[i]
        w = measure(ch)
        if used + w <= width or not line:
            line.append(ch)
            used += w
            i += 1
            continue
        closes = i + 1 < len(text) and text[i + 1] in NO_START
        if ch in HANGING and not closes:  # ぶら下げ: the comma or stop stays on this line, past the edge
            line.append(ch)
            i += 1
            lines.append("".join(line))
            line, used = [], 0.0
            continue
        carry = _carry(line, ch, text, i)
        if carry:
            moved, line = line[-carry:], line[:-carry]
        else:
            moved = []
        lines.append("".join(line))
        line = moved
        used = sum(measure(c) for c in line)
    if line:
        lines.append("".join(line))
    return lines


def _carry(line: list[str], next_ch: str, text: str, index: int) -> int:
    """How many characters at the end of ``line`` must move down with ``next_ch``."""
    limit = max(0, len(line) - 1)  # always leave at least one character on a line
    carry = 0
    # 行頭禁則: the next line may not start with next_ch → pull characters down until it may.
    while carry < limit and (next_ch in NO_START if carry == 0 else line[-carry] in NO_START):
        carry += 1
    # 行末禁則: the line may not end with an opening bracket.
    while carry < limit and line[-carry - 1] in NO_END:
        carry += 1
    # A Latin word or a number stays whole when it is shorter than half the line.
    if carry == 0 and _wordish(next_ch) and _wordish(line[-1]):
        start = len(line)
        while start > 0 and _wordish(line[start - 1]):
            start -= 1
        if start > 0 and len(line) - start < len(line) // 2:
            carry = len(line) - start
    return min(carry, limit)
