"""Reading untrusted request bodies: size first, then parsing, then the shape (pydantic).

The size is checked against Content-Length before anything is read and again while reading
(a chunked body has no Content-Length), so an oversize body costs at most the limit in memory
and never reaches a parser. Every parse or shape failure is a 400/413 ApiError."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

import msgpack
from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect

from sync import protocol as p

from .errors import bad_request, too_large, validation_error

M = TypeVar("M", bound=BaseModel)
_DIGITS = re.compile(r"^[0-9]{1,19}$")

# msgpack limits for a push: nothing in a valid push is longer than these.
_MAX_STR = 1024
_MAX_MAP = 32
_MAX_EXT = 64


async def read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not _DIGITS.match(declared):
            raise bad_request("Content-Length is not a number")
        if int(declared) > limit:
            raise too_large(f"body larger than {limit} bytes")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise too_large(f"body larger than {limit} bytes")
    except ClientDisconnect as e:
        raise bad_request("client disconnected") from e
    return bytes(body)


def parse_json(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as e:  # bad UTF-8, syntax, 5000-digit numbers, deep nesting
        raise bad_request("body is not valid JSON") from e


def parse_msgpack(raw: bytes) -> object:
    try:
        return msgpack.unpackb(raw, raw=False, strict_map_key=True, use_list=True,
                               max_str_len=_MAX_STR, max_bin_len=p.MAX_ENVELOPE_BYTES,
                               max_array_len=p.MAX_PUSH_ENVELOPES, max_map_len=_MAX_MAP, max_ext_len=_MAX_EXT)
    except ValueError as e:
        # msgpack words its limits "N exceeds max_bin_len(M)": those are size refusals.
        if "exceeds max_" in str(e):
            raise too_large("an item of the body exceeds the protocol's limits") from e
        raise bad_request("body is not valid MessagePack") from e
    except Exception as e:  # any other failure of the decoder on hostile bytes
        raise bad_request("body is not valid MessagePack") from e


def validate(model: type[M], data: object) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise validation_error(e) from e


def json_body(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """A FastAPI dependency: the request's JSON body as `model`, within MAX_JSON_BYTES."""
    async def dependency(request: Request) -> M:
        return validate(model, parse_json(await read_limited(request, p.MAX_JSON_BYTES)))
    return dependency


def msgpack_body(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """A FastAPI dependency: the request's msgpack body as `model`, within MAX_PUSH_BYTES."""
    async def dependency(request: Request) -> M:
        return validate(model, parse_msgpack(await read_limited(request, p.MAX_PUSH_BYTES)))
    return dependency
