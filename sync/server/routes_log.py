"""Push, pull and backfill: envelopes travel as MessagePack, so ciphertext stays binary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from sync import protocol as p

from . import log_store
from .answers import msgpack_response
from .auth import Device, EngineDep
from .bodies import json_body, msgpack_body
from .models import MAX_SEQ, BackfillRequest, PushRequest

router = APIRouter(prefix=p.PREFIX)


@router.post("/push")
def push(caller: Device, engine: EngineDep,
         req: Annotated[PushRequest, Depends(msgpack_body(PushRequest))]) -> dict:
    seqs, duplicates = log_store.push(engine, caller, req.envelopes)
    return {"seqs": seqs, "duplicates": duplicates}


@router.get("/pull")
def pull(caller: Device, engine: EngineDep, after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
         limit: Annotated[int, Query(ge=1, le=p.MAX_PULL_LIMIT)] = p.MAX_PULL_LIMIT) -> Response:
    return msgpack_response(log_store.pull(engine, caller, after, limit))


@router.post("/backfill")
def backfill(caller: Device, engine: EngineDep,
             req: Annotated[BackfillRequest, Depends(json_body(BackfillRequest))]) -> Response:
    return msgpack_response(log_store.backfill(engine, caller, req.vaults, req.limit))
