"""Error answers: always `{"error": CODE, "detail": "..."}` with a code of sync.protocol.

Routes raise ApiError; FastAPI's own validation errors and Starlette's 404/405 are reworded
into the same shape. The detail names the field and the rule, never the value sent (it may be
a token or a code)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync import protocol as p


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str, extra: dict | None = None):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.extra = extra or {}  # more fields of the answer (a revoked device's revocation)


def bad_request(detail: str) -> ApiError:
    return ApiError(400, p.E_BAD_REQUEST, detail)


def forbidden(detail: str) -> ApiError:
    return ApiError(403, p.E_FORBIDDEN, detail)


def not_found(detail: str) -> ApiError:
    return ApiError(404, p.E_NOT_FOUND, detail)


def conflict(detail: str) -> ApiError:
    return ApiError(409, p.E_CONFLICT, detail)


def too_large(detail: str) -> ApiError:
    return ApiError(413, p.E_TOO_LARGE, detail)


def bad_signature(detail: str) -> ApiError:
    return ApiError(400, p.E_BAD_SIGNATURE, detail)


def error_response(status: int, code: str, detail: str, extra: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail, **(extra or {})}, status_code=status)


def describe_validation(errors: list[dict]) -> str:
    """'body.envelopes.0.nonce: Input should be ...' for the first few errors, without inputs."""
    parts = []
    for err in errors[:5]:
        loc = ".".join(str(x) for x in err.get("loc", ()))
        parts.append(f"{loc}: {err.get('msg', 'invalid')}" if loc else str(err.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


def validation_error(exc: ValidationError, where: str = "body") -> ApiError:
    errors = [{**e, "loc": (where, *e.get("loc", ()))} for e in exc.errors(include_input=False, include_url=False)]
    return bad_request(describe_validation(errors))


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.detail, exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError):
        return error_response(400, p.E_BAD_REQUEST, describe_validation(list(exc.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException):
        code = {401: p.E_UNAUTHORIZED, 403: p.E_FORBIDDEN, 404: p.E_NOT_FOUND, 409: p.E_CONFLICT,
                413: p.E_TOO_LARGE, 429: p.E_RATE_LIMITED}.get(exc.status_code, p.E_BAD_REQUEST)
        status = exc.status_code if 400 <= exc.status_code < 500 else 400
        return error_response(status, code, str(exc.detail))
