"""Area 7, properties: any sequence of start / append / append_many / end / delete, spread over
TWO connections (two ``Store.open`` on one file), keeps the store's invariants:

- per session, seqs are 1..n with no gap, and every event reads back as written (both
  connections see the same thing);
- a delete cascades: no event is left without its session; appending to a deleted session
  fails and writes nothing;
- ending is idempotent: once set, ``ended_at`` never changes, whichever connection ends it again;
- counts agree: sessions, events per session, summaries.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _reliability import scaled, step_clock
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from store import EventKind, SessionError, Store

AREA = "properties"
WHO = st.integers(0, 1)  # which of the two connections acts
TEXT = st.text(max_size=24)
KIND = st.sampled_from(list(EventKind))


@dataclass
class Model:
    id: int
    events: list[tuple[str, str]] = field(default_factory=list)
    ended_at: datetime | None = None
    deleted: bool = False


class TwoConnections(RuleBasedStateMachine):
    counts: Counter[str] = Counter()

    sessions = Bundle("sessions")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="zst-properties-"))
        self.path = self.folder / "sessions.db"
        start = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
        # Two clocks an hour apart: a second end_session would stamp a different time.
        self.stores = [
            Store.open(self.path, clock=step_clock(start)),
            Store.open(self.path, clock=step_clock(start + timedelta(hours=1))),
        ]
        self.raw = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        self.model: dict[str, Model] = {}
        self.counts["examples"] += 1

    def teardown(self) -> None:
        self.raw.close()
        for store in self.stores:
            store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _step(self) -> None:
        self.counts["steps"] += 1

    def _live_ids(self) -> set[int]:
        return {m.id for m in self.model.values() if not m.deleted}

    @initialize(target=sessions)
    def first_session(self):
        return self.start(0, None)

    @rule(target=sessions, who=WHO, fork=st.booleans())
    def start(self, who: int, fork: bool | None):
        self._step()
        ulid = f"01JPROPERTY{len(self.model):06d}"
        parent = next(iter(self.model), None) if fork else None
        sid = self.stores[who].start_session(ulid, None, "0.3.0", parent)
        assert sid not in self._live_ids()
        self.model[ulid] = Model(sid)
        return ulid

    @rule(who=WHO, ulid=sessions, kind=KIND, text=TEXT)
    def append(self, who: int, ulid: str, kind: EventKind, text: str) -> None:
        self._append(who, ulid, [(kind, text)])

    @rule(who=WHO, ulid=sessions, rows=st.lists(st.tuples(KIND, TEXT), max_size=6))
    def append_many(self, who: int, ulid: str, rows: list[tuple[EventKind, str]]) -> None:
        self._append(who, ulid, rows)

    def _append(self, who: int, ulid: str, rows: list[tuple[EventKind, str]]) -> None:
        self._step()
        session = self.model[ulid]
        if session.deleted:
            if session.id in self._live_ids() or not rows:
                return  # SQLite reused the id for a newer session; nothing to check here
            before = self._raw_count()
            with pytest.raises(SessionError):
                self.stores[who].append_many(session.id, rows)
            assert self._raw_count() == before, "a failed append wrote something"
            return
        seqs = self.stores[who].append_many(session.id, rows)
        first = len(session.events) + 1
        assert seqs == list(range(first, first + len(rows)))
        session.events.extend((kind.value, text) for kind, text in rows)

    @rule(who=WHO, ulid=sessions)
    def end(self, who: int, ulid: str) -> None:
        self._step()
        session = self.model[ulid]
        if session.deleted:
            return
        self.stores[who].end_session(session.id)
        row = self.stores[1 - who].get_session(session.id)  # read through the OTHER one
        assert row is not None
        assert row.ended_at is not None
        if session.ended_at is None:
            session.ended_at = row.ended_at
        assert row.ended_at == session.ended_at, "ended_at changed once set"

    @rule(who=WHO, ulid=sessions)
    def delete(self, who: int, ulid: str) -> None:
        self._step()
        session = self.model[ulid]
        reused = session.deleted and session.id in self._live_ids()
        if reused:
            return
        deleted = self.stores[who].delete_session(session.id)
        assert deleted == (not session.deleted)
        session.deleted = True
        assert self.stores[1 - who].get_session(session.id) is None

    def _raw_count(self) -> int:
        return int(self.raw.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    @invariant()
    def invariants_hold(self) -> None:
        self.counts["invariant_checks"] += 1
        live = {ulid: m for ulid, m in self.model.items() if not m.deleted}
        orphans = self.raw.execute(
            "SELECT COUNT(*) FROM events WHERE session_id NOT IN (SELECT id FROM sessions)"
        ).fetchone()[0]
        assert orphans == 0, "events without a session"
        assert self._raw_count() == sum(len(m.events) for m in live.values())
        for store in self.stores:
            assert store.count_sessions() == len(live)
            summaries = {s.session.ulid: s for s in store.list_summaries(1_000)}
            assert set(summaries) == set(live)
            for ulid, session in live.items():
                events = list(store.iter_events(session.id, page=7))
                assert [e.seq for e in events] == list(range(1, len(session.events) + 1))
                assert [(e.kind.value, e.text) for e in events] == session.events
                assert store.count_events(session.id) == len(session.events)
                assert summaries[ulid].event_count == len(session.events)
                bounds = store.seq_bounds(session.id)
                assert bounds == ((1, len(session.events)) if session.events else None)
                assert summaries[ulid].session.ended_at == session.ended_at


def test_two_connections_keep_the_store_invariants(figures) -> None:
    TwoConnections.counts = Counter()
    run_state_machine_as_test(
        TwoConnections,
        settings=settings(
            max_examples=scaled(50, 1_000),
            stateful_step_count=scaled(25, 60),
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    counts = TwoConnections.counts
    assert counts["examples"] >= scaled(50, 1_000) // 2
    figures.add(
        AREA,
        examples=counts["examples"],
        steps=counts["steps"],
        invariant_checks=counts["invariant_checks"],
    )
