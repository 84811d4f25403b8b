"""The org's devices, the office's approval of a pending one and revocation of any other, and
a device's report of what it has not sent."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from sync import protocol as p

from . import devices, maintenance
from .auth import AnyDevice, Device, EngineDep, Office
from .bodies import json_body
from .models import ApproveRequest, RevokeRequest, UnsentReport

router = APIRouter(prefix=p.PREFIX)
DeviceId = Annotated[str, Path(pattern=p.ID_PATTERN.pattern)]


@router.get("/devices")
def list_devices(caller: Device, engine: EngineDep) -> dict:
    return {"devices": devices.of_org(engine, caller)}


@router.post("/devices/{device_id}/approve")
def approve(caller: AnyDevice, engine: EngineDep, device_id: DeviceId,
            req: Annotated[ApproveRequest, Depends(json_body(ApproveRequest))]) -> dict:
    devices.approve(engine, caller, device_id, req.signature)
    maintenance.note_rows(engine, 1)
    return {"device_id": device_id, "status": "approved"}


@router.post("/devices/{device_id}/revoke")
def revoke(caller: Office, engine: EngineDep, device_id: DeviceId,
           req: Annotated[RevokeRequest, Depends(json_body(RevokeRequest))]) -> dict:
    revocation = devices.revoke(engine, caller, device_id, req.revoked_ms, req.signature)
    return {"device_id": device_id, "status": "revoked", "revocation": revocation}


@router.post("/me/unsent")
def report_unsent(caller: Device, engine: EngineDep,
                  req: Annotated[UnsentReport, Depends(json_body(UnsentReport))]) -> dict:
    devices.report_unsent(engine, caller, req.count, req.oldest_ms, req.newest_ms)
    return {"count": req.count}
