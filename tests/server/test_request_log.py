"""The request log names the route template, status, duration and device, nothing a client
sent; the catch-all turns a genuine bug into a 500 whose log line names only the type."""

from __future__ import annotations

import logging

from fastapi.testclient import TestClient

from sync.server import logs
from sync.server.app import create_app


def test_log_line_has_route_template_status_and_device_but_no_query_or_token(worker, client, caplog):
    caplog.set_level(logging.INFO, logger=logs.LOGGER)
    vault_id, _ = worker.register_vault()
    worker.get(f"/v2/vaults/{vault_id}/members", params={"secret": "query-words"})
    worker.get("/v2/pull", params={"after": 12345})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET /v2/vaults/{vault_id}/members 200" in text and f"device={worker.id}" in text
    assert "GET /v2/pull 200" in text
    for secret in ("query-words", "12345", vault_id, worker.token):
        assert secret not in text


def test_unauthenticated_and_unrouted_requests_are_logged_without_their_path(client, caplog):
    caplog.set_level(logging.INFO, logger=logs.LOGGER)
    client.get("/v2/secret-path-words")
    client.get("/v2/me", headers={"Authorization": "Bearer " + "t" * 43})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "<no route> 404" in text and "GET /v2/me 401" in text and "device=-" in text
    assert "secret-path-words" not in text and "t" * 43 not in text


def test_a_server_bug_is_a_json_500_logged_by_exception_type_only(engine, caplog):
    app = create_app(engine)

    @app.get("/v2/broken")
    def broken():
        raise ValueError("value that must not reach the log")

    caplog.set_level(logging.INFO, logger=logs.LOGGER)
    with TestClient(app) as client:
        resp = client.get("/v2/broken")
    assert resp.status_code == 500 and resp.json() == {"error": "internal_error", "detail": "internal server error"}
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "unhandled ValueError in GET /v2/broken" in text and "must not reach" not in text
    assert all(r.exc_info is None for r in caplog.records)
