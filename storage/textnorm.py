"""Text folding for Japanese search: what the user types should find what was written.

NFKC folds half-width kana and full-width ASCII (ｶﾅ→カナ, ＡＢ→AB), casefold folds Latin case,
hiragana is folded to katakana so that やまだ finds ヤマダ in a kana field, and 異体字 fold to
their ordinary form (storage/itaiji.py) so that 高崎 finds 髙﨑 and 吉男 finds 𠮷男. Every
folding maps one code point to one, so positions in folded text match the original's.
"""

from __future__ import annotations

import unicodedata

from storage import itaiji

_HIRA_TO_KATA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_HIRA_TO_KATA.update({0x309D: 0x30FD, 0x309E: 0x30FE})
_TABLE = {**_HIRA_TO_KATA, **itaiji.TABLE}  # one translate: the variants cost nothing more


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)


def squeeze(text: str) -> str:
    """Without white space, so a name finds itself however it was spaced."""
    return "".join(text.split())
