"""Health, enrolment, the bootstrap device's org keys, and /me."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from sync import protocol as p

from . import devices, enrolment
from .auth import AnyDevice, EngineDep
from .bodies import json_body
from .ids import now_ms
from .models import MAX_SEQ, EnrolRequest, OrgKeysRequest

router = APIRouter(prefix=p.PREFIX)


@router.get("/health")
def health() -> dict:
    return {"service": "yorisoi-central-store", "protocol": p.PROTOCOL, "time_ms": now_ms()}


@router.get("/enrol/org")
def enrol_org(engine: EngineDep, fingerprint: str = "") -> dict:
    return {"org": enrolment.org_by_fingerprint(engine, fingerprint)}


@router.post("/enrol")
def enrol(request: Request, engine: EngineDep,
          req: Annotated[EnrolRequest, Depends(json_body(EnrolRequest))]) -> dict:
    address = request.client.host if request.client else "unknown"
    done = enrolment.enrol(engine, address[:100], req)
    request.state.device_id = done.device_id
    return {"device_id": done.device_id, "token": done.token, "status": "pending", "bootstrap": done.bootstrap,
            "account": done.account, "org": done.org, "time_ms": now_ms()}


@router.post("/org/keys")
def org_keys(caller: AnyDevice, engine: EngineDep,
             req: Annotated[OrgKeysRequest, Depends(json_body(OrgKeysRequest))]) -> dict:
    enrolment.post_org_keys(engine, caller, req)
    return {"device_id": caller.device_id, "status": "approved"}


@router.get("/me")
def me(caller: AnyDevice, engine: EngineDep, at: Annotated[int | None, Query(ge=0, le=MAX_SEQ)] = None) -> dict:
    return devices.me(engine, caller, at)
