"""Vault registration, the caller's vaults, key rotation, and membership statements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from sync import protocol as p

from . import maintenance, statements, vaults
from .answers import b64
from .auth import Device, EngineDep, Office
from .bodies import json_body
from .models import MAX_SEQ, MembershipRequest, RotateRequest, VaultBatchRequest, VaultRequest

router = APIRouter(prefix=p.PREFIX)
VaultId = Annotated[str, Path(pattern=p.ID_PATTERN.pattern)]


@router.post("/vaults")
def register(caller: Device, engine: EngineDep,
             req: Annotated[VaultRequest, Depends(json_body(VaultRequest))]) -> dict:
    answer = vaults.register(engine, caller, [req])[0]
    maintenance.note_rows(engine, 1)
    return answer


@router.post("/vaults/batch")
def register_batch(caller: Device, engine: EngineDep,
                   req: Annotated[VaultBatchRequest, Depends(json_body(VaultBatchRequest))]) -> dict:
    answer = vaults.register(engine, caller, req.vaults)
    maintenance.note_rows(engine, len(req.vaults))
    return {"vaults": answer}


@router.get("/vaults")
def list_vaults(caller: Device, engine: EngineDep) -> dict:
    return {"vaults": vaults.of_account(engine, caller)}


@router.post("/vaults/{vault_id}/keys")
def rotate(caller: Office, engine: EngineDep, vault_id: VaultId,
           req: Annotated[RotateRequest, Depends(json_body(RotateRequest))]) -> dict:
    return vaults.rotate(engine, caller, vault_id, req)


@router.post("/membership")
def post_statements(caller: Office, engine: EngineDep,
                    req: Annotated[MembershipRequest, Depends(json_body(MembershipRequest))]) -> dict:
    return {"applied": statements.apply(engine, caller, req.statements)}


@router.get("/membership")
def get_statements(caller: Device, engine: EngineDep, after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0) -> dict:
    answer = statements.feed(engine, caller, after)
    return {"statements": [{**s, "signature": b64(s["signature"])} for s in answer["statements"]],
            "next": answer["next"]}


@router.get("/vaults/{vault_id}/members")
def list_members(caller: Device, engine: EngineDep, vault_id: VaultId) -> dict:
    return {"members": vaults.list_members(engine, caller, vault_id)}
