"""Forks: f shows the tree around the session (its ancestors and every fork of them) with the
point where each fork left its parent; Enter opens a session, p opens the parent at the fork
point. Each session once (a cycle of parents, a session that is its own parent: a marker),
what the caps leave out said ("… 9,800 more"), in a bounded number of statements."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Tree

from store import Store, format_rfc3339
from store.schema import TABLES_SQL
from tests.app.harness import FORK, PARENT, SIZE, settle, shown_ulid, ulid_at, wait_until
from tests.features._feature_support import (
    CHILD_A,
    CHILD_B,
    FORK_POINTS,
    GRANDCHILD,
    LONER,
    ROOT,
    open_and_settle,
)
from zero_session_tui.fork_tree import MAX_CHILDREN, MAX_DEPTH, ForkNode, build_fork_tree
from zero_session_tui.screens.forks import ForksScreen


async def _forks(pilot) -> Tree:
    app = pilot.app
    await pilot.press("f")
    await wait_until(pilot, lambda: isinstance(app.screen, ForksScreen), "the fork tree")
    await pilot.pause()
    return app.screen.query_one(Tree)


def _shape(node) -> tuple:
    """(ulid, fork seq, children...) of a tree node, recursively."""
    data = node.data
    return (data.session.ulid, data.fork_seq, *(_shape(child) for child in node.children))


async def test_f_shows_parent_children_and_fork_points(app_factory, forks_db):
    app = app_factory(forks_db, args=["--session", CHILD_A])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, CHILD_A)
        tree = await _forks(pilot)
        assert _shape(tree.root) == (
            ROOT,
            None,
            (CHILD_A, 3, (GRANDCHILD, 2)),
            (CHILD_B, 7),
        )
        # The fork points are where each fork left its parent, as the store computes them.
        with Store.open_readonly(forks_db) as store:
            for ulid, seq in FORK_POINTS.items():
                child = store.get_session_by_ulid(ulid)
                parent = store.get_session_by_ulid(child.parent_ulid)
                assert store.seq_at_or_before(parent.id, child.started_at) == seq
        labels = [str(tree.get_node_at_line(n).label) for n in range(tree.last_line + 1)]
        assert labels[0] == f"{ROOT[:4]}\u2026{ROOT[-6:]}"
        assert (
            labels[1]
            == f"{CHILD_A[:4]}\u2026{CHILD_A[-6:]}  \u25c0 this session  forked at parent #3"
        )
        assert labels[2].endswith("forked at parent #2")
        assert labels[3].endswith("forked at parent #7")
        # The cursor starts on this session.
        assert tree.cursor_node.data.session.ulid == CHILD_A
        assert app.focused is tree


async def test_enter_opens_the_chosen_session(app_factory, forks_db):
    app = app_factory(forks_db, args=["--session", CHILD_A])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, CHILD_A)
        tree = await _forks(pilot)
        await pilot.press("down", "down")
        assert tree.cursor_node.data.session.ulid == CHILD_B
        await pilot.press("enter")
        await wait_until(pilot, lambda: shown_ulid(app) == CHILD_B, "CHILD_B")
        await settle(pilot)
        assert not isinstance(app.screen, ForksScreen)
        # And back up to the root from the child.
        tree = await _forks(pilot)
        assert tree.cursor_node.data.session.ulid == CHILD_B
        await pilot.press("up", "up", "up", "enter")
        await wait_until(pilot, lambda: shown_ulid(app) == ROOT, "ROOT")


async def test_p_opens_the_parent_at_the_fork_point(app_factory, forks_db):
    app = app_factory(forks_db, args=["--session", GRANDCHILD])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, GRANDCHILD)
        tree = await _forks(pilot)
        assert tree.cursor_node.data.session.ulid == GRANDCHILD
        await pilot.press("p")
        await wait_until(pilot, lambda: shown_ulid(app) == CHILD_A, "the parent")
        await settle(pilot)
        assert app.replay.cursor_event_seq() == 2
        assert app.replay.timeline.count == 4  # the whole parent, the cursor at the fork
        # p on a session that has no parent does nothing.
        tree = await _forks(pilot)
        await pilot.press("up", "p")
        await pilot.pause()
        assert tree.cursor_node.data.session.ulid == ROOT
        assert isinstance(app.screen, ForksScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ForksScreen)
        assert shown_ulid(app) == CHILD_A


async def test_a_session_without_forks_is_a_tree_of_one(app_factory, forks_db):
    app = app_factory(forks_db, args=["--session", LONER])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, LONER)
        tree = await _forks(pilot)
        assert _shape(tree.root) == (LONER, None)
        assert str(tree.root.label).endswith("\u25c0 this session")


async def test_the_fixture_fork_and_its_parent(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", FORK])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, FORK)
        tree = await _forks(pilot)
        # FORK started after PARENT's last event (seq 6): the fork point is the end.
        assert _shape(tree.root) == (PARENT, None, (FORK, 6))
        await pilot.press("p")
        await wait_until(pilot, lambda: shown_ulid(app) == PARENT, "PARENT")
        await settle(pilot)
        assert app.replay.cursor_event_seq() == 6


# ---- odd and big fork data, written with plain sqlite3 -------------------------------------

T0 = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)
CYCLE_A = ulid_at(T0, "CYC1EA01")
CYCLE_B = ulid_at(T0 + 5 * MINUTE, "CYC1EB01")
SELF = ulid_at(T0, "SE1FPARENT01")
SELF_CHILD = ulid_at(T0 + 270 * SECOND, "SE1FCH11D01")
BIG = ulid_at(T0, "B1GPARENT01")
FORKS = 10_000
BIG_EVENTS = 50


def _plain_db(
    path: Path,
    sessions: list[tuple[str, datetime, str | None, int]],
    started: dict[str, datetime] | None = None,
) -> Path:
    """(ulid, start, parent ulid, events a minute apart after the start) as plain SQL; a
    session of ``started`` records that start instead (its events keep theirs)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(TABLES_SQL)
        conn.execute("BEGIN")
        for ulid, start, parent, events in sessions:
            cursor = conn.execute(
                "INSERT INTO sessions (ulid, started_at, ended_at, cli_version, parent_ulid)"
                " VALUES (?, ?, ?, '0.4.0', ?)",
                (
                    ulid,
                    format_rfc3339((started or {}).get(ulid, start)),
                    format_rfc3339(start + MINUTE),
                    parent,
                ),
            )
            conn.executemany(
                "INSERT INTO events (session_id, seq, at, kind, text)"
                " VALUES (?, ?, ?, 'system', 'x')",
                [
                    (cursor.lastrowid, n, format_rfc3339(start + n * MINUTE))
                    for n in range(1, events + 1)
                ],
            )
        conn.execute(
            "INSERT INTO milestones (key, value, at) VALUES ('welcome_shown', 'true', ?)",
            (format_rfc3339(T0),),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return path


def _big(path: Path) -> Path:
    """BIG with 50 events a minute apart and 10,000 forks, the i-th started i*0.3 s in. BIG
    records a start after all of them, so it is the first row of the list (newest first)."""
    forks = [
        (ulid_at(T0 + timedelta(seconds=0.3 * i), f"F{i:05d}"), T0 + timedelta(seconds=0.3 * i))
        for i in range(1, FORKS + 1)
    ]
    sessions = [(BIG, T0, None, BIG_EVENTS)] + [(u, t, BIG, 0) for u, t in forks]
    return _plain_db(path, sessions, started={BIG: T0 + timedelta(days=1)})


def _lines(tree: Tree) -> list[str]:
    return [str(tree.get_node_at_line(n).label) for n in range(tree.last_line + 1)]


def _sessions_shown(node) -> list[str]:
    """ULIDs of the tree's sessions, repeats (cycle markers) left out."""
    data = node.data
    own = [data.session.ulid] if data is not None and not data.repeat else []
    return own + [ulid for child in node.children for ulid in _sessions_shown(child)]


async def test_a_cycle_of_parents_is_drawn_once_with_a_marker(app_factory, workdir):
    db = _plain_db(
        Path("cycle.db"), [(CYCLE_A, T0, CYCLE_B, 10), (CYCLE_B, T0 + 5 * MINUTE, CYCLE_A, 10)]
    )
    app = app_factory(db, args=["--session", CYCLE_A])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, CYCLE_A)
        tree = await _forks(pilot)
        # B is A's parent and A is B's: the walk up stops at B; below A, B is a marker.
        assert _shape(tree.root) == (CYCLE_B, None, (CYCLE_A, None, (CYCLE_B, 5)))
        assert sorted(_sessions_shown(tree.root)) == sorted([CYCLE_A, CYCLE_B])
        marker = tree.root.children[0].children[0]
        assert marker.data.repeat
        assert not marker.children
        assert not marker.allow_expand  # a leaf: never walked into
        assert tree.root.data.parent_not_shown is None  # B's parent, A, is in the tree
        lines = _lines(tree)
        assert len(lines) == 3
        assert lines[2] == f"\u21bb {CYCLE_B[:4]}\u2026{CYCLE_B[-6:]}  a cycle: shown above" + (
            "  forked at parent #5"
        )
        assert tree.cursor_node.data.session.ulid == CYCLE_A
        assert not tree.cursor_node.data.repeat


async def test_a_session_that_is_its_own_parent_shows_its_real_fork(app_factory, workdir):
    db = _plain_db(
        Path("self.db"), [(SELF, T0, SELF, 10), (SELF_CHILD, T0 + 270 * SECOND, SELF, 2)]
    )
    app = app_factory(db, args=["--session", SELF])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, SELF)
        tree = await _forks(pilot)
        # Itself as a marker (no events before its own start), then its real fork at #4.
        assert _shape(tree.root) == (SELF, None, (SELF, None), (SELF_CHILD, 4))
        assert tree.root.children[0].data.repeat
        assert _sessions_shown(tree.root) == [SELF, SELF_CHILD]
        await pilot.press("down", "down", "enter")
        await wait_until(pilot, lambda: shown_ulid(app) == SELF_CHILD, "the real fork")


async def test_ten_thousand_forks_show_two_hundred_and_say_how_many_more(app_factory, workdir):
    db = _big(Path("big.db"))
    app = app_factory(db, args=["--session", BIG])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, BIG)
        tree = await _forks(pilot)
        shown = tree.root.children[:-1]
        cut = tree.root.children[-1]
        assert len(shown) == MAX_CHILDREN == 200
        assert str(cut.label) == f"\u2026 {FORKS - MAX_CHILDREN:,} more"
        assert str(cut.label) == "\u2026 9,800 more"
        assert cut.data is None
        # The oldest forks first, each at the fork point the store computes for it.
        assert [node.data.session.ulid[-6:] for node in shown[:3]] == [
            "F00001",
            "F00002",
            "F00003",
        ]
        with Store.open_readonly(db) as store:
            for node in shown[::37]:
                child = node.data.session
                assert node.data.fork_seq == store.seq_at_or_before(1, child.started_at)
        # The cut line opens nothing.
        await pilot.press("end", "enter")
        await pilot.pause()
        assert tree.cursor_node is cut
        assert isinstance(app.screen, ForksScreen)


def _statements(db: Path, session_ulid: str) -> tuple[ForkNode | None, list[str]]:
    """The tree ``build_fork_tree`` makes for the session, and the statements it ran."""
    with Store.open_readonly(db) as store:
        session = store.get_session_by_ulid(session_ulid)
        assert session is not None
        statements: list[str] = []
        store.set_trace(statements.append)
        root = build_fork_tree(store, 0, session.id)
        store.set_trace(None)
    return root, statements


def test_the_tree_costs_the_same_statements_for_ten_or_ten_thousand_forks(workdir):
    small = _plain_db(
        Path("small.db"),
        [(BIG, T0, None, BIG_EVENTS)]
        + [(ulid_at(T0 + n * MINUTE, f"F{n:05d}"), T0 + n * MINUTE, BIG, 0) for n in range(10)],
    )
    few_root, few = _statements(small, BIG)
    many_root, many = _statements(_big(Path("big.db")), BIG)
    assert few_root is not None
    assert len(few_root.children) == 10
    assert many_root is not None
    assert len(many_root.children) == MAX_CHILDREN
    assert many_root.more == FORKS - MAX_CHILDREN
    # The session, its ancestors, its forks, theirs (none), every fork point: five.
    assert len(many) == len(few) == 5


def test_a_chain_deeper_than_the_cap_is_cut_and_counted(workdir):
    chain = [ulid_at(T0 + n * MINUTE, f"CHA1N{n:03d}") for n in range(MAX_DEPTH + 8)]
    db = _plain_db(
        Path("chain.db"),
        [(u, T0 + n * MINUTE, chain[n - 1] if n else None, 1) for n, u in enumerate(chain)],
    )
    root, statements = _statements(db, chain[0])
    depth, node = 0, root
    while node is not None and node.children:
        (node,) = node.children
        depth += 1
    assert depth == MAX_DEPTH
    assert node is not None
    assert node.more == 1
    assert len(statements) <= MAX_DEPTH + 4
    # From the deepest session, the walk up stops MAX_DEPTH parents above it.
    top, _ = _statements(db, chain[-1])
    assert top is not None
    assert top.session.ulid == chain[len(chain) - 1 - MAX_DEPTH]
    # ... and says whose fork it is, not shown.
    assert top.parent_not_shown == chain[len(chain) - 2 - MAX_DEPTH]
    assert root.parent_not_shown is None  # chain[0] has no parent
