"""Vault registration, the caller's vaults, and membership."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from sync import protocol as p

from . import vaults
from .auth import Device, EngineDep, Office
from .bodies import json_body
from .models import VaultBatchRequest, VaultRequest

router = APIRouter(prefix=p.PREFIX)
VaultId = Annotated[str, Path(pattern=p.ID_PATTERN.pattern)]
Login = Annotated[str, Path(pattern=p.LOGIN_PATTERN.pattern)]


@router.post("/vaults")
def register(caller: Device, engine: EngineDep,
             req: Annotated[VaultRequest, Depends(json_body(VaultRequest))]) -> dict:
    return vaults.register(engine, caller, [req])[0]


@router.post("/vaults/batch")
def register_batch(caller: Device, engine: EngineDep,
                   req: Annotated[VaultBatchRequest, Depends(json_body(VaultBatchRequest))]) -> dict:
    return {"vaults": vaults.register(engine, caller, req.vaults)}


@router.get("/vaults")
def list_vaults(caller: Device, engine: EngineDep) -> dict:
    return {"vaults": vaults.of_account(engine, caller)}


@router.put("/vaults/{vault_id}/members/{login}")
def add_member(caller: Office, engine: EngineDep, vault_id: VaultId, login: Login) -> dict:
    return vaults.add_member(engine, caller, vault_id, login)


@router.get("/vaults/{vault_id}/members")
def list_members(caller: Device, engine: EngineDep, vault_id: VaultId) -> dict:
    return {"members": vaults.list_members(engine, caller, vault_id)}
