"""A self-signed certificate for the store, and its SHA-256 fingerprint.

A city's small office rarely has a CA; devices pin the store's certificate at enrolment
instead (its fingerprint travels in the enrolment ticket), and re-pin a new one only when the
organisation's key signed it (`yorisoi server-cert sign`)."""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
import re
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALID_DAYS = 3650
DEFAULT_HOSTS = ("localhost", "127.0.0.1", "::1")
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DNS_NAME = re.compile(rf"(?=.{{1,253}}\Z){_LABEL}(\.{_LABEL})*")


class TlsError(Exception):
    """A certificate that cannot be made or read; the message is Japanese."""


def paths(data: Path) -> tuple[Path, Path]:
    return data / "tls" / "cert.pem", data / "tls" / "key.pem"


def fingerprint(cert_pem: bytes) -> str:
    """SHA-256 of the certificate (DER) as colon-separated hex, as browsers and openssl show it."""
    return ":".join(f"{b:02X}" for b in sha256(cert_pem))


def sha256(cert_pem: bytes) -> bytes:
    """SHA-256 of the certificate's DER: what a ticket carries and the organisation signs."""
    try:
        der = x509.load_pem_x509_certificate(cert_pem).public_bytes(serialization.Encoding.DER)
    except ValueError as e:
        raise TlsError("証明書ファイルを読めません (PEM 形式の証明書を指定してください)。") from e
    return hashlib.sha256(der).digest()


def make_cert(data: Path, hosts: list[str], force: bool = False) -> tuple[Path, Path, str]:
    cert_path, key_path = paths(data)
    if cert_path.exists() and not force:
        raise TlsError(f"証明書が既にあります: {cert_path}\n"
                       "端末は、組織の鍵で署名された証明書にしか切り替えません。新しい証明書は別の --data に作り、"
                       "事務局の端末で yorisoi server-cert sign で署名してから置き換えてください。"
                       "それでも置き換える場合は --force を付けてください。")
    names = list(dict.fromkeys([*hosts, *DEFAULT_HOSTS]))
    san = [_general_name(n) for n in names]
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0]),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "yorisoi central store")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))  # laptops' clocks run behind
            .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
            .add_extension(x509.SubjectAlternativeName(san), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    cert_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _write(key_path, key_pem, 0o600)
    _write(cert_path, cert_pem, 0o644)
    return cert_path, key_path, fingerprint(cert_pem)


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        pass
    if not _DNS_NAME.fullmatch(name):
        raise TlsError(f"ホスト名「{name}」は使えません (例: yorisoi.city.example.jp, 192.168.1.10)。")
    return x509.DNSName(name.lower())


def _write(path: Path, content: bytes, mode: int) -> None:
    """Atomically, with the permissions set before any byte is written."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
