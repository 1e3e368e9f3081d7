"""The fork tree around a session: its oldest ancestor, and the forks under it, level by level.

Built with a bounded number of statements whatever the data (``store.forks``): one for the
session, one for its ancestors, one per level for the forks of the whole level, one for
every fork point. Each session is shown once: a session met again (a cycle of parents, a
session that is its own parent) is a leaf marked ``repeat``, never walked into. What the
caps leave out is counted, so the screen can say "… 9,800 more".

No UI here: the app calls ``build_fork_tree`` in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from store import SessionRow, Store, forks

from .catalog import SessionKey

__all__ = ["MAX_CHILDREN", "MAX_DEPTH", "MAX_NODES", "ForkNode", "build_fork_tree"]

MAX_CHILDREN = 200
"""Forks shown under one session; the rest are counted."""
MAX_NODES = 1_000
"""Sessions shown in the whole tree (a tree widget of this size opens quickly)."""
MAX_DEPTH = 32
"""Levels walked up to the oldest ancestor, and down from it: each level down is a scan of
the sessions table (``parent_ulid`` has no index in the client's schema)."""


@dataclass(frozen=True, slots=True)
class ForkNode:
    key: SessionKey
    session: SessionRow
    fork_seq: int | None = None
    """Where this session left its parent: the parent's last event before it started."""
    children: tuple[ForkNode, ...] = ()
    more: int = 0
    """Forks of this session that are not shown (the caps)."""
    repeat: bool = False
    """This session is shown elsewhere in the tree (a cycle): shown here once more as a
    marker, its forks not walked again."""
    parent_not_shown: str | None = None
    """On the root: the ULID of its parent when that is not in the tree (beyond the cap of
    MAX_DEPTH levels up, or no longer in the database)."""


@dataclass(slots=True)
class _Draft:
    """A node while the tree grows (``ForkNode`` is frozen, so it is made at the end)."""

    session: SessionRow
    parent_id: int | None = None
    repeat: bool = False
    children: list[_Draft] = field(default_factory=list)
    more: int = 0


def build_fork_tree(store: Store, partition: int, session_id: int) -> ForkNode | None:
    """The tree around the session ``session_id`` of ``store`` (the catalog's partition
    ``partition``), or None when the session no longer exists."""
    session = store.get_session(session_id)
    if session is None:
        return None
    chain = forks.ancestors(store, session.ulid, MAX_DEPTH) or [session]
    root = _Draft(chain[-1])
    seen = {root.session.ulid}
    level, budget = [root], MAX_NODES - 1
    for depth in range(MAX_DEPTH + 1):
        parents = [draft for draft in level if not draft.repeat]
        if not parents:
            break
        limit = min(MAX_CHILDREN, budget) if depth < MAX_DEPTH else 0
        found = forks.children_of(store, [draft.session.ulid for draft in parents], limit)
        level = []
        for parent in parents:
            of_parent = found.get(parent.session.ulid)
            if of_parent is None:
                continue
            taken = of_parent.first[: max(0, budget)]
            budget -= len(taken)
            for child in taken:
                draft = _Draft(child, parent.session.id, repeat=child.ulid in seen)
                seen.add(child.ulid)
                parent.children.append(draft)
                level.append(draft)
            parent.more = of_parent.total - len(taken)
    points = forks.fork_points(store, _forks_of(root))
    tree = _freeze(root, partition, points)
    above = root.session.parent_ulid
    if above is not None and above not in {s.ulid for s in chain}:
        tree = replace(tree, parent_not_shown=above)
    return tree


def _forks_of(root: _Draft) -> list[tuple[int, datetime]]:
    """(parent id, start) of every fork in the tree that has a start time."""
    pairs: list[tuple[int, datetime]] = []
    stack = [root]
    while stack:
        draft = stack.pop()
        if draft.parent_id is not None and draft.session.started_at is not None:
            pairs.append((draft.parent_id, draft.session.started_at))
        stack.extend(draft.children)
    return pairs


def _freeze(
    draft: _Draft, partition: int, points: dict[tuple[int, datetime], int | None]
) -> ForkNode:
    started = draft.session.started_at
    fork_seq = (
        points.get((draft.parent_id, started))
        if draft.parent_id is not None and started is not None
        else None
    )
    return ForkNode(
        key=SessionKey(partition, draft.session.id),
        session=draft.session,
        fork_seq=fork_seq,
        children=tuple(_freeze(child, partition, points) for child in draft.children),
        more=draft.more,
        repeat=draft.repeat,
    )
