"""The side-by-side database: yesterday's run, today's rerun of it (one event changed, a
hostile one, two more at the end), and a fork of yesterday's run. Written through ``store``
with a fixed clock, so it is the same on every run, times included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from store import EventKind, Store, milestones
from store.clocks import SettableClock
from tests.app.harness import add_session, ulid_at

K = EventKind
KINDS = [K.SYSTEM, K.PROMPT, K.COMMAND, K.WARN, K.COMMAND, K.MODE_CHANGE, K.ALERT]

BASE_START = datetime(2026, 11, 22, 9, 0, 0, tzinfo=UTC)
RERUN_START = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)
BRANCH_START = BASE_START + timedelta(seconds=62)  # after BASE's seq 12 (stamped 09:01:00)

BASE = ulid_at(BASE_START, "BASE0001")
RERUN = ulid_at(RERUN_START, "REPEAT01")
BRANCH = ulid_at(BRANCH_START, "BRANCH01")

BASE_EVENTS = 40
CHANGED_SEQ = 25
"""The first event of RERUN that differs from BASE's."""
HOSTILE_SEQ = 30
HOSTILE_TEXT = "[bold]x[/] \x1b[2J\x1b[31mred \u202egnp [@click=app.quit]q[/] \x9b31m"
FORK_SEQ = 12
"""Where BRANCH left BASE."""
BRANCH_SAME = 5
"""BRANCH's first events repeat BASE's after the fork point (13..17), then it goes its own way."""
BRANCH_EVENTS = 15


def step(n: int) -> tuple[EventKind, str]:
    return KINDS[n % len(KINDS)], f"step {n}: checks ok, {n * 3} orders seen"


def base_events() -> list[tuple[EventKind, str]]:
    return [step(n) for n in range(1, BASE_EVENTS + 1)]


def rerun_events() -> list[tuple[EventKind, str]]:
    events = base_events()
    events[CHANGED_SEQ - 1] = (events[CHANGED_SEQ - 1][0], f"step {CHANGED_SEQ}: slippage 2.10%")
    events[HOSTILE_SEQ - 1] = (K.SYSTEM, HOSTILE_TEXT)
    return [*events, (K.SYSTEM, "rerun: two more"), (K.SYSTEM, "rerun: done")]


def branch_events() -> list[tuple[EventKind, str]]:
    same = [step(n) for n in range(FORK_SEQ + 1, FORK_SEQ + 1 + BRANCH_SAME)]
    own = [(K.PROMPT, f"> /branch {n}") for n in range(BRANCH_EVENTS - BRANCH_SAME)]
    return [*same, *own]


def build_side_by_side_db(path: Path) -> Path:
    clock = SettableClock(BASE_START)
    with Store.open(path, clock=clock) as store:
        add_session(
            store, clock, ulid=BASE, start=BASE_START, events=base_events(),
            gap=timedelta(seconds=5),
        )  # fmt: skip
        add_session(
            store, clock, ulid=BRANCH, start=BRANCH_START, events=branch_events(),
            gap=timedelta(seconds=5), parent=BASE,
        )  # fmt: skip
        add_session(
            store, clock, ulid=RERUN, start=RERUN_START, events=rerun_events(),
            gap=timedelta(seconds=6),
        )  # fmt: skip
        store.set_milestone(milestones.WELCOME_SHOWN, "true")
    return path
