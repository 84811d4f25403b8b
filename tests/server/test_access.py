"""Who may call what: unknown tokens, pending and revoked devices, workers on office calls,
non-members and other organisations on every vault-scoped call."""

from __future__ import annotations

import msgpack
import pytest
from sqlalchemy import update

from sync import protocol as p
from sync.server import schema

from .helpers import b64, new_id


def revoke(engine, device) -> None:
    with engine.begin() as conn:
        conn.execute(update(schema.device).where(schema.device.c.id == device.id).values(status="revoked"))


def vault_calls(device, vault_id: str, login: str = "tanaka") -> dict:
    """Every vault-scoped call, made by `device` on `vault_id`."""
    return {
        "members": lambda: device.get(f"/v2/vaults/{vault_id}/members"),
        "rotate": lambda: device.post(f"/v2/vaults/{vault_id}/keys", json={
            "key_version": 2, "commitment": b64(bytes(32)), "commitment_signature": b64(bytes(64)),
            "wrapped_keys": [device.wrapped_key(device.id, 2), device.wrapped_key("recovery", 2)]}),
        "push": lambda: device.push([device.envelope(vault_id)]),
        "backfill": lambda: device.backfill([{"id": vault_id, "after": 0, "before": 10}]),
        "upload key": lambda: device.upload_key(vault_id, device.id),
        "register same id": lambda: device.register_vault(vault_id=vault_id)[1],
    }


def every_call(device) -> list:
    vault_id = new_id()
    return [
        device.get("/v2/me"), device.get("/v2/devices"), device.get("/v2/vaults"), device.get("/v2/keys"),
        device.get("/v2/keys/needed"), device.get("/v2/keys/recovery", params={"vault_id": vault_id}),
        device.get("/v2/pull"), device.push([]), device.backfill([]),
        device.post("/v2/keys", json={"keys": []}), device.register_vault()[1],
        device.post(f"/v2/devices/{vault_id}/approve", json={"signature": b64(bytes(64))}),
        device.post("/v2/org/keys", json={}), *[call() for call in vault_calls(device, vault_id).values()],
    ]


@pytest.mark.parametrize("header", [None, "Bearer nonsense-token-that-is-unknown", "Basic abc", "Bearer ",
                                    "Bearer " + "A" * 500, "bearer\x00x"])
def test_missing_malformed_or_unknown_tokens_are_unauthorized(client, header):
    headers = {} if header is None else {"Authorization": header}
    for method, path in [("GET", "/v2/me"), ("GET", "/v2/pull"), ("POST", "/v2/push"), ("GET", "/v2/devices")]:
        resp = client.request(method, path, headers=headers)
        assert resp.status_code == 401 and resp.json()["error"] == p.E_UNAUTHORIZED, (header, path)


def test_revoked_device_is_refused_on_every_call(org, worker, engine):
    revoke(engine, worker)
    for resp in every_call(worker):
        assert resp.status_code == 403 and resp.json()["error"] == p.E_DEVICE_REVOKED


def test_pending_device_is_refused_on_every_call_but_me_and_org_keys(org):
    pending = org.enrol("tanaka")
    answers = every_call(pending)
    assert answers[0].status_code == 200  # /me
    org_keys = answers[12]
    assert org_keys.status_code in (400, 403)  # reaches its own checks: not a bootstrap device
    for resp in answers[1:12] + answers[13:]:
        assert resp.status_code == 403 and resp.json()["error"] == p.E_DEVICE_PENDING


def test_another_organisations_device_is_forbidden_on_every_vault_call(org, worker, other_org):
    vault_id, _ = worker.register_vault()
    for name, call in vault_calls(other_org.office, vault_id).items():
        resp = call()
        expected = 409 if name == "register same id" else 403
        assert resp.status_code == expected, name


def test_a_non_member_is_forbidden_on_every_vault_call(org, worker):
    vault_id, _ = org.office.register_vault()  # office only
    for name, call in vault_calls(worker, vault_id, login="office").items():
        resp = call()
        expected = 409 if name == "register same id" else 403
        assert resp.status_code == expected, name
        assert resp.json()["error"] == (p.E_CONFLICT if expected == 409 else p.E_FORBIDDEN)


def test_vault_calls_on_a_vault_that_does_not_exist_are_not_found(org):
    for name, call in vault_calls(org.office, new_id()).items():
        if name != "register same id":
            assert call().status_code == 404, name


def test_workers_are_forbidden_office_only_calls(org, worker):
    pending = org.enrol("suzuki")
    vault_id, _ = worker.register_vault()
    for resp in [worker.post(f"/v2/devices/{pending.id}/approve", json={"signature": b64(bytes(64))}),
                 worker.post("/v2/membership", json={"statements": []}),
                 worker.get("/v2/keys/recovery", params={"vault_id": vault_id})]:
        assert resp.status_code == 403 and resp.json()["error"] == p.E_FORBIDDEN


def test_a_removed_member_no_longer_pulls_pushes_or_receives_keys(org, worker, engine):
    vault_id, _ = worker.register_vault()
    org.office.push([org.office.envelope(vault_id)])
    assert org.grant(vault_id, "tanaka", "remove").status_code == 200
    assert worker.pull_all()[0] == []
    assert worker.get("/v2/keys").json()["keys"] == []
    assert worker.push([worker.envelope(vault_id)]).status_code == 403
    assert worker.backfill([{"id": vault_id, "after": 0, "before": 100}]).status_code == 403
    assert org.grant(vault_id, "tanaka").json() == {"applied": 1}
    [grant] = worker.pull_all()[0]
    assert grant["kind"] == "grant" and grant["count"] == 1


def test_workers_see_revoked_devices_but_not_pending_ones(org, worker, engine):
    lost = org.member("suzuki")
    revoke(engine, lost)
    org.enrol("sato")
    seen = {d["id"]: d["status"] for d in worker.get("/v2/devices").json()["devices"]}
    assert seen == {org.office.id: "approved", worker.id: "approved", lost.id: "revoked"}


def test_pull_answers_are_msgpack_and_errors_are_json(worker):
    resp = worker.get("/v2/pull")
    assert resp.headers["content-type"] == p.MSGPACK and "items" in msgpack.unpackb(resp.content)
    resp = worker.get("/v2/pull", params={"after": "x"})
    assert resp.headers["content-type"].startswith("application/json") and resp.json()["error"] == p.E_BAD_REQUEST
