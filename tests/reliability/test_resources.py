"""Bounded resources: one shared connection per database, so 200 databases open and are
polled under ``ulimit -n 1024``; a database named twice (another spelling, a symlink) is
listed once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from _reliability import REPO, child_env

from store import EventKind, Store
from zero_session_tui.catalog import Catalog

AREA = "resources"
DATABASES = 200

_CHILD = """
import os, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
from zero_session_tui.catalog import Catalog
from zero_session_tui.change_watcher import ChangeWatcher
paths = [Path(p) for p in sys.argv[1:]]
catalog = Catalog.open(paths)
watcher = ChangeWatcher(catalog)
changed = watcher.changed()
pager = catalog.pager()
listed = len(pager.next_page()) + len(pager.next_page())
for index in range(len(paths)):  # what the app's workers do, from this thread and others
    catalog.store(index).seq_bounds(1)
print(f"fds={len(os.listdir('/proc/self/fd'))} changed={len(changed.partitions)} listed={listed}")
catalog.close()
"""


def test_two_hundred_databases_open_under_ulimit_1024(tmp_path: Path, figures) -> None:
    paths = []
    for i in range(DATABASES):
        path = tmp_path / f"db{i:03d}.db"
        with Store.open(path) as store:
            sid = store.start_session(f"01JRESOURCES{i:014d}", None, "0.3.0", None)
            store.append(sid, EventKind.PROMPT, "> /status")
        paths.append(str(path))
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, *paths],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    found = dict(word.split("=") for word in result.stdout.split())
    assert int(found["changed"]) == DATABASES
    assert int(found["listed"]) == DATABASES
    fds = int(found["fds"])
    assert fds <= 3 * DATABASES + 50, fds
    figures.add(AREA, databases=DATABASES, fds=fds)


def test_a_database_named_twice_is_listed_once(tmp_path: Path, figures) -> None:
    path = tmp_path / "sessions.db"
    with Store.open(path) as store:
        store.start_session("01JTWICE000000000000000000", None, "0.3.0", None)
    link = tmp_path / "link.db"
    os.symlink(path, link)
    spellings = [path, tmp_path / "." / "sessions.db", link]
    catalog = Catalog.open(spellings)
    try:
        assert len(catalog.partitions) == 1
        assert len(catalog.pager().next_page()) == 1
    finally:
        catalog.close()
    figures.add(AREA, duplicate_names=len(spellings) - 1)
