"""Enrolment, bootstrap of an organisation's keys, approval, and what a device may see."""

from __future__ import annotations

from sqlalchemy import update

from sync import protocol as p
from sync.server import admin, schema

from .helpers import Device, Org, b64, unb64


def test_health_answers_without_a_token(client):
    body = client.get("/v2/health").json()
    assert body["service"] == "yorisoi-central-store" and body["protocol"] == p.PROTOCOL
    assert isinstance(body["time_ms"], int)


def test_bootstrap_device_enrols_pending_posts_org_keys_and_is_approved(engine, client):
    issued = admin.create_org(engine, "みその市")
    assert issued.kind == "bootstrap"
    office = Device(client, name="事務局PC")
    resp = office.enrol(issued.code)
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "pending" and body["bootstrap"] is True
    assert body["account"]["login"] == "office" and body["account"]["role"] == "office"
    assert body["org"]["name"] == "みその市" and body["org"]["sign_public"] is None
    assert office.get("/v2/me").json()["device"]["status"] == "pending"

    org = Org(engine, client, "みその市", office=office)
    resp = office.post("/v2/org/keys", json=org.keys_request(office))
    assert resp.status_code == 200, resp.text
    me = office.get("/v2/me").json()
    assert me["device"]["status"] == "approved"
    assert unb64(me["org"]["sign_public"]) == org.sign_public
    assert unb64(me["org"]["box_public"]) == org.box_public
    assert me["shared_vaults"] == {"directory": None, "resources": None, "meetings": None}
    [listed] = office.get("/v2/devices").json()["devices"]
    assert unb64(listed["signature"]) and listed["approved_ms"] and listed["status"] == "approved"


def test_code_is_accepted_in_lower_case_with_spaces(engine, client):
    code = admin.create_org(engine, "みその市").code
    typed = " " + code.lower().replace("-", " ") + " "
    assert Device(client).enrol(typed).status_code == 200


def test_code_is_one_time(engine, client):
    code = admin.create_org(engine, "みその市").code
    assert Device(client).enrol(code).status_code == 200
    resp = Device(client).enrol(code)
    assert resp.status_code == 403 and resp.json()["error"] == p.E_CODE_INVALID


def test_unknown_and_malformed_codes_are_invalid(client):
    for code in ["AAAAA-BBBBB-CCCCC-DDDDD", "not a code", "", "Ω" * 20]:
        resp = Device(client).enrol(code)
        assert resp.status_code == 403 and resp.json()["error"] == p.E_CODE_INVALID, code


def test_expired_code_is_refused_as_expired(engine, client):
    code = admin.create_org(engine, "みその市").code
    with engine.begin() as conn:
        conn.execute(update(schema.enrol_code).values(expires_ms=1))
    resp = Device(client).enrol(code)
    assert resp.status_code == 403 and resp.json()["error"] == p.E_CODE_EXPIRED


def test_repeated_guesses_at_one_code_are_rate_limited_even_with_the_good_code(engine, client):
    code = admin.create_org(engine, "みその市").code
    for i in range(5):
        assert Device(client).enrol(code[:6] + f"BBBB{'ABCDE'[i]}-CCCCC-DDDDD").status_code == 403
    resp = Device(client).enrol(code)
    assert resp.status_code == 429 and resp.json()["error"] == p.E_RATE_LIMITED
    assert Device(client).enrol(admin.create_org(engine, "さくら町").code).status_code == 200


def test_stored_code_and_token_are_hashes_only(engine, client):
    code = admin.create_org(engine, "みその市").code
    device = Device(client)
    device.enrol(code)
    with engine.connect() as conn:
        stored = [str(v) for row in conn.execute(schema.enrol_code.select()) for v in row]
        stored += [str(v) for row in conn.execute(schema.device.select()) for v in row]
    normalised = code.replace("-", "")
    assert not any(normalised in v or device.token in v for v in stored)


def test_org_keys_are_refused_for_a_device_without_the_bootstrap_code(org):
    device = org.enrol("tanaka")
    resp = device.post("/v2/org/keys", json=org.keys_request(device))
    assert resp.status_code == 403 and resp.json()["error"] == p.E_FORBIDDEN


def test_org_keys_cannot_be_posted_twice(org):
    resp = org.office.post("/v2/org/keys", json=org.keys_request(org.office))
    assert resp.status_code == 409 and resp.json()["error"] == p.E_CONFLICT


def test_org_keys_with_a_bad_signature_are_refused_and_device_stays_pending(engine, client):
    code = admin.create_org(engine, "みその市").code
    office = Device(client)
    office.enrol(code)
    org = Org(engine, client, "みその市", office=office)
    body = org.keys_request(office)
    body["keys_signature"] = b64(bytes(64))
    resp = office.post("/v2/org/keys", json=body)
    assert resp.status_code == 400 and resp.json()["error"] == p.E_BAD_SIGNATURE
    body = org.keys_request(office)
    body["device_signature"] = body["keys_signature"]  # a real signature, of the wrong statement
    assert office.post("/v2/org/keys", json=body).json()["error"] == p.E_BAD_SIGNATURE
    assert office.get("/v2/me").json()["device"]["status"] == "pending"
    assert office.get("/v2/me").json()["org"]["sign_public"] is None


def test_pending_device_may_only_call_me(org):
    device = org.enrol("tanaka")
    assert device.get("/v2/me").status_code == 200
    for resp in [device.get("/v2/devices"), device.get("/v2/vaults"), device.get("/v2/keys"),
                 device.get("/v2/pull"), device.push([]), device.post("/v2/keys", json={"keys": []})]:
        assert resp.status_code == 403 and resp.json()["error"] == p.E_DEVICE_PENDING


def test_office_approves_a_pending_device_with_the_org_signature(org):
    device = org.enrol("tanaka")
    resp = org.approve(device)
    assert resp.status_code == 200 and resp.json()["status"] == "approved"
    assert device.get("/v2/me").json()["device"]["status"] == "approved"
    again = org.approve(device)
    assert again.status_code == 409 and again.json()["error"] == p.E_CONFLICT


def test_approval_with_a_signature_by_another_key_is_refused(org):
    device = org.enrol("tanaka")
    other = Org(org.engine, org.client, "x")
    resp = org.office.post(f"/v2/devices/{device.id}/approve",
                           json={"signature": b64(other.sign.sign(device.statement()))})
    assert resp.status_code == 400 and resp.json()["error"] == p.E_BAD_SIGNATURE
    assert device.get("/v2/me").json()["device"]["status"] == "pending"


def test_approval_signature_binds_the_role(org):
    device = org.enrol("tanaka")
    claimed = {**device.account, "role": "office"}
    statement = p.device_statement(device.org["id"], device.id, claimed["id"], claimed["login"], "office",
                                   device.box_public, device.sign_public)
    resp = org.office.post(f"/v2/devices/{device.id}/approve", json={"signature": b64(org.sign.sign(statement))})
    assert resp.json()["error"] == p.E_BAD_SIGNATURE


def test_approve_is_office_only_and_not_across_organisations(org, worker, other_org):
    pending = org.enrol("suzuki")
    resp = worker.post(f"/v2/devices/{pending.id}/approve", json={"signature": b64(bytes(64))})
    assert resp.status_code == 403 and resp.json()["error"] == p.E_FORBIDDEN
    resp = other_org.office.post(f"/v2/devices/{pending.id}/approve",
                                 json={"signature": b64(other_org.sign.sign(pending.statement()))})
    assert resp.status_code == 404 and resp.json()["error"] == p.E_NOT_FOUND
    resp = org.office.post(f"/v2/devices/{'z' * 26}/approve", json={"signature": b64(bytes(64))})
    assert resp.status_code == 404


def test_office_sees_every_device_worker_sees_approved_ones_of_its_org_only(org, worker, other_org):
    pending = org.enrol("suzuki")
    office_view = {d["id"]: d for d in org.office.get("/v2/devices").json()["devices"]}
    assert set(office_view) == {org.office.id, worker.id, pending.id}
    assert office_view[pending.id]["status"] == "pending" and office_view[pending.id]["signature"] is None
    assert unb64(office_view[worker.id]["box_public"]) == worker.box_public
    assert unb64(office_view[worker.id]["sign_public"]) == worker.sign_public
    assert office_view[worker.id]["login"] == "tanaka" and office_view[worker.id]["role"] == "worker"
    worker_view = {d["id"] for d in worker.get("/v2/devices").json()["devices"]}
    assert worker_view == {org.office.id, worker.id}


def test_me_reports_account_org_and_shared_vaults(org, worker):
    vault_id, resp = org.office.register_vault("directory")
    assert resp.status_code == 200
    me = worker.get("/v2/me").json()
    assert me["account"] == {"id": worker.account["id"], "login": "tanaka", "role": "worker"}
    assert me["device"] == {"id": worker.id, "name": "ノートPC", "status": "approved"}
    assert me["shared_vaults"] == {"directory": vault_id, "resources": None, "meetings": None}
    assert me["org"]["keys_signature"] is not None


def test_second_bootstrap_code_is_issued_while_the_org_has_no_keys(engine, client):
    admin.create_org(engine, "みその市")
    assert admin.enrol_code_for(engine, "office").kind == "bootstrap"


def test_device_codes_after_bootstrap_are_not_bootstrap_codes(org):
    device = org.enrol("tanaka")
    assert device.org["sign_public"] is not None
    resp = device.post("/v2/org/keys", json=org.keys_request(device))
    assert resp.status_code == 403
