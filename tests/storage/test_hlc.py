from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storage.hlc import HybridClock, make_stamp, stamp_device, stamp_hlc, stamp_millis


def test_stamps_increase_even_when_the_wall_clock_stands_still_or_goes_back():
    wall = [1000]
    clock = HybridClock("dev1", physical=lambda: wall[0])
    a = clock.tick()
    b = clock.tick()
    wall[0] = 500  # the laptop's clock was set back
    c = clock.tick()
    assert a < b < c


def test_observing_a_later_stamp_moves_the_clock_past_it():
    ahead = HybridClock("fastdevice", physical=lambda: 10_000_000)  # 48 h ahead, say
    behind = HybridClock("slowdevice", physical=lambda: 1_000)
    remote = ahead.tick()
    behind.observe(remote)
    assert behind.tick() > remote


def test_stamp_order_is_clock_then_device():
    assert make_stamp(5, "aaaa") < make_stamp(5, "bbbb") < make_stamp(6, "aaaa")
    stamp = make_stamp((123 << 16) | 7, "device")
    assert stamp_hlc(stamp) == (123 << 16) | 7
    assert stamp_device(stamp) == "device"
    assert stamp_millis(stamp) == 123


@given(st.lists(st.integers(min_value=0, max_value=2**40), min_size=1, max_size=50))
def test_ticks_are_strictly_increasing_whatever_the_wall_clock_does(walls):
    it = iter(walls * 2)
    clock = HybridClock("d", physical=lambda: next(it))
    stamps = [clock.tick() for _ in walls]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_a_stamp_has_one_strict_form_and_orders_as_numbers():
    from storage.hlc import MAX_HLC, stamp_key, valid_stamp

    good = make_stamp(5, "deviceaaaa")
    assert valid_stamp(good)
    for bad in ("ffffffffffffffff0-deviceaaaa", "FFFFFFFFFFFFFFFF-deviceaaaa", "000000000000005-deviceaaaa",
                "0000000000000005-dev", "0000000000000005_deviceaaaa", " 0000000000000005-deviceaaaa",
                "0000000000000005-deviceaaaa\n", 5, None, b"0000000000000005-deviceaaaa"):
        assert not valid_stamp(bad), bad
    # Numbers, not text: a clock of 17 hex digits would sort below 16 as text; it cannot exist.
    assert stamp_key(make_stamp(0x10, "deviceaaaa")) > stamp_key(make_stamp(0xF, "devicezzzz"))
    try:
        make_stamp(MAX_HLC + 1, "deviceaaaa")
    except ValueError:
        pass
    else:
        raise AssertionError("a clock past 2^64 - 1 made a stamp")


def test_a_malformed_stamp_never_moves_the_clock():
    clock = HybridClock("deviceaaaa", physical=lambda: 1_000)
    clock.observe("ffffffffffffffff0-attackerxx")
    assert clock.tick() < make_stamp(2_000 << 16, "deviceaaaa")


def test_every_shared_record_type_names_its_shared_vault():
    """The gate admits a record only in the vault kind its entity names: a shared type left at
    the household default would be refused everywhere."""
    from storage.schema import ENTITIES

    for ent in ENTITIES.values():
        if ent.household_key is None:
            assert ent.vault_kind in ("directory", "resources", "meetings"), ent.name
        else:
            assert ent.vault_kind == "household", ent.name
