"""The organisation's keys outside the office PC, as the office sees it: print the recovery
sheet, give the keys to a second office device, and restore an office device from either.

The cryptography is `sync.client.recovery` (the sheet's sealed lines, the gift) and
`sync.client.org_keys` (taking over: self-approval, reading the recovery copies); the PDF is
`forms.pdf.recovery_sheet`. This service checks who may do what and words every refusal.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass

from app.errors import Refused
from app.session import Service
from forms.pdf.recovery_sheet import SheetContent, lines_in_pdf, render_sheet
from forms.wareki import format_wareki
from sync import protocol
from sync.client import org_keys, recovery
from sync.client.engine import Report
from sync.client.enrolment import org_fingerprint

GIFT_FORMAT = "yorisoi-org-keys-gift"
MAX_SHEET_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Sheet:
    pdf: bytes
    check_code: str


@dataclass(frozen=True)
class Recovered:
    keys: int
    report: Report


class RecoveryService(Service):
    kdf = recovery.Kdf()  # tests make it cheaper

    def _identity(self):
        return self.session.sync.identity()

    def _office_keys(self):
        identity = self._identity()
        if not identity.is_office or identity.org_keys is None:
            raise Refused("組織の鍵はこの端末にありません。回復シートや鍵の受け渡しは、組織の鍵を持つ事務局の端末で行ってください。")
        return identity

    # -- the sheet -----------------------------------------------------------------------

    def make_sheet(self, passphrase: str, *, device_name: str = "") -> Sheet:
        identity = self._office_keys()
        if len(passphrase) < recovery.MIN_PASSPHRASE:
            raise Refused(f"回復用パスフレーズは {recovery.MIN_PASSPHRASE} 文字以上にしてください。"
                          "紙に書かず、シートとは別の場所に保管します。")
        blob = recovery.seal_sheet(recovery.OrgSecrets(identity.org_id, identity.org_keys), passphrase, self.kdf)
        code = recovery.check_code(blob)
        made_by = device_name or identity.login
        pdf = render_sheet(SheetContent(identity.org_name, org_fingerprint(identity), format_wareki(dt.date.today()),
                                        made_by, tuple(recovery.to_lines(blob)), code),
                           font=self.session.setting("pdf_font"))
        replica = self.session.sync.replica()
        replica.save_state({"recovery_sheet_ms": _now_ms(), "recovery_sheet_code": code})
        with self.store.write() as records:
            self.session.audit(records, "sync.recovery_sheet", detail=code)
        return Sheet(pdf, code)

    def sheet_made(self) -> bool:
        return bool(self.session.sync.replica().state().get("recovery_sheet_ms"))

    @staticmethod
    def sheet_text(data: bytes) -> str:
        """The sheet's lines from a file: the PDF the sheet was printed from, or typed text."""
        if len(data) > MAX_SHEET_BYTES:
            raise Refused("回復シートのファイルが大きすぎます。シートの PDF か、行を打ち込んだテキストを指定してください。")
        if data.startswith(b"%PDF"):
            text = lines_in_pdf(data)
            if text is None:
                raise Refused("この PDF は yorisoi の回復シートではありません。印刷したシートの行を打ち込んでください。")
            return text
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Refused("回復シートのファイルを読めません（文字コードは UTF-8 にしてください）。") from None

    # -- restoring -----------------------------------------------------------------------

    def recover(self, sheet_text: str, passphrase: str) -> Recovered:
        """This office device takes the organisation's keys from the sheet, approves itself and
        reads every vault through the recovery copies; then syncs."""
        identity = self._identity()
        if not identity.is_office:
            raise Refused("回復シートから戻せるのは事務局の利用者の端末だけです。事務局の利用者の登録コードで登録し直してください。")
        try:
            blob = recovery.from_text(sheet_text)
            secrets = recovery.open_sheet(blob, passphrase)
            check = recovery.check_code(blob)
        except recovery.SheetDamaged as exc:
            raise Refused(_damaged(exc)) from None
        except recovery.WrongRecoveryPassphrase:
            raise Refused("回復用パスフレーズが違います（シートの文字はすべて確認できました）。"
                          "パスフレーズを確かめて、もう一度実行してください。何も変更していません。") from None
        done = self._take_over(secrets, "sync.recover")
        # The sheet it came from still opens: this device is not left without one.
        self.session.sync.replica().save_state({"recovery_sheet_ms": _now_ms(), "recovery_sheet_code": check})
        return done

    def _take_over(self, secrets: recovery.OrgSecrets, action: str) -> Recovered:
        identity = self._identity()
        try:
            identity = org_keys.adopt(self.session.sync.replica(), identity, secrets)
        except recovery.ForeignOrganisationKeys:
            raise Refused("この鍵は、この端末が登録された組織のものではありません（組織の鍵の指紋が違います）。"
                          "別の組織のシートか、別の中央ストアに登録されています。何も変更していません。") from None
        remote = self.session.sync.remote(identity)
        report = Report()
        try:
            identity = org_keys.approve_self(self.session.sync.replica(), remote, identity)
            taken = org_keys.read_recovery_copies(self.session.sync.replica(), remote, identity, report)
        finally:
            remote.close()
        with self.store.write() as records:
            self.session.audit(records, action, detail=str(taken))
        return Recovered(taken, self.session.sync.run())

    # -- a second office device ------------------------------------------------------------

    def give(self, fingerprint: str) -> bytes:
        """A file for the approved office device with this fingerprint: the organisation's keys
        sealed to its box key, readable by it alone."""
        identity = self._office_keys()
        wanted = protocol.normalise_fingerprint(fingerprint)
        for device in self.session.sync.verified_devices().values():
            if protocol.normalise_fingerprint(protocol.fingerprint(device["box_public"], device["sign_public"])) != wanted:
                continue
            if device["role"] != "office" or device["status"] != "approved":
                raise Refused("組織の鍵を渡せるのは、承認済みの事務局の端末だけです。")
            if device["id"] == identity.device_id:
                raise Refused("この端末自身には渡せません。渡す先の端末の指紋を指定してください。")
            sealed = recovery.seal_gift(recovery.OrgSecrets(identity.org_id, identity.org_keys), identity.keys,
                                        identity.device_id, device["id"], device["box_public"])
            with self.store.write() as records:
                self.session.audit(records, "sync.org_keys_give", detail=device["login"])
            return json.dumps({"format": GIFT_FORMAT, "version": 1, "org": identity.org_id,
                               "from": identity.device_id, "to": device["id"],
                               "sealed": base64.b64encode(sealed).decode("ascii")}).encode("utf-8")
        raise Refused(f"署名を確認できた端末に、指紋 {fingerprint} のものはありません。「yorisoi devices」で確かめてください。")

    def take(self, data: bytes) -> Recovered:
        identity = self._identity()
        try:
            doc = json.loads(data.decode("utf-8"))
            if doc.get("format") != GIFT_FORMAT or doc.get("version") != 1:
                raise ValueError
            sender, to, sealed = str(doc["from"]), str(doc["to"]), base64.b64decode(doc["sealed"], validate=True)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise Refused("このファイルは組織の鍵の受け渡しファイルではないか、壊れています。") from None
        if to != identity.device_id:
            raise Refused("このファイルは別の端末あてです。この端末の指紋で作り直してもらってください。")
        giver = self.session.sync.verified_devices().get(sender)
        if giver is None or giver["role"] != "office":
            raise Refused("渡した端末が、組織の署名を確認できた事務局の端末ではありません。使わずに中止しました。")
        try:
            secrets = recovery.open_gift(sealed, identity.keys, identity.org_id, sender, to, giver["box_public"])
        except recovery.SheetDamaged:
            raise Refused("受け渡しファイルを開けません（壊れているか、別の端末あてです）。何も変更していません。") from None
        return self._take_over(secrets, "sync.org_keys_take")


def _now_ms() -> str:
    return str(int(dt.datetime.now(dt.UTC).timestamp() * 1000))


def _damaged(exc: recovery.SheetDamaged) -> str:
    if exc.reason == "line check":
        return f"回復シートの {exc.line} 行目の文字が合いません（行末の確認用の2文字と一致しません）。その行を見直してください。何も変更していません。"
    if exc.reason == "missing":
        return f"回復シートの {exc.line} 行目がありません。すべての行を打ち込んでください。何も変更していません。"
    if exc.reason == "check code":
        return "回復シートの確認コードが合いません。シートの行を見直してください。何も変更していません。"
    if exc.reason == "no lines":
        return "回復シートの行が見つかりません。「01  ABCDE …  XY」の形の行を打ち込んでください。"
    return "回復シートが壊れているか、yorisoi の回復シートではありません。何も変更していません。"
