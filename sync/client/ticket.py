"""What a device must find at the store before it sends its enrolment code.

A ticket (protocol.encode_ticket) names the store's certificate and the organisation's key; a
bare code with `--server-fingerprint` / `--org-fingerprint` says the same in three parts. Only a
store on this machine (loopback) may be enrolled on with nothing to check: no network lies in
between, so there is nobody to sit in the middle. Anything else that would have to be trusted
on first use is refused here, before a byte reaches the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sync import protocol
from sync.client.errors import InsecureServer, TicketRefused
from sync.client.identity import Identity
from sync.client.remote import cert_sha256


@dataclass(frozen=True)
class Expected:
    code: str
    cert_sha256: bytes | None
    org_fingerprint: str | None  # hex digits only
    loopback: bool


def expected(server: str, code_or_ticket: str, server_fingerprint: str | None = None,
             org_fingerprint: str | None = None) -> Expected:
    try:
        parts = urlsplit(server.strip())
        host = parts.hostname
    except ValueError:
        raise TicketRefused("bad_url") from None
    if parts.scheme not in ("http", "https") or not host:
        raise TicketRefused("bad_url")
    loopback = protocol.is_loopback(host)
    if parts.scheme == "http" and not loopback:
        raise InsecureServer(host)
    text = code_or_ticket.strip()
    if text[:len(protocol.TICKET_PREFIX)].lower() == protocol.TICKET_PREFIX:
        if server_fingerprint or org_fingerprint:
            raise TicketRefused("mixed")  # which would win? neither: the person decides
        try:
            ticket = protocol.decode_ticket(text)
        except protocol.BadTicket:
            raise TicketRefused("unreadable") from None
        cert, org = ticket.cert_sha256, ticket.org_fingerprint
        code = ticket.code
    else:
        code = text
        cert = _digest(server_fingerprint, 64, bytes.fromhex)
        org = _digest(org_fingerprint, 32, str)
    if parts.scheme == "https" and cert is None and not loopback:
        raise TicketRefused("no_certificate")
    if parts.scheme == "http" and cert is not None:
        raise TicketRefused("needs_tls")
    return Expected(code=code, cert_sha256=cert, org_fingerprint=org, loopback=loopback)


def _digest(text: str | None, digits: int, convert):
    if not text or not text.strip():
        return None
    hexed = protocol.normalise_fingerprint(text)
    if len(hexed) != digits:
        raise TicketRefused("bad_fingerprint")
    return convert(hexed)


def from_pins(identity: Identity, code_or_ticket: str) -> tuple[str, bool | None]:
    """A ticket for this code made from what this device pinned (its store certificate and
    organisation key), so the office need not take the store's word for the fingerprints.
    Given a ticket instead, also whether its fingerprints are this device's (True / False);
    None for a bare code."""
    text = code_or_ticket.strip()
    given = None
    if text[:len(protocol.TICKET_PREFIX)].lower() == protocol.TICKET_PREFIX:
        try:
            given = protocol.decode_ticket(text)
        except protocol.BadTicket:
            raise TicketRefused("unreadable") from None
        text = given.code
    cert = cert_sha256(identity.cert_pem) if identity.cert_pem else None
    org = protocol.fingerprint(identity.org_box_public, identity.org_sign_public) if identity.org_sign_public else None
    try:
        made = protocol.encode_ticket(text, cert, org)
    except protocol.BadTicket:
        raise TicketRefused("unreadable") from None
    if given is None:
        return made, None
    wanted = protocol.normalise_fingerprint(org) if org else None
    return made, given.cert_sha256 == cert and given.org_fingerprint == wanted
