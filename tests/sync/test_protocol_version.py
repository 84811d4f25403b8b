"""A device that speaks an older protocol is refused plainly by the store and told, in
Japanese, to update yorisoi (issue 9: the protocol moved to version 2)."""

from __future__ import annotations

import pytest

from app.errors import describe
from sync import protocol
from sync.client.errors import ProtocolOld


def test_store_answers_every_old_path_with_426_protocol_old(central):
    for method, path in [("GET", "/v1/me"), ("POST", "/v1/push"), ("GET", "/v1/pull?after=0"),
                         ("PUT", "/v1/vaults/aaaaaaaaaaaa/members/sato"), ("GET", "/v1/health")]:
        resp = central.client.request(method, path)
        assert resp.status_code == 426, (method, path)
        assert resp.json()["error"] == protocol.E_PROTOCOL_OLD
        assert "update" in resp.json()["detail"]
    health = central.client.get(f"{protocol.PREFIX}/health").json()
    assert health["protocol"] == protocol.PROTOCOL == 2 and protocol.PREFIX == "/v2"


def test_an_old_device_is_told_to_update_in_japanese(central, monkeypatch):
    office = central.office()
    worker = central.worker(office, "sato")
    worker.sync.run()  # the current version syncs
    monkeypatch.setattr(protocol, "PREFIX", "/v1")  # the same laptop, as the previous version spoke
    with pytest.raises(ProtocolOld) as refused:
        worker.sync.run()
    text = describe(refused.value)
    assert "古い" in text and "更新" in text
    assert "426" not in text and "protocol" not in text
