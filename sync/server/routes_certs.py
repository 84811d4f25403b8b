"""The organisation's signatures of the store's certificate (see server_certs)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from sync import protocol as p

from . import server_certs
from .answers import b64
from .auth import EngineDep, Office
from .bodies import json_body
from .models import ServerCertRequest

router = APIRouter(prefix=p.PREFIX)


@router.post("/server-cert")
def sign(caller: Office, engine: EngineDep,
         req: Annotated[ServerCertRequest, Depends(json_body(ServerCertRequest))]) -> dict:
    stored = server_certs.store_signature(engine, caller, req.cert_sha256, req.signature)
    return {"cert_sha256": b64(req.cert_sha256), "stored": stored}


@router.get("/server-cert")
def signature(engine: EngineDep, org: str = "", cert: str = "") -> dict:
    return {"signature": b64(server_certs.signature_of(engine, org, cert))}
