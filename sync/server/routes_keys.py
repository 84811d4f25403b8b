"""Wrapped vault keys: a device's own, the office's recovery copies, copies to supply, uploads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from sync import protocol as p

from . import key_store, maintenance
from .answers import b64
from .auth import Device, EngineDep, Office
from .bodies import json_body
from .models import MAX_SEQ, KeysRequest, RefusedKeysRequest

router = APIRouter(prefix=p.PREFIX)


def _encoded(key: dict) -> dict:
    return {**key, **{k: b64(key[k]) for k in ("wrapped", "commitment", "commitment_signature") if k in key}}


@router.get("/keys")
def own_keys(caller: Device, engine: EngineDep, after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0) -> dict:
    answer = key_store.for_device(engine, caller, after)
    return {"keys": [_encoded(k) for k in answer["keys"]], "next": answer["next"]}


@router.get("/keys/recovery")
def recovery(caller: Office, engine: EngineDep,
             vault_id: Annotated[str | None, Query(pattern=p.ID_PATTERN.pattern)] = None,
             after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0) -> dict:
    if vault_id is not None:
        return {"keys": [_encoded(k) for k in key_store.recovery_copies(engine, caller, vault_id)]}
    answer = key_store.recovery_page(engine, caller, after)
    return {"keys": [_encoded(k) for k in answer["keys"]], "next": answer["next"]}


@router.get("/keys/needed")
def needed(caller: Device, engine: EngineDep) -> dict:
    return {"needed": key_store.needed(engine, caller)}


@router.post("/keys")
def upload(caller: Device, engine: EngineDep, req: Annotated[KeysRequest, Depends(json_body(KeysRequest))]) -> dict:
    stored = key_store.upload(engine, caller, req.keys)
    maintenance.note_rows(engine, len(req.keys))
    return {"stored": stored}


@router.post("/keys/refused")
def refused(caller: Device, engine: EngineDep,
            req: Annotated[RefusedKeysRequest, Depends(json_body(RefusedKeysRequest))]) -> dict:
    return {"removed": key_store.refuse(engine, caller, req.keys)}
