"""Typed errors of the sync client; `app.errors.describe` words them in Japanese.

    SyncError
    ├── NotEnrolled          this profile has not been enrolled on a central store
    ├── Unreachable          no connection (offline, server down, timeout, cut mid-way)
    ├── CertificateMismatch  the server's TLS certificate is not the one pinned (or the ticket's),
    │                        and the organisation did not sign the new one
    ├── OrgKeyMismatch       at enrolment, the store presents another organisation key than the ticket's
    ├── InsecureServer       plain http:// to a host that is not this machine
    ├── TicketRefused        an enrolment that would have to trust something on first use, or a bad ticket
    ├── ProtocolError        the server answered something this client cannot read
    ├── IntegrityFailure     a signature, a tag or a key copy does not verify: refused, not used
    └── ServerRefused        a 4xx answer, with the protocol's error code
        ├── DevicePending    the office has not approved this device yet
        ├── DeviceRevoked    the office revoked this device
        ├── ProtocolOld      the store speaks a newer protocol: this yorisoi must be updated
        └── CodeRejected     an enrolment code that is unknown, used or expired
"""

from __future__ import annotations


class SyncError(Exception):
    pass


class NotEnrolled(SyncError):
    pass


class Unreachable(SyncError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CertificateMismatch(SyncError):
    def __init__(self, expected: str, found: str) -> None:
        super().__init__(f"certificate {found} is not the pinned {expected}")
        self.expected = expected
        self.found = found


class OrgKeyMismatch(SyncError):
    def __init__(self, expected: str, found: str) -> None:
        super().__init__(f"organisation key {found or 'none'} is not the ticket's {expected}")
        self.expected = expected
        self.found = found


class InsecureServer(SyncError):
    def __init__(self, host: str) -> None:
        super().__init__(f"plain http to {host}")
        self.host = host


class TicketRefused(SyncError):
    """reason: 'unreadable' (not a ticket or a mistyped one), 'bad_url', 'no_certificate' (https
    to another machine without the certificate's fingerprint), 'needs_tls' (a ticket with a
    certificate given an http:// address), 'bad_fingerprint', 'mixed' (a ticket and fingerprints
    beside it), 'org_unverified' (a store that
    already has organisation keys, reached without their fingerprint)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProtocolError(SyncError):
    pass


class IntegrityFailure(SyncError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} does not verify")
        self.what = what


class ServerRefused(SyncError):
    def __init__(self, status: int, code: str, detail: str = "") -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail


class DevicePending(ServerRefused):
    pass


class DeviceRevoked(ServerRefused):
    """``revocation`` is what the store relayed ({"revoked_ms", "signature"} or None); it counts
    only once verified against the pinned organisation key (`sync.client.revocation`)."""

    revocation: dict | None = None


class ProtocolOld(ServerRefused):
    pass


class CodeRejected(ServerRefused):
    pass
