"""The sort keys are defined once (``store.listing.SORTS``): each key's SQL and its Python
merge key order the same sessions the same way."""

from __future__ import annotations

import pytest

from store import EventKind, Store
from store.listing import (
    COUNT_SORT_KEYS,
    SESSION_SORT_KEYS,
    SORT_KEYS,
    SORTS,
    merge_key,
    order_clause,
)


def _distinct_sessions(db: Store) -> None:
    """Five ended sessions whose every sortable value differs from the others'."""
    for i in range(5):
        sid = db.start_session(
            f"01HSORT{(i * 3) % 5}", f"https://e{(i * 2) % 5}.example", f"0.{(i * 4) % 5}", f"P{i}"
        )
        kinds = [EventKind.WARN] * i + [EventKind.ALERT] * (4 - i) + [EventKind.PROMPT] * (i * 2)
        db.append_many(sid, [(kind, f"{kind.value} {n}") for n, kind in enumerate(kinds)])
        db.end_session(sid)


@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("sort", list(SORT_KEYS))
def test_merge_key_orders_sessions_as_the_sql_does(db: Store, sort: str, descending: bool) -> None:
    _distinct_sessions(db)
    from_sql = db.query_summaries(100, sort=sort, descending=descending)
    shuffled = [from_sql[i] for i in (3, 0, 4, 1, 2)]  # not already in order
    by_merge_key = sorted(shuffled, key=merge_key(sort), reverse=descending)
    assert [m.session.ulid for m in by_merge_key] == [m.session.ulid for m in from_sql]
    assert len(from_sql) == 5


def test_each_sort_key_is_named_once_started_first() -> None:
    names = [key.name for key in SORTS]
    assert names[0] == "started"
    assert len(set(names)) == len(names) == len(SORT_KEYS)
    assert set(SORT_KEYS) == COUNT_SORT_KEYS | SESSION_SORT_KEYS
    assert {"events", "warn", "alert", "last_event"} == COUNT_SORT_KEYS


def test_an_unknown_sort_key_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot sort sessions by 'nope'"):
        order_clause("nope", True)
