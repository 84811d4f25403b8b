"""Whatever a client sends, the answer is a 4xx with a protocol error code, never a 5xx.

Every request here is malformed in one way; the catch-all would turn a crash into a 500, so a
500 in this table is a bug this test exists to find."""

from __future__ import annotations

import json

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync import protocol as p

from .helpers import b64

CODES = {v for k, v in vars(p).items() if k.startswith("E_")}
KEY = b64(bytes(32))
SIG = b64(bytes(64))


def assert_refused(resp, why) -> None:
    assert 400 <= resp.status_code < 500, f"{why}: {resp.status_code} {resp.text[:200]}"
    body = resp.json()
    assert body["error"] in CODES and isinstance(body["detail"], str), why


def packed(obj) -> bytes:
    return msgpack.packb(obj, use_bin_type=True)


def env(**changes) -> dict:
    base = {"vault": "a" * 30, "id": "b" * 30, "kv": 1, "ms": 0, "nonce": bytes(12), "body": b"x", "sig": bytes(64)}
    return {**base, **changes}


JSON_BODIES = {
    "empty": b"",
    "truncated": b'{"code": ',
    "null": b"null",
    "list": b"[]",
    "number": b"1",
    "string": b'"x"',
    "bad utf-8": b'{"code": "\xff\xfe"}',
    "utf-16 garbage": "{}".encode("utf-16"),
    "deep nesting": b"[" * 100_000,
    "deep object": b'{"a":' * 50_000,
    "5000-digit number": b'{"limit": ' + b"9" * 5000 + b"}",
    "NaN": b'{"limit": NaN, "vaults": []}',
    "unknown field": b'{"zzz": 1}',
    "lone surrogate": b'{"code": "\\ud800", "device_name": "\\ud800", "box_public": "' + KEY.encode() + b'", "sign_public": "' + KEY.encode() + b'"}',
    "NUL in strings": json.dumps({"code": "A\u0000", "device_name": "a\u0000b", "box_public": KEY,
                                  "sign_public": KEY}).encode(),
}

JSON_ENDPOINTS = ["/v2/enrol", "/v2/org/keys", "/v2/vaults", "/v2/vaults/batch", "/v2/keys", "/v2/backfill",
                  "/v2/devices/aaaaaaaaaaaa/approve"]

FIELD_CASES = [
    ("/v2/enrol", {"code": 1, "device_name": "a", "box_public": KEY, "sign_public": KEY}),
    ("/v2/enrol", {"code": "x", "device_name": "", "box_public": KEY, "sign_public": KEY}),
    ("/v2/enrol", {"code": "x", "device_name": "a" * 101, "box_public": KEY, "sign_public": KEY}),
    ("/v2/enrol", {"code": "x", "device_name": "a", "box_public": "!!!!", "sign_public": KEY}),
    ("/v2/enrol", {"code": "x", "device_name": "a", "box_public": KEY[:-2], "sign_public": KEY}),
    ("/v2/enrol", {"code": "x", "device_name": "a", "box_public": b64(bytes(31)), "sign_public": KEY}),
    ("/v2/enrol", {"code": "x" * 10_000, "device_name": "a", "box_public": KEY, "sign_public": KEY}),
    ("/v2/enrol", {"code": ["x"], "device_name": {"a": 1}, "box_public": None, "sign_public": 7}),
    ("/v2/org/keys", {"sign_public": KEY, "box_public": KEY, "keys_signature": KEY, "device_signature": SIG}),
    ("/v2/org/keys", {"sign_public": KEY, "box_public": KEY, "keys_signature": SIG, "device_signature": SIG}),
    ("/v2/vaults", {"id": "UPPER", "kind": "household", "wrapped_keys": []}),
    ("/v2/vaults", {"id": "a" * 65, "kind": "household", "wrapped_keys": []}),
    ("/v2/vaults", {"id": "a" * 30, "kind": "attic", "wrapped_keys": []}),
    ("/v2/vaults", {"id": "a" * 30, "kind": "household", "wrapped_keys": "x"}),
    ("/v2/vaults", {"id": "a" * 30 + "\n", "kind": "household", "wrapped_keys": []}),
    ("/v2/vaults", {"id": "a" * 30, "kind": "household",
                    "wrapped_keys": [{"recipient": "recovery", "key_version": 2**70, "wrapped": KEY}] * 2}),
    ("/v2/vaults", {"id": "a" * 30, "kind": "household",
                    "wrapped_keys": [{"recipient": "recovery", "key_version": True, "wrapped": KEY}] * 2}),
    ("/v2/vaults", {"id": "a" * 30, "kind": "household",
                    "wrapped_keys": [{"recipient": "recovery", "key_version": 1.0, "wrapped": KEY}] * 2}),
    ("/v2/vaults/batch", {"vaults": {"a": 1}}),
    ("/v2/keys", {"keys": [{"vault_id": "a" * 30, "key_version": -1, "recipient": "recovery", "wrapped": KEY}]}),
    ("/v2/keys", {"keys": [{"vault_id": "a" * 30, "key_version": 1, "recipient": "recovery",
                            "wrapped": b64(bytes(60)), "signature": SIG}]}),
    ("/v2/keys", {"keys": [{"vault_id": "a" * 30}] * 2001}),
    ("/v2/backfill", {"vaults": [{"id": "a" * 30, "after": -1, "before": 1}], "limit": 10}),
    ("/v2/backfill", {"vaults": [{"id": "a" * 30, "after": 0, "before": 2**64}], "limit": 10}),
    ("/v2/backfill", {"vaults": [], "limit": 0}),
    ("/v2/backfill", {"vaults": [], "limit": 10**20}),
    ("/v2/backfill", {"vaults": [], "limit": "10"}),
    ("/v2/backfill", {"vaults": [{"id": "a" * 30, "after": 0, "before": 1}] * 501, "limit": 10}),
    ("/v2/devices/aaaaaaaaaaaa/approve", {"signature": b64(bytes(63))}),
]

PUSH_BODIES = {
    "empty": b"",
    "garbage": b"\xc1\xc1\xc1",
    "truncated": packed({"envelopes": [env()]})[:-5],
    "extra data": packed({"envelopes": []}) + b"\x00",
    "deep nesting": b"\x91" * 100_000,
    "top-level list": packed([1, 2]),
    "int map keys": packed({1: 2}),
    "ext type": packed({"envelopes": [msgpack.ExtType(5, b"xx")]}),
    "timestamp": b"\x81\xa9envelopes\xd6\xff\x00\x00\x00\x01",
    "envelopes not a list": packed({"envelopes": "x"}),
    "unknown field": packed({"envelopes": [], "zzz": 1}),
    "envelope unknown field": packed({"envelopes": [env(zzz=1)]}),
    "str nonce": packed({"envelopes": [env(nonce="x" * 12)]}),
    "short nonce": packed({"envelopes": [env(nonce=bytes(11))]}),
    "long sig": packed({"envelopes": [env(sig=bytes(65))]}),
    "negative kv": packed({"envelopes": [env(kv=-1)]}),
    "huge kv": packed({"envelopes": [env(kv=2**64 - 1)]}),
    "bool kv": packed({"envelopes": [env(kv=True)]}),
    "float kv": packed({"envelopes": [env(kv=1.0)]}),
    "upper-case id": packed({"envelopes": [env(id="ABCDEFGH")]}),
    "id with NUL": packed({"envelopes": [env(id="abcdefgh\x00")]}),
    "long id": packed({"envelopes": [env(vault="a" * 65)]}),
    "bad utf-8 str": b"\x81\xa9envelopes\x91\x81\xa5vault\xa2\xff\xfe",
    "huge array header": b"\x81\xa9envelopes\xdd\xff\xff\xff\xff",
    "huge bin header": b"\x81\xa9envelopes\x91\x81\xa4body\xc6\xff\xff\xff\xff",
    "long string": packed({"envelopes": [env(id="a" * 5000)]}),
    "too many": packed({"envelopes": [env()] * (p.MAX_PUSH_ENVELOPES + 1)}),
}

QUERY_CASES = [
    ("GET", "/v2/pull?after=abc"), ("GET", "/v2/pull?after=1e3"), ("GET", "/v2/pull?after=-5"),
    ("GET", "/v2/pull?after=" + "9" * 5000), ("GET", "/v2/pull?after=18446744073709551616"),
    ("GET", "/v2/pull?limit=-1"), ("GET", "/v2/pull?limit=0"), ("GET", "/v2/pull?limit=1001"),
    ("GET", "/v2/pull?limit=%00"), ("GET", "/v2/keys?after=" + str(2**70)), ("GET", "/v2/keys?after=NaN"),
    ("GET", "/v2/keys/recovery"), ("GET", "/v2/keys/recovery?vault_id=%00"),
    ("GET", "/v2/keys/recovery?vault_id=" + "a" * 70), ("GET", "/v2/vaults/%00/members"),
    ("GET", "/v2/vaults/ABCDEFGHIJ/members"), ("GET", "/v2/vaults/" + "a" * 65 + "/members"),
    ("POST", "/v2/vaults/ABCDEFGHIJ/keys"), ("POST", "/v2/vaults/..%2F../keys"),
    ("GET", "/v2/membership?after=-1"), ("POST", "/v2/devices/..%2Fx/approve"),
    ("POST", "/v2/devices/%E3%81%82%E3%81%82%E3%81%82%E3%81%82/approve"), ("GET", "/v2/nothing"),
    ("DELETE", "/v2/vaults"), ("PATCH", "/v2/push"), ("GET", "/v2/push"), ("GET", "/"),
    ("GET", "/docs"), ("GET", "/openapi.json"),
]


@pytest.fixture
def token_headers(worker):
    return worker.headers


@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS)
def test_malformed_json_bodies_are_refused(client, token_headers, endpoint):
    for why, body in JSON_BODIES.items():
        resp = client.post(endpoint, content=body, headers={**token_headers, "Content-Type": "application/json"})
        assert_refused(resp, f"{endpoint} {why}")


def test_wrong_fields_types_and_sizes_are_refused(client, token_headers):
    for endpoint, body in FIELD_CASES:
        assert_refused(client.post(endpoint, json=body, headers=token_headers), f"{endpoint} {body}"[:200])


def test_malformed_msgpack_pushes_are_refused(worker):
    for why, body in PUSH_BODIES.items():
        assert_refused(worker.push_raw(body), why)


def test_garbage_paths_queries_and_methods_are_refused(client, token_headers):
    for method, url in QUERY_CASES:
        assert_refused(client.request(method, url, headers=token_headers), f"{method} {url[:80]}")


def test_oversize_bodies_are_refused_before_parsing(client, token_headers):
    big_json = b'{"code": "' + b"x" * p.MAX_JSON_BYTES + b'"}'
    resp = client.post("/v2/enrol", content=big_json, headers={"Content-Type": "application/json"})
    assert resp.status_code == 413 and resp.json()["error"] == p.E_TOO_LARGE
    big_push = bytes(p.MAX_PUSH_BYTES + 1)
    resp = client.post("/v2/push", content=big_push, headers=token_headers)
    assert resp.status_code == 413

    def chunks():  # no Content-Length: the limit holds while reading
        for _ in range(20):
            yield b" " * (64 * 1024)

    resp = client.post("/v2/keys", content=chunks(), headers=token_headers)
    assert resp.status_code == 413
    resp = client.post("/v2/keys", content=b"{}", headers={**token_headers, "Content-Length": "99999999999"})
    assert resp.status_code == 413
    resp = client.post("/v2/keys", content=b"{}", headers={**token_headers, "Content-Length": "abc"})
    assert resp.status_code == 400


def test_authentication_comes_before_reading_the_body(client):
    resp = client.post("/v2/push", content=b"x", headers={"Content-Length": "99999999999"})
    assert resp.status_code == 401  # authentication comes before the body


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=70)
    | st.binary(max_size=70).map(b64),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)

TEMPLATES = {
    "/v2/enrol": {"code": "AAAAA-BBBBB-CCCCC-DDDDD", "device_name": "PC", "box_public": KEY, "sign_public": KEY},
    "/v2/vaults": {"id": "a" * 30, "kind": "household",
                   "wrapped_keys": [{"recipient": "recovery", "key_version": 1, "wrapped": b64(bytes(60))}]},
    "/v2/keys": {"keys": [{"vault_id": "a" * 30, "key_version": 1, "recipient": "recovery",
                           "wrapped": b64(bytes(60))}]},
    "/v2/backfill": {"vaults": [{"id": "a" * 30, "after": 0, "before": 5}], "limit": 5},
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoint=st.sampled_from(sorted(TEMPLATES)), field=st.integers(0, 5), value=json_values)
def test_any_json_value_in_any_field_is_refused_or_accepted_but_never_a_crash(client, token_headers, endpoint,
                                                                             field, value):
    body = dict(TEMPLATES[endpoint])
    keys = sorted(body)
    body[keys[field % len(keys)]] = value
    content = json.dumps(body).encode()  # NaN and Infinity too, as a careless client would send them
    resp = client.post(endpoint, content=content, headers={**token_headers, "Content-Type": "application/json"})
    assert resp.status_code < 500, (endpoint, body)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_any_bytes_pushed_are_refused_never_a_crash(worker, data):
    resp = worker.push_raw(data)
    assert resp.status_code < 500 and resp.json()["error"] in CODES
