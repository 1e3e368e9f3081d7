"""Forks: f shows the tree around the session (its ancestors and every fork of them) with the
point where each fork left its parent; Enter opens a session, p opens the parent at the fork
point."""

from __future__ import annotations

from textual.widgets import Tree

from store import Store
from tests.app.harness import FORK, PARENT, SIZE, settle, shown_ulid, wait_until
from tests.features._feature_support import (
    CHILD_A,
    CHILD_B,
    FORK_POINTS,
    GRANDCHILD,
    LONER,
    ROOT,
    open_and_settle,
)
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
