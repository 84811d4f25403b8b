"""Reading the passphrase: from YORISOI_PASSPHRASE (scripts, CI) or from the terminal."""

from __future__ import annotations

import getpass
import os
import sys

ENV = "YORISOI_PASSPHRASE"


class NoPassphrase(Exception):
    pass


def read(prompt: str = "パスフレーズ: ", *, confirm: bool = False, env: str = ENV) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise NoPassphrase(f"パスフレーズを環境変数 {env} で渡すか、端末から入力してください。")
    first = _prompt(prompt)
    if confirm:
        again = _prompt("もう一度入力してください: ")
        if again != first:
            raise NoPassphrase("2回の入力が一致しません。")
    return first


def _prompt(prompt: str) -> str:
    try:
        return getpass.getpass(prompt)
    except EOFError:  # Ctrl+D, or the input ended
        print(file=sys.stderr)  # the prompt left the cursor at the end of its line
        raise NoPassphrase("パスフレーズが入力されませんでした（入力が終わりました）。何も変更していません。") from None
