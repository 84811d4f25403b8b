"""Helpers shared by the benchmarks: timing, medians, realistic Japanese text."""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections.abc import Callable

from app.demo.scenarios import OUTREACH_COMMON, SCENARIOS, VISIT_COMMON


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def median(values) -> float:
    return float(statistics.median(values))


def p95(values) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))])


def note_texts(rng: random.Random):
    """Endless natural-looking case notes (~150–400 characters) built from the demo's phrases."""
    phrases = [p for s in SCENARIOS for p in (*s.visits, *s.notes, *s.pre_consent, *s.summaries)]
    phrases += list(OUTREACH_COMMON + VISIT_COMMON)
    names = ("一郎", "和子", "健太", "陽菜", "誠", "洋子")
    while True:
        parts = [rng.choice(phrases) for _ in range(rng.randint(2, 6))]
        yield "".join(parts).format(p=rng.choice(names), f=rng.choice(names), r="サロン ひだまり")


def emit(result: dict) -> None:
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
