"""What names and tags cost the list: ``.venv/bin/python -m bench.labels``.

A benchmark, not a test (bench/README.md). Bounded: in a temporary directory, a database of
``--sessions`` sessions (default 5,000, ``tests/app/harness.build_many_sessions``, written
through ``store``) and an annotations file naming ``--named`` of them (default 1,000, every
other one also tagged). For each it prints, in milliseconds over ``--runs`` rounds (first,
median, max), the catalog's work behind the list (no UI):

- ``page, no file``: the first page (100 rows) with no annotations file (one ``stat``);
- ``page, labelled``: the same page with the file (the labels joined: two reads);
- ``page by name``: the first page sorted by name (every name read, the named sessions'
  rows in one query, sorted; then the rest newest first);
- ``filter by tag``: the first page and the total filtered by one tag;
- ``search labels``: the search's section of names and tags (every label matched).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from store import SessionFilter, Store
from store.annotations import Annotations
from tests.app.harness import build_many_sessions
from zero_session_tui import locations
from zero_session_tui.catalog import Catalog, ListOrder
from zero_session_tui.label_search import label_hits


def _figures(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"first {ms[0]:7.1f}  median {statistics.median(ms):7.1f}  max {max(ms):7.1f} ms"


def _timed(runs: int, work: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return times


def _label(db: Path, named: int) -> None:
    with Store.open_readonly(db) as store:
        ulids = [row.session.ulid for row in store.list_summaries(named * 2)][::2]
    key = str(db.resolve())
    with Annotations.open(locations.annotations_file()) as notes:
        for index, ulid in enumerate(ulids):
            notes.set_name(key, ulid, f"run {index:05d}")
            if index % 2 == 0:
                notes.set_tags(key, ulid, f"batch{index % 10} slow")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.labels")
    parser.add_argument("--sessions", type=int, default=5_000)
    parser.add_argument("--named", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            os.environ[name] = str(Path(tmp) / name.lower())
        db = build_many_sessions(Path(tmp) / "many.db", options.sessions)
        catalog = Catalog.open([db])
        try:

            def first_page(order: ListOrder | None = None) -> object:
                pager = catalog.pager(order=order)
                return pager.total(), pager.next_page()

            rows = [("page, no file", _timed(options.runs, first_page))]
            _label(db, options.named)
            by_name = ListOrder(sort="name", descending=False)
            by_tag = ListOrder(where=SessionFilter(tag="slow"))
            page = catalog.pager().next_page()
            labelled = sum(not item.label.empty for item in page)
            rows += [
                ("page, labelled", _timed(options.runs, first_page)),
                ("page by name", _timed(options.runs, lambda: first_page(by_name))),
                ("filter by tag", _timed(options.runs, lambda: first_page(by_tag))),
                (
                    "search labels",
                    _timed(options.runs, lambda: label_hits(catalog, "run 00", None)),
                ),
            ]
        finally:
            catalog.close()
    print(
        f"{options.sessions:,} sessions, {options.named:,} named ({options.named // 2:,} "
        f"tagged 'slow'); {labelled} of the first page's {len(page)} rows labelled"
    )
    for title, times in rows:
        print(f"{title:<16} {_figures(times)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
