"""The store's certificate, pinned at enrolment, and its rotation under the organisation's key.

A store's certificate expires or its key is replaced; laptops must not then trust whatever they
meet. The office signs the new certificate (`sign`, uploaded before the store presents it); a
device that finds another certificate than its pinned one re-pins it only when the
organisation's key, which it pinned at enrolment, signed it (`repin`). Anything else is a
`CertificateMismatch`: nothing is sent over that connection, not even the token.
"""

from __future__ import annotations

import ssl

from sync import protocol
from sync.client import crypto
from sync.client.errors import CertificateMismatch
from sync.client.identity import Identity
from sync.client.local import Local
from sync.client.remote import Remote, cert_fingerprint, cert_sha256, fetch_certificate


class NotACertificate(ValueError):
    """The file given to `sign` is not a PEM certificate."""


def sign(identity: Identity, remote: Remote, pem: str) -> str:
    """Sign a certificate of the store with the organisation's key and hand the signature to
    the store (the office only). Returns the certificate's fingerprint."""
    try:
        digest = cert_sha256(pem)
    except (ValueError, ssl.SSLError):
        raise NotACertificate("not a PEM certificate") from None
    signature = identity.org_keys.sign(protocol.server_cert_statement(identity.org_id, digest))
    remote.post_server_cert(digest, signature)
    return cert_fingerprint(pem)


def repin(local: Local, identity: Identity) -> bool:
    """After a connection refused the store's certificate: pin the one it presents now if the
    organisation signed it. False when it presents the pinned one after all (the refusal had
    another cause); raises CertificateMismatch when the new one is not signed."""
    pinned = identity.cert_pem
    presented = fetch_certificate(identity.server)
    if not pinned or not presented or not identity.org_sign_public:
        raise CertificateMismatch(cert_fingerprint(pinned) if pinned else "", "?")
    digest = cert_sha256(presented)
    if digest == cert_sha256(pinned):
        return False
    # Pinned to the new certificate for this one question and without the token: the answer is
    # believed only for the organisation's signature it carries.
    probe = Remote(identity.server, cert_pem=presented)
    try:
        signature = probe.server_cert_signature(identity.org_id, digest)
    finally:
        probe.close()
    statement = protocol.server_cert_statement(identity.org_id, digest)
    if signature is None or not crypto.verify(identity.org_sign_public, signature, statement):
        raise CertificateMismatch(cert_fingerprint(pinned), cert_fingerprint(presented))
    local.save_state({"cert_pem": presented})
    return True
