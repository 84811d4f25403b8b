"""The org's devices and the office's approval of a pending one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from sync import protocol as p

from . import devices
from .auth import AnyDevice, Device, EngineDep
from .bodies import json_body
from .models import ApproveRequest

router = APIRouter(prefix=p.PREFIX)
DeviceId = Annotated[str, Path(pattern=p.ID_PATTERN.pattern)]


@router.get("/devices")
def list_devices(caller: Device, engine: EngineDep) -> dict:
    return {"devices": devices.of_org(engine, caller)}


@router.post("/devices/{device_id}/approve")
def approve(caller: AnyDevice, engine: EngineDep, device_id: DeviceId,
            req: Annotated[ApproveRequest, Depends(json_body(ApproveRequest))]) -> dict:
    devices.approve(engine, caller, device_id, req.signature)
    return {"device_id": device_id, "status": "approved"}
