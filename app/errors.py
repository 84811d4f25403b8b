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
    DamagedPages,
    DamagedProfile,
    MigrationFailed,
    ProfileExists,
    ProfileNotFound,
    ProfileTooNew,
    StorageError,
    UnlockThrottled,
    WrongPassphrase,
)
from storage.integrity import is_damage
from sync.client.enrolment import AlreadyEnrolled, NotOffice, UnknownDevice
from sync.client.errors import (
    CertificateMismatch,
    CodeRejected,
    DevicePending,
    DeviceRevoked,
    InsecureServer,
    IntegrityFailure,
    NotEnrolled,
    OrgKeyMismatch,
    ProtocolError,
    ProtocolOld,
    ServerRefused,
    SyncError,
    TicketRefused,
    Unreachable,
)
from sync.client.revocation import CannotRevokeSelf


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


class DeviceStopped(DeviceRevoked):
    """The organisation revoked this device (``signed``) and the device did what that means;
    or the store said so without the organisation's signature (nothing was touched)."""

    def __init__(self, *, signed: bool, revoked_ms: int | None = None, file: str | None = None, count: int = 0,
                 oldest_ms: int | None = None, newest_ms: int | None = None) -> None:
        super().__init__(403, "device_revoked", "revoked" if signed else "revocation not signed by the organisation")
        self.signed = signed
        self.revoked_ms = revoked_ms
        self.file = file
        self.count = count
        self.oldest_ms = oldest_ms
        self.newest_ms = newest_ms


def describe(exc: BaseException) -> str:
    """What to tell the user about an error, in Japanese, without internals."""
    if isinstance(exc, AppError):
        return exc.message
    if isinstance(exc, SyncError):
        return describe_sync(exc)
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
    if isinstance(exc, DamagedPages) or is_damage(exc):
        return (
            "プロファイルのデータベースに、壊れているか書き換えられた部分があります。処理を中止しました"
            "（ファイルは変更していません）。\n"
            "「yorisoi check」で確かめ、バックアップから戻すか、事務局に連絡してください。"
        )
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


def describe_sync(exc: SyncError) -> str:
    if isinstance(exc, NotEnrolled):
        return "この端末はまだ中央ストアに登録されていません。先に「yorisoi enrol」で登録してください。"
    if isinstance(exc, AlreadyEnrolled):
        return "この端末はすでに中央ストアに登録されています。"
    if isinstance(exc, Unreachable):
        return ("中央ストアに接続できません（" + _reach(exc.reason) + "）。オフラインのまま作業を続けられます。"
                "記録はこの端末に保存されており、次に接続できたときに送られます。")
    if isinstance(exc, CertificateMismatch):
        return ("中央ストアの証明書が変わりました（登録時または登録チケットの証明書と違い、組織の鍵の署名もありません）。"
                "なりすましの可能性があるため、何も送らずに接続を中止しました。事務局に連絡してください。")
    if isinstance(exc, OrgKeyMismatch):
        return ("中央ストアが示した組織の鍵が、登録チケットの指紋と違います。なりすましの可能性があるため、"
                "登録コードを送らずに中止しました（この端末には何も保存していません）。事務局に連絡してください。")
    if isinstance(exc, InsecureServer):
        return (f"http:// ではこの端末の外（{exc.host}）に接続できません（登録コードやトークンが暗号化されずに流れます）。"
                "https:// で始まるアドレスを指定してください。http:// はこのコンピュータ上の中央ストア"
                "（127.0.0.1、::1、localhost）にだけ使えます。")
    if isinstance(exc, TicketRefused):
        return _TICKET_REFUSALS.get(exc.reason, _TICKET_REFUSALS["unreadable"])
    if isinstance(exc, IntegrityFailure):
        return (f"中央ストアから受け取ったデータの署名を確認できませんでした（{exc.what}）。使わずに中止しました。"
                "事務局に連絡してください。")
    if isinstance(exc, DevicePending):
        return "この端末はまだ事務局に承認されていません。端末の指紋を事務局に伝え、承認を受けてから同期してください。"
    if isinstance(exc, DeviceStopped):
        return _stopped(exc)
    if isinstance(exc, DeviceRevoked):
        return "この端末の利用は事務局によって停止されています。事務局に連絡してください。"
    if isinstance(exc, ProtocolOld):
        return "このパソコンのyorisoiが古いため、中央ストアと同期できません。yorisoiを更新してください（記録はこの端末に保存されています）。"
    if isinstance(exc, CodeRejected):
        if exc.code == "code_expired":
            return "登録コードの有効期限が切れています。事務局に新しいコードを発行してもらってください。"
        return "登録コードが正しくないか、すでに使われています。コードを確かめるか、新しいコードを発行してもらってください。"
    if isinstance(exc, NotOffice):
        return "この操作は事務局（多機関協働）の端末でのみ行えます。"
    if isinstance(exc, CannotRevokeSelf):
        return "いま使っているこの端末は停止できません。別の事務局の端末から行ってください。"
    if isinstance(exc, UnknownDevice):
        return (f"指紋 {exc.fingerprint} の端末は見つかりません（承認できるのは承認待ちの端末だけです）。"
                "「yorisoi devices」で確かめてください。")
    if isinstance(exc, ServerRefused):
        return _refusal(exc)
    if isinstance(exc, ProtocolError):
        return "中央ストアの応答を読めませんでした。yorisoi の版が合っているか事務局に確かめてください。"
    return "同期できませんでした。保存済みのデータは失われていません。"


_TICKET_REFUSALS = {
    "unreadable": "登録チケットを読めません（yrs1: で始まる文字列を、途中を欠かさずに貼り付けるか入力してください）。"
                  "1文字違っても検出します。事務局に確かめてください。",
    "bad_url": "中央ストアのアドレスが正しくありません（例: https://yorisoi.city.local:8443）。",
    "no_certificate": "登録チケットがないと、この中央ストアに登録できません（証明書を確かめる手段がないため）。"
                      "事務局から受け取った登録チケット（yrs1: で始まる文字列）を指定してください。",
    "needs_tls": "この登録チケットは https の中央ストア用です。アドレスを https:// で始めてください。",
    "mixed": "登録チケットには指紋が含まれています。--server-fingerprint と --org-fingerprint は --code と一緒に使ってください。",
    "bad_fingerprint": "指紋の形式が正しくありません（証明書は16進64桁、組織の鍵は16進32桁）。",
    "org_unverified": ("この登録チケットには組織の鍵の指紋がありません（組織の最初の端末用です）が、中央ストアには既に"
                       "組織の鍵がありました。確かめられない鍵は使わず、登録を中止しました。事務局に新しい登録チケットを"
                       "発行してもらってください。"),
}


def _stopped(exc: DeviceStopped) -> str:
    if not exc.signed:
        return ("中央ストアはこの端末を停止したと答えましたが、組織（事務局）の署名を確認できません。"
                "この端末のデータはそのまま残しています。事務局に連絡してください。")
    when = f"（{_when(exc.revoked_ms)}）" if exc.revoked_ms else ""
    text = f"この端末は事務局により停止されました{when}。"
    if exc.count and exc.file:
        span = f"、{_span(exc.oldest_ms, exc.newest_ms)}" if exc.oldest_ms else ""
        text += (f"送信していなかった記録 {exc.count} 件{span}は、事務局だけが開ける形で次のファイルに封印して保存しました: "
                 f"{exc.file}　このファイルを事務局に渡してください（事務局が取り込めば、入力した内容は失われません）。")
    else:
        text += "送信していない記録はありませんでした。"
    return text + "この端末からは世帯のデータを削除しました。"


def _span(first: int | None, last: int | None) -> str:
    a, b = _when(first), _when(last)
    return a if a == b else f"{a}〜{b}"


def _when(ms: int | None) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M") if ms else ""


def _reach(reason: str) -> str:
    if reason == "timeout":
        return "応答がありません"
    if reason == "connect":
        return "接続先が見つからないか、応答しません"
    if reason.startswith("server error"):
        return "中央ストアで障害が起きています"
    return "通信が途中で切れました"


def _refusal(exc: ServerRefused) -> str:
    texts = {
        "unauthorized": "この端末の認証情報が中央ストアに認められませんでした。事務局に連絡してください。",
        "forbidden": "この操作の権限がありません（担当外の世帯か、事務局だけの操作です）。",
        "not_found": "中央ストアに該当するものがありません（利用者名や世帯を確かめてください）。",
        "conflict": "中央ストアの記録と食い違いがあります。",
        "too_large": "送るデータが大きすぎます。",
        "rate_limited": ("短い時間に試行が多すぎます。しばらく（最長1時間）待ってからやり直してください。"
                         "登録の場合は、事務局に新しい登録チケットを発行してもらうこともできます。"),
        "bad_signature": "署名が正しくありません。",
    }
    return texts.get(exc.code, "中央ストアが要求を受け付けませんでした。") + f"（{exc.status} {exc.code}）"
