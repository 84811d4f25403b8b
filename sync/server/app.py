"""The FastAPI application: routes, error answers, and the request log with its catch-all.

`create_app(engine)` is what tests and `serve` use; `app_from_env()` is the uvicorn factory
for `serve` (each worker process builds its own engine from the environment)."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

from sync import protocol as p

from . import (
    db,
    db_errors,
    errors,
    logs,
    routes_certs,
    routes_devices,
    routes_enrol,
    routes_keys,
    routes_log,
    routes_vaults,
)
from .config import DATA_ENV, DB_ENV, POOL_ENV

log = logging.getLogger(logs.LOGGER)


def create_app(engine: Engine) -> FastAPI:
    """The API over a migrated database (see migrations.upgrade)."""
    app = FastAPI(title="yorisoi central store", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine = engine
    errors.install(app)
    for module in (routes_enrol, routes_devices, routes_vaults, routes_keys, routes_log, routes_certs):
        app.include_router(module.router)
    _refuse_old_versions(app)
    # JSON answers (the device list, a station's thousands of key copies) shrink by half with
    # gzip; envelopes (msgpack) are compressed ciphertext already, so they are left alone.
    app.add_middleware(GZipMiddleware, minimum_size=500, compresslevel=6,
                       exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, p.MSGPACK))
    app.add_middleware(RequestLog)
    return app


def _refuse_old_versions(app: FastAPI) -> None:
    """Any path of an earlier protocol version gets 426 `protocol_old`, whatever the method, so
    an old device tells its user to update rather than misreading a changed answer."""
    methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
    for prefix in p.OLD_PREFIXES:
        async def refuse(rest: str = "", _prefix: str = prefix):
            return errors.error_response(
                426, p.E_PROTOCOL_OLD,
                f"protocol {_prefix[2:]} is no longer served; this store speaks protocol {p.PROTOCOL}: update the device")
        app.add_api_route(prefix + "/{rest:path}", refuse, methods=methods, include_in_schema=False)


def app_from_env() -> FastAPI:
    data = Path(os.environ[DATA_ENV])
    logs.setup(data)
    pool = os.environ.get(POOL_ENV)
    return create_app(db.make_engine(os.environ[DB_ENV], int(pool) if pool else None))


class RequestLog:
    """One log line per request (method, route template, status, duration, device id) and the
    catch-all: an exception nobody handled becomes a 500 whose log line names only its type,
    since messages and tracebacks can quote request values."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})
        answer = {"status": None}

        async def send_and_note(message):
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        except Exception as exc:
            cause = db_errors.cause(exc)
            if cause:  # the database, not the request: the device retries later
                log.error("database %s in %s %s: %s", type(exc).__name__, scope.get("method"), _route(scope), cause)
                status, code, detail = 503, db_errors.UNAVAILABLE, "the store's database is unavailable; retry later"
            else:
                log.error("unhandled %s in %s %s", type(exc).__name__, scope.get("method"), _route(scope))
                status, code, detail = 500, "internal_error", "internal server error"
            if answer["status"] is None:
                response = errors.error_response(status, code, detail)
                if status == 503:
                    response.headers["Retry-After"] = "5"
                await response(scope, receive, send_and_note)
            answer["status"] = status
        finally:
            log.info("%s %s %s %.1fms device=%s", scope.get("method"), _route(scope), answer["status"],
                     (time.perf_counter() - started) * 1000, state.get("device_id", "-"))


def _route(scope) -> str:
    """The route template (/v1/vaults/{vault_id}/members), never the raw path or query."""
    route = scope.get("route")
    return getattr(route, "path", None) or "<no route>"
