"""Vault key copies: a device's own (with the `after` cursor), copies to supply, uploads, and
the office's recovery copies."""

from __future__ import annotations

from sync import protocol as p

from .helpers import b64, new_id, unb64


def test_a_device_receives_its_own_copies_in_order_with_an_after_cursor(org, worker):
    v1, _ = worker.register_vault()
    v2, _ = worker.register_vault()
    first = worker.get("/v2/keys").json()
    assert [k["vault_id"] for k in first["keys"]] == [v1, v2]
    assert all(k["wrapped_by"] == worker.id and len(unb64(k["wrapped"])) == 60 for k in first["keys"])
    assert first["next"] == first["keys"][-1]["id"]
    later = worker.get("/v2/keys", params={"after": first["keys"][0]["id"]}).json()
    assert [k["vault_id"] for k in later["keys"]] == [v2]
    empty = worker.get("/v2/keys", params={"after": first["next"]}).json()
    assert empty == {"keys": [], "next": first["next"]}


def test_copies_for_other_devices_and_recovery_are_not_handed_to_a_device(org, worker):
    vault_id, _ = worker.register_vault(extra=[org.office.id])
    office_keys = org.office.get("/v2/keys").json()["keys"]
    assert [(k["vault_id"], k["wrapped_by"]) for k in office_keys] == [(vault_id, worker.id)]
    assert len(worker.get("/v2/keys").json()["keys"]) == 1


def test_needed_lists_member_devices_lacking_the_current_key(org, worker):
    second = org.member("tanaka", new_account=False)  # tanaka's second laptop
    vault_id, _ = worker.register_vault()
    needed = worker.get("/v2/keys/needed").json()["needed"]
    assert sorted(n["device_id"] for n in needed) == sorted([org.office.id, second.id])
    assert all(n["vault_id"] == vault_id and n["key_version"] == 1 for n in needed)
    assert second.get("/v2/keys/needed").json()["needed"] == []  # holds no key itself

    resp = worker.upload_key(vault_id, second.id)
    assert resp.status_code == 200 and resp.json() == {"stored": 1}
    assert [n["device_id"] for n in worker.get("/v2/keys/needed").json()["needed"]] == [org.office.id]
    assert [k["vault_id"] for k in second.get("/v2/keys").json()["keys"]] == [vault_id]


def test_no_copy_wins_by_coming_first(org, worker):
    """One copy per sender: a planted copy does not keep out another member's; a sender's fresh
    copy replaces its own; a recipient that reports a copy bad has it deleted and needs one again."""
    second = org.member("tanaka", new_account=False)
    vault_id, _ = worker.register_vault()
    assert worker.upload_key(vault_id, second.id).json() == {"stored": 1}
    planted = second.get("/v2/keys").json()["keys"]
    assert [k["wrapped_by"] for k in planted] == [worker.id]
    assert planted[0]["commitment"] and planted[0]["committed_by"] == worker.id
    assert worker.upload_key(vault_id, second.id).json() == {"stored": 1}
    fresh = second.get("/v2/keys").json()["keys"]
    assert len(fresh) == 1 and fresh[0]["wrapped"] != planted[0]["wrapped"] and fresh[0]["id"] > planted[0]["id"]
    assert org.office.upload_key(vault_id, second.id).json() == {"stored": 1}
    assert {k["wrapped_by"] for k in second.get("/v2/keys").json()["keys"]} == {worker.id, org.office.id}
    resp = second.post("/v2/keys/refused", json={"keys": [{"vault_id": vault_id, "key_version": 1,
                                                            "wrapped_by": worker.id}]})
    assert resp.json() == {"removed": 1}
    assert {k["wrapped_by"] for k in second.get("/v2/keys").json()["keys"]} == {org.office.id}
    # Only one's own copies can be reported: the office's copy for itself stays.
    resp = second.post("/v2/keys/refused", json={"keys": [{"vault_id": vault_id, "key_version": 1,
                                                            "wrapped_by": org.office.id}]})
    assert resp.json() == {"removed": 1}
    assert second.get("/v2/keys").json()["keys"] == []
    assert second.id in {n["device_id"] for n in worker.get("/v2/keys/needed").json()["needed"]}


def test_upload_refuses_a_device_without_the_key_or_a_recipient_outside_the_vault(org, worker):
    second = org.member("tanaka", new_account=False)
    suzuki = org.member("suzuki")
    vault_id, _ = worker.register_vault()
    resp = second.upload_key(vault_id, org.office.id)  # member, but holds no copy itself
    assert resp.status_code == 403 and resp.json()["error"] == p.E_FORBIDDEN
    resp = worker.upload_key(vault_id, suzuki.id)  # suzuki is no member
    assert resp.status_code == 400
    pending = org.enrol("tanaka", new_account=False)
    assert worker.upload_key(vault_id, pending.id).status_code == 400
    resp = worker.upload_key(vault_id, second.id, key_version=2)
    assert resp.status_code in (400, 403)
    resp = suzuki.upload_key(vault_id, suzuki.id)  # not a member
    assert resp.status_code == 403


def test_upload_is_all_or_nothing(org, worker):
    second = org.member("tanaka", new_account=False)
    suzuki = org.member("suzuki")
    vault_id, _ = worker.register_vault()
    keys = [{"vault_id": vault_id, **worker.wrapped_key(second.id)},
            {"vault_id": vault_id, **worker.wrapped_key(suzuki.id)}]
    assert worker.post("/v2/keys", json={"keys": keys}).status_code == 400
    assert second.get("/v2/keys").json()["keys"] == []


def test_an_office_account_added_later_joins_every_vault(org, worker):
    vault_id, _ = worker.register_vault()
    office2 = org.member("kobayashi", role="office")
    logins = {m["login"] for m in office2.get(f"/v2/vaults/{vault_id}/members").json()["members"]}
    assert logins == {"tanaka", "office", "kobayashi"}


def test_office_may_supply_a_copy_from_the_recovery_key_without_being_a_member(org, worker):
    from sqlalchemy import delete, select

    from sync.server.schema import account, vault_member

    second = org.member("tanaka", new_account=False)
    vault_id, _ = worker.register_vault()
    office2 = org.member("kobayashi", role="office")
    with org.engine.begin() as conn:  # no longer a member of this household (e.g. removed)
        conn.execute(delete(vault_member).where(vault_member.c.vault_id == vault_id, vault_member.c.account_id.in_(
            select(account.c.id).where(account.c.login == "kobayashi"))))
    assert office2.get(f"/v2/vaults/{vault_id}/members").status_code == 403
    resp = office2.upload_key(vault_id, second.id)
    assert resp.status_code == 200 and resp.json() == {"stored": 1}


def test_recovery_copies_are_for_the_office_of_the_vaults_org(org, worker, other_org):
    vault_id, _ = worker.register_vault()
    resp = org.office.get("/v2/keys/recovery", params={"vault_id": vault_id})
    assert resp.status_code == 200
    [copy] = resp.json()["keys"]
    assert copy["vault_id"] == vault_id and copy["key_version"] == 1 and copy["wrapped_by"] == worker.id
    assert len(unb64(copy["wrapped"])) == 60
    assert worker.get("/v2/keys/recovery", params={"vault_id": vault_id}).status_code == 403
    assert other_org.office.get("/v2/keys/recovery", params={"vault_id": vault_id}).status_code == 403
    assert org.office.get("/v2/keys/recovery", params={"vault_id": new_id()}).status_code == 404


def test_upload_checks_the_copy_size(org, worker):
    second = org.member("tanaka", new_account=False)
    vault_id, _ = worker.register_vault()
    item = {"vault_id": vault_id, "key_version": 1, "recipient": second.id, "wrapped": b64(bytes(59))}
    assert worker.post("/v2/keys", json={"keys": [item]}).status_code == 400
