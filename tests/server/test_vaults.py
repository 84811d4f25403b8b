"""Vault registration, members on creation, membership grants and their markers."""

from __future__ import annotations

from sync import protocol as p

from .helpers import b64, new_id


def logins(device, vault_id) -> dict:
    resp = device.get(f"/v2/vaults/{vault_id}/members")
    assert resp.status_code == 200, resp.text
    return {m["login"]: m for m in resp.json()["members"]}


def test_household_vault_starts_with_its_creator_and_the_office(org, worker):
    org.member("suzuki")
    vault_id, resp = worker.register_vault()
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"id": vault_id, "kind": "household", "key_version": 1, "created": True}
    assert set(logins(worker, vault_id)) == {"tanaka", "office"}
    listed = {v["id"]: v for v in worker.get("/v2/vaults").json()["vaults"]}
    assert listed[vault_id]["kind"] == "household" and listed[vault_id]["key_version"] == 1


def test_registering_the_same_vault_again_is_idempotent_for_members(org, worker):
    vault_id, first = worker.register_vault()
    _, again = worker.register_vault(vault_id=vault_id)
    assert again.status_code == 200 and again.json() == {**first.json(), "created": False}
    _, by_office = org.office.register_vault(vault_id=vault_id)  # the office is a member too
    assert by_office.status_code == 200 and by_office.json()["created"] is False


def test_registering_an_existing_vault_id_by_a_non_member_or_another_org_is_a_conflict(org, worker, other_org):
    vault_id, _ = org.office.register_vault()
    _, resp = worker.register_vault(vault_id=vault_id)  # not a member
    assert resp.status_code == 409 and resp.json()["error"] == p.E_CONFLICT
    _, resp = other_org.office.register_vault(vault_id=vault_id)
    assert resp.status_code == 409


def test_same_vault_id_with_another_kind_is_a_conflict(org):
    vault_id, _ = org.office.register_vault("household")
    _, resp = org.office.register_vault("directory", vault_id=vault_id)
    assert resp.status_code == 409


def test_shared_vaults_are_office_only_once_per_org_with_every_account_as_member(org, worker, other_org):
    _, resp = worker.register_vault("directory")
    assert resp.status_code == 403 and resp.json()["error"] == p.E_FORBIDDEN
    vault_id, resp = org.office.register_vault("directory")
    assert resp.status_code == 200
    assert set(logins(worker, vault_id)) == {"office", "tanaka"}
    _, second = org.office.register_vault("directory")
    assert second.status_code == 409
    _, elsewhere = other_org.office.register_vault("directory")  # another org has its own
    assert elsewhere.status_code == 200


def test_registration_needs_the_creators_copy_and_the_recovery_copy(org, worker):
    vault_id = new_id()
    for recipients in ([worker.id, worker.id], ["recovery", org.office.id]):
        keys = [worker.wrapped_key(r) for r in recipients]
        resp = worker.post("/v2/vaults", json={**worker.vault_request(vault_id), "wrapped_keys": keys})
        assert resp.status_code == 400 and resp.json()["error"] == p.E_BAD_REQUEST, recipients
    keys = [worker.wrapped_key(r, key_version=2) for r in (worker.id, "recovery")]
    resp = worker.post("/v2/vaults", json={**worker.vault_request(vault_id), "wrapped_keys": keys})
    assert resp.status_code == 400
    assert worker.get("/v2/vaults").json()["vaults"] == []


def test_key_copies_at_registration_go_only_to_approved_devices_of_members(org, worker):
    suzuki = org.member("suzuki")  # not a member of tanaka's household
    pending = org.enrol("sato")
    for stranger in (suzuki.id, pending.id, "z" * 26):
        _, resp = worker.register_vault(extra=[stranger])
        assert resp.status_code == 400, stranger
    _, resp = worker.register_vault(extra=[org.office.id])
    assert resp.status_code == 200


def test_key_copies_must_be_sixty_bytes(worker):
    vault_id = new_id()
    keys = [worker.wrapped_key(worker.id, wrapped=bytes(61)), worker.wrapped_key("recovery")]
    resp = worker.post("/v2/vaults", json={**worker.vault_request(vault_id), "wrapped_keys": keys})
    assert resp.status_code == 400 and resp.json()["error"] == p.E_BAD_REQUEST


def test_each_new_membership_appends_a_grant_marker(org, worker):
    head_before = worker.pull()["head"]
    vault_id, _ = worker.register_vault()
    page = worker.pull(head_before)
    assert page["head"] == head_before + 2  # tanaka's and office's markers
    [grant] = page["items"]
    assert grant == {"seq": logins(worker, vault_id)["tanaka"]["granted_seq"], "kind": "grant",
                     "vault": vault_id, "count": 0}


def test_batch_registers_many_vaults_in_one_request_all_or_nothing(org, worker):
    ids = [new_id() for _ in range(3)]
    body = {"vaults": [worker.vault_request(v) for v in ids]}
    resp = worker.post("/v2/vaults/batch", json=body)
    assert resp.status_code == 200, resp.text
    assert [a["id"] for a in resp.json()["vaults"]] == ids and all(a["created"] for a in resp.json()["vaults"])
    again = worker.post("/v2/vaults/batch", json=body).json()["vaults"]
    assert [a["created"] for a in again] == [False, False, False]

    fresh = new_id()
    bad = {"vaults": [worker.vault_request(fresh),
                      worker.vault_request(new_id(), "directory")]}  # a worker may not create shared vaults
    assert worker.post("/v2/vaults/batch", json=bad).status_code == 403
    assert fresh not in {v["id"] for v in worker.get("/v2/vaults").json()["vaults"]}


def test_batch_is_limited_in_size(worker):
    vault = worker.vault_request(new_id())
    resp = worker.post("/v2/vaults/batch", json={"vaults": [vault] * (p.MAX_REGISTER_VAULTS + 1)})
    assert resp.status_code == 400
    assert worker.post("/v2/vaults/batch", json={"vaults": []}).json() == {"vaults": []}


def test_office_adds_a_member_who_gets_a_grant_marker_counting_earlier_envelopes(org, worker):
    suzuki = org.member("suzuki")
    vault_id, _ = worker.register_vault()
    assert worker.push([worker.envelope(vault_id), worker.envelope(vault_id)]).status_code == 200
    after = suzuki.pull()["head"]
    statement = org.statement(vault_id, "suzuki")
    resp = org.office.post("/v2/membership", json={"statements": [statement]})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"applied": 1}
    [item] = suzuki.pull(after)["items"]
    assert item["kind"] == "grant" and item["vault"] == vault_id and item["count"] == 2
    again = org.office.post("/v2/membership", json={"statements": [statement]}).json()
    assert again == {"applied": 0}  # the same statement again changes nothing
    assert suzuki.pull(item["seq"])["items"] == []  # no second marker
    assert vault_id in {v["id"] for v in suzuki.get("/v2/vaults").json()["vaults"]}


def test_membership_follows_only_statements_the_organisation_signed(org, worker, other_org):
    org.member("suzuki")
    vault_id, _ = worker.register_vault()
    forged = {**org.statement(vault_id, "suzuki"), "signature": b64(bytes(64))}
    resp = org.office.post("/v2/membership", json={"statements": [forged]})
    assert resp.status_code == 400 and resp.json()["error"] == p.E_BAD_SIGNATURE
    # Signed for another vault, login or serial: it does not verify either.
    moved = {**org.statement(new_id(), "suzuki"), "vault_id": vault_id}
    assert org.office.post("/v2/membership", json={"statements": [moved]}).status_code == 400
    assert "suzuki" not in logins(org.office, vault_id)
    resp = worker.post("/v2/membership", json={"statements": [org.statement(vault_id, "suzuki")]})
    assert resp.status_code == 403 and resp.json()["error"] == p.E_FORBIDDEN  # the office only
    assert other_org.grant(vault_id, "suzuki").status_code == 403
    assert org.grant(new_id(), "suzuki").status_code == 404
    resp = org.grant(vault_id, "nobody")
    assert resp.status_code == 404 and resp.json()["error"] == p.E_NOT_FOUND


def test_a_removal_holds_over_an_older_grant_and_a_replayed_grant_is_refused(org, worker):
    org.member("suzuki")
    vault_id, _ = worker.register_vault()
    grant = org.statement(vault_id, "suzuki", serial=10)
    assert org.office.post("/v2/membership", json={"statements": [grant]}).status_code == 200
    removal = org.statement(vault_id, "suzuki", "remove", serial=11)
    assert org.office.post("/v2/membership", json={"statements": [removal]}).status_code == 200
    assert "suzuki" not in logins(org.office, vault_id)
    resp = org.office.post("/v2/membership", json={"statements": [grant]})  # replayed
    assert resp.status_code == 409
    assert "suzuki" not in logins(org.office, vault_id)


def test_members_list_is_for_members_only(org, worker):
    suzuki = org.member("suzuki")
    vault_id, _ = worker.register_vault()
    resp = suzuki.get(f"/v2/vaults/{vault_id}/members")
    assert resp.status_code == 403
    assert logins(org.office, vault_id)["office"]["role"] == "office"


def test_new_accounts_join_the_shared_vaults(org, engine):
    directory, _ = org.office.register_vault("directory")
    later = org.member("yamada")
    assert directory in {v["id"] for v in later.get("/v2/vaults").json()["vaults"]}
    assert [i["kind"] for i in later.pull()["items"]] == ["grant"]
