"""argparse's own words in Japanese: usage lines, section titles, --help, and the errors it
raises itself (a missing argument, a wrong choice, an unknown option).

argparse looks its strings up through the module-level ``_`` and ``ngettext`` (gettext) each time
it uses them, so replacing those two in the argparse module is enough; the table below covers
every user-facing string argparse 3.11 has. A string that is not in it stays as argparse wrote it.
"""

from __future__ import annotations

import argparse

STRINGS = {
    "usage: ": "使い方: ",
    "positional arguments": "引数",
    "options": "オプション",
    "subcommands": "コマンド",
    "show this help message and exit": "この説明を表示して終わる",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s の指定: %(message)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "「%(parser_name)s」というコマンドはありません（使えるもの: %(choices)s）",
    "can't open '%(filename)s': %(error)s": "「%(filename)s」を開けません: %(error)s",
    "unrecognized arguments: %s": "知らない引数があります: %s",
    "not allowed with argument %s": "%s と一緒には使えません",
    "ignored explicit argument %r": "値 %r は使えません",
    "the following arguments are required: %s": "次の指定が必要です: %s",
    "one of the arguments %s is required": "%s のどれかを指定してください",
    "expected one argument": "値を1つ指定してください",
    "expected at most one argument": "値は1つまでです",
    "expected at least one argument": "値を1つ以上指定してください",
    "ambiguous option: %(option)s could match %(matches)s": "オプション %(option)s があいまいです（候補: %(matches)s）",
    "unexpected option string: %s": "ここでは使えないオプションです: %s",
    "invalid %(type)s value: %(value)r": "%(value)r は正しい値ではありません（%(type)s）",
    "invalid choice: %(value)r (choose from %(choices)s)": "%(value)r は選べません（選べるもの: %(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s: 指定が正しくありません: %(message)s\n",
    "cannot have multiple subparser arguments": "コマンドは1つだけ指定してください",
}
PLURALS = {"expected %s argument": "値を %s 個指定してください"}
TYPE_NAMES = {"int": "整数", "float": "数"}


def _(text: str) -> str:
    return STRINGS.get(text, text)


def _n(singular: str, plural: str, n: int) -> str:
    return PLURALS.get(singular, singular if n == 1 else plural)


def install() -> None:
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = _n  # type: ignore[attr-defined]
