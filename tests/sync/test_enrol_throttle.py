"""The enrolment throttle through the real store over real HTTP: a city enrolling its laptops
from behind one address (NAT) is never slowed, while guessing at one code, or one device name
from many addresses, is. Loopback has a whole /8, so each try can come from its own address."""

from __future__ import annotations

import base64
import os
import secrets

import httpx
import pytest

from sync import protocol as p
from sync.server import admin
from sync.server.ids import new_code

_clients: dict[tuple[str, str], httpx.Client] = {}


def enrol(central, code: str, name: str = "ノートPC", address: str = "127.0.0.1") -> httpx.Response:
    """POST /enrol as a device would, from this loopback source address."""
    key = (central.url, address)
    if key not in _clients:
        _clients[key] = httpx.Client(base_url=central.url, transport=httpx.HTTPTransport(local_address=address))
    return _clients[key].post(p.PREFIX + "/enrol", json={
        "code": code, "device_name": name, "box_public": base64.b64encode(os.urandom(32)).decode(),
        "sign_public": base64.b64encode(os.urandom(32)).decode()})


@pytest.fixture(autouse=True)
def _close_clients():
    yield
    for client in _clients.values():
        client.close()
    _clients.clear()


def test_a_city_behind_one_address_enrols_every_laptop_typos_and_all(central):
    central.office()
    for i in range(240):
        admin.add_user(central.engine, f"w{i:03d}")
    refused = []
    for i in range(240):
        code = admin.enrol_code_for(central.engine, f"w{i:03d}").code
        if i % 4 == 0:  # a quarter of them mistype their code once first
            assert enrol(central, code[:-1] + ("A" if code[-1] != "A" else "B"), name=f"PC-{i}").status_code == 403
        answer = enrol(central, code, name=f"PC-{i}")
        if answer.status_code != 200:
            refused.append((i, answer.status_code))
    assert refused == []


def test_guessing_at_one_code_is_throttled_from_any_number_of_addresses(central):
    code = admin.create_org(central.engine, "みその市").code
    group = code[:5]
    answers = []
    for i in range(8):
        guess = group + "-" + "-".join("".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(5))
                                       for _ in range(3))
        answers.append(enrol(central, guess, name=f"guess-{i}", address=f"127.0.0.{10 + i}").status_code)
    assert answers[:5] == [403] * 5 and answers[5:] == [429] * 3
    # The code itself is now held back too (its owner asks for a new one), but others are not.
    assert enrol(central, code, address="127.0.0.99").status_code == 429
    other = admin.create_org(central.engine, "さくら町").code
    assert enrol(central, other, address="127.0.0.99").status_code == 200


def test_one_device_name_tried_from_many_addresses_is_throttled(central):
    code = admin.create_org(central.engine, "みその市").code
    statuses = [enrol(central, new_code(), name="同じ名前", address=f"127.0.{1 + i // 250}.{1 + i % 250}").status_code
                for i in range(51)]
    assert statuses[:50] == [403] * 50 and statuses[50] == 429
    assert enrol(central, code, name="同じ名前", address="127.1.0.1").status_code == 429
    assert enrol(central, code, name="事務局PC", address="127.1.0.1").status_code == 200


def test_guessing_from_one_address_stops_at_the_address_ceiling(central):
    code = admin.create_org(central.engine, "みその市").code
    statuses = {enrol(central, new_code(), name=f"n{i}").status_code for i in range(200)}
    assert statuses == {403}
    assert enrol(central, code, name="事務局PC").status_code == 429
    assert enrol(central, code, name="事務局PC", address="127.0.0.2").status_code == 200
