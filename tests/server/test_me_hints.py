"""The sync hints of /me: a device skips fetching the device list, its key copies or the copies
it could supply only when the hint says nothing changed, so a wrong hint would silently stop a
device from learning a new colleague or a key."""

from __future__ import annotations

from sqlalchemy import update

from sync.server import schema


def hints(device) -> dict:
    me = device.get("/v2/me").json()
    return {k: me.get(k) for k in ("directory_version", "keys_after", "keys_epoch")}


def test_directory_version_changes_exactly_when_the_device_list_changes(org, worker, engine):
    first = hints(worker)["directory_version"]
    assert hints(worker)["directory_version"] == first  # nothing happened
    worker.register_vault()
    assert hints(worker)["directory_version"] == first  # vaults are not devices
    pending = org.enrol("suzuki")
    enrolled = hints(worker)["directory_version"]
    assert enrolled != first
    org.approve(pending)
    approved = hints(worker)["directory_version"]
    assert approved != enrolled
    with engine.begin() as conn:  # a status change alone, whoever makes it, is a change
        conn.execute(update(schema.device).where(schema.device.c.id == pending.id).values(status="revoked"))
    assert hints(worker)["directory_version"] not in (first, enrolled, approved)
    assert hints(org.office)["directory_version"] == hints(worker)["directory_version"]


def test_keys_after_is_the_newest_copy_that_get_keys_would_hand_over(org, worker):
    assert hints(worker)["keys_after"] == 0
    worker.register_vault()
    vault_id, _ = worker.register_vault()
    got = worker.get("/v2/keys").json()
    assert hints(worker)["keys_after"] == got["next"] == got["keys"][-1]["id"]
    assert got["keys"][-1]["kind"] == "household"
    with org.engine.begin() as conn:  # no longer a member: its copy is not handed over any more
        conn.execute(update(schema.vault_member).where(schema.vault_member.c.vault_id == vault_id,
                                                       schema.vault_member.c.account_id == worker.account["id"])
                     .values(removed_ms=1))
    assert hints(worker)["keys_after"] == worker.get("/v2/keys").json()["next"] == got["keys"][0]["id"]


def test_the_key_epoch_moves_whenever_a_copy_may_newly_be_needed(org, worker, engine):
    """A device skips /v2/keys/needed while the epoch stands still, so it must move on every
    event that can create a need: a device approved, a vault registered, a member added."""
    start = hints(worker)["keys_epoch"]
    assert hints(worker)["keys_epoch"] == start  # reading changes nothing
    second = org.member("tanaka", new_account=False)  # a second device of the worker, approved
    approved = hints(worker)["keys_epoch"]
    assert approved > start
    vault_id, _ = worker.register_vault(extra=[org.office.id])
    registered = hints(worker)["keys_epoch"]
    assert registered > approved and worker.get("/v2/keys/needed").json()["needed"]
    worker.upload_key(vault_id, second.id)
    assert hints(worker)["keys_epoch"] == registered  # supplying a copy creates no new need
    org.member("suzuki")
    joined = hints(worker)["keys_epoch"]
    assert joined > registered  # a new account joins the shared vaults, if any
    assert org.grant(vault_id, "suzuki").status_code == 200
    assert hints(worker)["keys_epoch"] > joined


def test_a_pending_device_gets_no_hints(org):
    pending = org.enrol("tanaka")
    assert hints(pending) == {"directory_version": None, "keys_after": None, "keys_epoch": None}
