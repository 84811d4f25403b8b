"""Push, pull and backfill: envelopes travel as MessagePack, so ciphertext stays binary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from sync import protocol as p

from . import db, log_store, maintenance
from .answers import b64, msgpack_response
from .auth import Device, EngineDep
from .bodies import json_body, msgpack_body
from .models import MAX_SEQ, BackfillRequest, ChainsRequest, PushRequest

router = APIRouter(prefix=p.PREFIX)


@router.post("/push")
def push(caller: Device, engine: EngineDep,
         req: Annotated[PushRequest, Depends(msgpack_body(PushRequest))]) -> dict:
    answer = log_store.push(engine, caller, req.envelopes)
    maintenance.note_rows(engine, len(req.envelopes))
    return {**answer, "prevs": [b64(c) for c in answer["prevs"]], "chains": [b64(c) for c in answer["chains"]],
            "log": log_json(answer["log"])}


@router.get("/pull")
def pull(caller: Device, engine: EngineDep, after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
         limit: Annotated[int, Query(ge=1, le=p.MAX_PULL_LIMIT)] = p.MAX_PULL_LIMIT) -> Response:
    return msgpack_response(log_store.pull(engine, caller, after, limit))


@router.post("/backfill")
def backfill(caller: Device, engine: EngineDep,
             req: Annotated[BackfillRequest, Depends(json_body(BackfillRequest))]) -> Response:
    return msgpack_response(log_store.backfill(engine, caller, req.vaults, req.limit))


@router.post("/log/chains")
def chains(caller: Device, engine: EngineDep,
           req: Annotated[ChainsRequest, Depends(json_body(ChainsRequest))]) -> dict:
    """The log's chain at each seq asked (null beyond the head): how a device finds the last
    point up to which the store still holds the log it remembers."""
    with db.read(engine) as conn:
        head = log_store.head_json(conn)
        found = log_store.chains_at(conn, req.seqs, head["head"])
    return {**log_json(head), "chains": [b64(found.get(s)) for s in req.seqs]}


def log_json(head: dict) -> dict:
    return {"epoch": head["epoch"], "head": head["head"], "chain": b64(head["chain"])}
