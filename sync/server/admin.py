"""Operations behind `yorisoi-server admin …`: organisations, accounts, enrolment codes, and
the device list. Each refuses bad input with an AdminError whose message (Japanese) is for the
person at the console; the CLI prints it and exits 2."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select

from sync import protocol as p

from . import db, membership
from .ids import code_hash, new_code, new_id, normalise_code, now_ms
from .log_store import lock_head
from .models import showable
from .schema import account, device, enrol_code, org, vault

MAX_HOURS = 24 * 30
ROLE_NAMES = {"office": "事務局", "worker": "支援員"}


class AdminError(Exception):
    """Refused input; str(e) is the Japanese message."""


@dataclass(frozen=True)
class IssuedCode:
    org_name: str
    login: str
    role: str
    kind: str  # 'bootstrap' or 'device'
    code: str
    expires_ms: int
    # The code with what a device must find before it sends it (protocol.encode_ticket): the
    # store's certificate and, once the organisation has keys, the organisation's fingerprint.
    ticket: str
    cert_sha256: bytes | None
    org_fingerprint: str | None


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    org_name: str
    login: str
    role: str
    name: str
    status: str
    fingerprint: str
    last_seen_ms: int | None


def create_org(engine: Engine, name: str, office_login: str = "office", hours: int = 24,
               cert_sha256: bytes | None = None) -> IssuedCode:
    """The organisation founded by its office's first device: its ticket carries only the
    certificate, since the organisation's keys do not exist until that device makes them."""
    name = _org_name(name)
    _check_login(office_login)
    _check_hours(hours)
    now = now_ms()
    with db.write(engine) as conn:
        if conn.scalar(select(org.c.id).where(org.c.name == name)):
            raise AdminError(f"組織「{name}」は既にあります。")
        org_id, account_id = new_id(), new_id()
        conn.execute(insert(org).values(id=org_id, name=name, created_ms=now))
        conn.execute(insert(account).values(id=account_id, org_id=org_id, login=office_login, role="office",
                                            created_ms=now))
        return _issue(conn, name, account_id, office_login, "office", "bootstrap", hours, now, cert_sha256, None)


def add_user(engine: Engine, login: str, org_name: str | None = None, role: str = "worker") -> tuple[str, int]:
    """Returns the org's name and how many shared vaults the account joined."""
    _check_login(login)
    if role not in p.ROLES:
        raise AdminError(f"役割は {' / '.join(p.ROLES)} のいずれかです。")
    with db.write(engine) as conn:
        lock_head(conn)  # first, as every writer of the log (see log_store)
        org_id, name = _resolve_org(conn, org_name)
        if conn.scalar(select(account.c.id).where(account.c.org_id == org_id, account.c.login == login)):
            raise AdminError(f"ログイン名「{login}」は組織「{name}」に既にあります。")
        account_id = new_id()
        conn.execute(insert(account).values(id=account_id, org_id=org_id, login=login, role=role,
                                            created_ms=now_ms()))
        # Everyone shares the org's directory, resources and meetings; the office (多機関協働)
        # belongs to every household too, as it did when each household was registered.
        kinds = p.VAULT_KINDS if role == "office" else p.SHARED_VAULT_KINDS
        joined = list(conn.scalars(select(vault.c.id).where(vault.c.org_id == org_id, vault.c.kind.in_(kinds))))
        for vault_id in joined:
            membership.grant(conn, vault_id, [account_id])
    return name, len(joined)


def enrol_code_for(engine: Engine, login: str, org_name: str | None = None, hours: int = 24,
                   cert_sha256: bytes | None = None) -> IssuedCode:
    _check_hours(hours)
    with db.write(engine) as conn:
        org_id, name = _resolve_org(conn, org_name)
        row = conn.execute(select(account.c.id, account.c.role).where(account.c.org_id == org_id,
                                                                       account.c.login == login)).first()
        if row is None:
            raise AdminError(f"組織「{name}」にログイン名「{login}」はありません。")
        keys = conn.execute(select(org.c.sign_public, org.c.box_public).where(org.c.id == org_id)).first()
        has_keys = keys.sign_public is not None
        if not has_keys and row.role != "office":
            raise AdminError(f"組織「{name}」の鍵がまだ登録されていません。先に事務局の端末を登録してください。")
        # Until the org has keys, only a bootstrap device can do anything useful (post them).
        kind = "device" if has_keys else "bootstrap"
        org_fp = p.fingerprint(keys.box_public, keys.sign_public) if has_keys else None
        return _issue(conn, name, row.id, login, row.role, kind, hours, now_ms(), cert_sha256, org_fp)


def list_devices(engine: Engine, org_name: str | None = None) -> list[DeviceInfo]:
    with db.read(engine) as conn:
        org_id, _name = _resolve_org(conn, org_name)
        rows = conn.execute(
            select(device, account.c.login, account.c.role, org.c.name.label("org_name"))
            .join_from(device, account, account.c.id == device.c.account_id)
            .join(org, org.c.id == account.c.org_id)
            .where(org.c.id == org_id)
            .order_by(device.c.created_ms, device.c.id)).all()
    return [DeviceInfo(id=r.id, org_name=r.org_name, login=r.login, role=r.role, name=r.name, status=r.status,
                       fingerprint=p.fingerprint(r.box_public, r.sign_public), last_seen_ms=r.last_seen_ms)
            for r in rows]


def _issue(conn: Connection, org_name: str, account_id: str, login: str, role: str, kind: str, hours: int,
           now: int, cert_sha256: bytes | None, org_fp: str | None) -> IssuedCode:
    code = new_code()
    expires = now + hours * 3600 * 1000
    conn.execute(insert(enrol_code).values(code_hash=code_hash(normalise_code(code)), account_id=account_id,
                                           kind=kind, created_ms=now, expires_ms=expires))
    return IssuedCode(org_name=org_name, login=login, role=role, kind=kind, code=code, expires_ms=expires,
                      ticket=p.encode_ticket(code, cert_sha256, org_fp), cert_sha256=cert_sha256,
                      org_fingerprint=org_fp)


def _resolve_org(conn: Connection, org_name: str | None) -> tuple[str, str]:
    if org_name is not None:
        row = conn.execute(select(org.c.id, org.c.name).where(org.c.name == org_name.strip())).first()
        if row is None:
            raise AdminError(f"組織「{org_name}」はありません。")
        return row.id, row.name
    rows = conn.execute(select(org.c.id, org.c.name).limit(2)).all()
    if not rows:
        raise AdminError("組織がまだありません。先に create-org で作成してください。")
    if len(rows) > 1:
        raise AdminError("組織が複数あります。--org で組織名を指定してください。")
    return rows[0].id, rows[0].name


def _org_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise AdminError("組織名が空です。")
    if len(name) > 100:
        raise AdminError("組織名は100文字以内にしてください。")
    if not showable(name):
        raise AdminError("組織名に制御文字は使えません。")
    return name


def _check_login(login: str) -> None:
    if not p.LOGIN_PATTERN.fullmatch(login):
        raise AdminError(f"ログイン名「{login}」は使えません。半角英小文字・数字で始まり、"
                         "英小文字・数字・「.」「_」「-」の64文字以内にしてください。")


def _check_hours(hours: int) -> None:
    if not 1 <= hours <= MAX_HOURS:
        raise AdminError(f"有効時間は1〜{MAX_HOURS}時間で指定してください。")
