"""Shapes of answers shared by several routes."""

from __future__ import annotations

import base64

import msgpack
from fastapi.responses import Response

from sync import protocol as p


def b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def msgpack_response(content: dict) -> Response:
    return Response(msgpack.packb(content, use_bin_type=True), media_type=p.MSGPACK)


def org_json(org_id: str, name: str, sign_public: bytes | None, box_public: bytes | None,
             keys_signature: bytes | None) -> dict:
    return {"id": org_id, "name": name, "sign_public": b64(sign_public), "box_public": b64(box_public),
            "keys_signature": b64(keys_signature)}


def revocation_json(revoked_ms: int | None, signature: bytes | None) -> dict | None:
    """The org's signed revocation of a device, as relayed to devices (null when none)."""
    if not signature or revoked_ms is None:
        return None
    return {"revoked_ms": revoked_ms, "signature": b64(signature)}
