"""Errors a user must act on, and the one place that words them in Japanese.

    AppError                 a refusal or a problem with what the user gave, already worded
    ├── Refused              a programme rule forbids the step (lifecycle, meetings, consent)
    ├── InvalidInput         a field's value cannot be used; names the field
    └── NotFound             the household, case or record does not exist (here)

Errors from the store (wrong passphrase, damaged profile, …) are defined in `storage` and
worded by `describe`, so the command line and the window always say the same thing.
"""

from __future__ import annotations

from storage.errors import (
    DamagedProfile,
    MigrationFailed,
    ProfileExists,
    ProfileNotFound,
    ProfileTooNew,
    StorageError,
    UnlockThrottled,
    WrongPassphrase,
)


class AppError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Refused(AppError):
    pass


class InvalidInput(AppError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(AppError):
    pass


def describe(exc: BaseException) -> str:
    """What to tell the user about an error, in Japanese, without internals."""
    if isinstance(exc, AppError):
        return exc.message
    if isinstance(exc, WrongPassphrase):
        text = "パスフレーズが違います。"
        if exc.wait_seconds > 0:
            text += f"続けて間違えたため、{exc.wait_seconds:.0f}秒待ってから入力してください。"
        return text
    if isinstance(exc, UnlockThrottled):
        return f"パスフレーズの誤りが続いたため、あと{max(1, round(exc.wait_seconds))}秒待ってから入力してください。"
    if isinstance(exc, ProfileNotFound):
        return f"プロファイルが見つかりません: {exc.path}"
    if isinstance(exc, ProfileExists):
        return f"このフォルダにはすでにプロファイルがあります: {exc.path}（上書きはしません）"
    if isinstance(exc, DamagedProfile):
        return (
            f"プロファイルのファイルが壊れているか、yorisoi のものではありません: {exc.path}\n"
            "ファイルは変更していません。バックアップから戻すか、事務局に連絡してください。"
        )
    if isinstance(exc, ProfileTooNew):
        return "このプロファイルは新しい版の yorisoi で作られています。yorisoi を更新してください。"
    if isinstance(exc, MigrationFailed):
        return "プロファイルの更新に失敗しました。ファイルは更新前のまま残っています。事務局に連絡してください。"
    if isinstance(exc, StorageError):
        return "保存領域でエラーが起きました。データは変更していません。"
    if isinstance(exc, OSError):
        return f"ファイルを読み書きできません: {exc.strerror or type(exc).__name__}"
    return "予期しないエラーが起きました。保存済みのデータは失われていません。"
