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
    ahead = HybridClock("fast", physical=lambda: 10_000_000)  # 48 h ahead, say
    behind = HybridClock("slow", physical=lambda: 1_000)
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
