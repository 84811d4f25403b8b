"""Text folding for Japanese search: what the user types should find what was written.

NFKC folds half-width kana and full-width ASCII (ｶﾅ→カナ, ＡＢ→AB), casefold folds Latin case,
and hiragana is folded to katakana so that やまだ finds ヤマダ in a kana field.
"""

from __future__ import annotations

import unicodedata

_HIRA_TO_KATA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_HIRA_TO_KATA.update({0x309D: 0x30FD, 0x309E: 0x30FE})


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().translate(_HIRA_TO_KATA)


def squeeze(text: str) -> str:
    """Without white space, so a name finds itself however it was spaced."""
    return "".join(text.split())
