"""Area 6, writes that can fail halfway: the wrap JSON (``store.wrap.write_wrap``, through
``write_atomically``) and the session exports (``zero_session_tui.export``).

Each failure (a full disk at write, fsync or rename; a read-only directory; a directory path
that is a file; a target that is a directory; the producer of the content failing or being
interrupted) must give a clear one-line error naming the file, leave no partial or temp file,
and leave an existing target exactly as it was. Tests run as root, where chmod does not stop
writes, so a read-only directory is simulated where the real one does not refuse.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _reliability import fingerprint, step_clock

from store import EventKind, SerializationError, SessionError, SqliteError, Store, StoreIOError
from store import wrap as wrap_module
from store.atomic_write import write_atomically
from store.rows import SessionRow

AREA = "atomic-writes"
ULID = "01JATOMICWRITES00000000000"
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _report() -> wrap_module.WrapReport:
    session = SessionRow(1, ULID, START, None, None, "0.3.0", None)
    with Store.open_in_memory(clock=step_clock(START)) as store:
        sid = store.start_session(ULID, None, "0.3.0", None)
        for text in ("> /status", "> /buy 1", "> /status"):
            store.append(sid, EventKind.PROMPT, text)
        events = store.list_events(sid, 100)
    return wrap_module.generate(session, events, START + timedelta(hours=3))


def _oserror(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def _raise(code: int) -> Callable[..., None]:
    def fail(*args: object, **kwargs: object) -> None:
        raise _oserror(code)

    return fail


class _HalfWriter(io.RawIOBase):
    """A file object that writes half of what it is given, then fails: the disk filled up."""

    def __init__(self, real: io.BufferedWriter) -> None:
        self.real = real

    def write(self, data) -> int:  # type: ignore[override]
        self.real.write(bytes(data)[: len(data) // 2])
        self.real.flush()
        raise _oserror(errno.ENOSPC)

    def fileno(self) -> int:
        return self.real.fileno()

    def close(self) -> None:
        self.real.close()
        super().close()


def _half_writing_fdopen(real_fdopen):
    def fdopen(fd: int, *args: object, **kwargs: object):
        return _HalfWriter(real_fdopen(fd, *args, **kwargs))

    return fdopen


@contextlib.contextmanager
def _readonly_directory(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``folder`` made read-only; where chmod does not stop this user (root), creating a
    file in it is made to fail with EACCES as the kernel would."""
    folder.chmod(0o555)
    try:
        probe = folder / ".probe"
        try:
            probe.touch()
        except PermissionError:
            yield "chmod 555"
            return
        probe.unlink()
        with monkeypatch.context() as patch:
            real = tempfile.mkstemp

            def mkstemp(*args: object, dir: object = None, **kwargs: object):
                if dir is not None and Path(str(dir)) == folder:
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
                return real(*args, dir=dir, **kwargs)  # type: ignore[call-overload]

            patch.setattr(tempfile, "mkstemp", mkstemp)
            yield "simulated (root ignores chmod)"
    finally:
        folder.chmod(0o755)


# Each case: (how to break the write, what the error must say)
FAILURES: dict[str, tuple[str, str]] = {
    "disk full at write": ("fdopen-half", os.strerror(errno.ENOSPC)),
    "disk full at fsync": ("fsync", os.strerror(errno.ENOSPC)),
    "disk full at rename": ("replace", os.strerror(errno.ENOSPC)),
    "I/O error at fsync": ("fsync-eio", os.strerror(errno.EIO)),
    "read-only directory": ("readonly", os.strerror(errno.EACCES)),
    "directory path is a file": ("dir-is-file", ""),
    "target is a directory": ("target-is-dir", ""),
}


@contextlib.contextmanager
def _broken(how: str, folder: Path, target: Path, monkeypatch) -> Iterator[Path]:
    """Break the write ``how``; yields the directory to write into."""
    if how == "dir-is-file":
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.write_text("a file where the directory should be\n")
        yield folder
        return
    folder.mkdir(parents=True, exist_ok=True)
    if how == "target-is-dir":
        target.mkdir()
        (target / "keep").write_text("inside\n")
        yield folder
        return
    if how == "readonly":
        with _readonly_directory(folder, monkeypatch):
            yield folder
        return
    with monkeypatch.context() as patch:
        if how == "fdopen-half":
            patch.setattr(os, "fdopen", _half_writing_fdopen(os.fdopen))
        elif how == "fsync":
            patch.setattr(os, "fsync", _raise(errno.ENOSPC))
        elif how == "fsync-eio":
            patch.setattr(os, "fsync", _raise(errno.EIO))
        elif how == "replace":
            patch.setattr(os, "replace", _raise(errno.ENOSPC))
        yield folder


def _state(folder: Path) -> str:
    return fingerprint(folder)


WRAP_CASES = [
    pytest.param(case, previous, id=f"{case}-{'replacing' if previous else 'new'}")
    for case, (how, _) in FAILURES.items()
    for previous in (False, True)
    if not (previous and how in ("dir-is-file", "target-is-dir"))  # no previous wrap there
]


@pytest.mark.parametrize(("case", "with_previous"), WRAP_CASES)
def test_a_failing_wrap_write_is_clear_and_leaves_nothing(
    tmp_path: Path, monkeypatch, figures, case: str, with_previous: bool
) -> None:
    how, says = FAILURES[case]
    folder = tmp_path / "wraps"
    target = folder / f"{ULID}.json"
    if with_previous:
        folder.mkdir()
        target.write_text('{"previous": true}\n')
    report = _report()
    figures.add(AREA, failures_tried=1)
    with _broken(how, folder, target, monkeypatch) as where:
        before = _state(tmp_path)
        with pytest.raises(StoreIOError) as caught:
            wrap_module.write_wrap(report, where)
    message = str(caught.value)
    assert "\n" not in message
    assert str(target) in message, message
    assert says in message, message
    figures.add(AREA, clear_errors=1)
    after = _state(tmp_path)
    leftovers = after != before
    figures.add(AREA, leftovers=int(leftovers))
    assert not leftovers, "a temp or partial file was left, or something else changed"
    if with_previous:
        assert target.read_text() == '{"previous": true}\n'
        figures.add(AREA, targets_kept=1)


def test_a_wrap_is_written_whole(tmp_path: Path) -> None:
    report = _report()
    target = wrap_module.write_wrap(report, tmp_path / "wraps")
    assert target == tmp_path / "wraps" / f"{ULID}.json"
    assert json.loads(target.read_text())["total_events"] == 3
    assert target.read_text() == report.to_json()
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_an_unsafe_ulid_writes_nothing(tmp_path: Path, figures) -> None:
    report = _report()
    hostile = dataclasses.replace(report, session_ulid="../../etc/x")
    figures.add(AREA, failures_tried=1)
    with pytest.raises(SerializationError):
        wrap_module.write_wrap(hostile, tmp_path / "wraps")
    figures.add(AREA, clear_errors=1)
    assert not (tmp_path / "wraps").exists() or not any((tmp_path / "wraps").iterdir())
    assert not (tmp_path / "etc").exists()


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SqliteError])
def test_a_producer_failing_midway_leaves_the_old_file(
    tmp_path: Path, figures, interrupt: type[BaseException]
) -> None:
    """``write_atomically`` with chunks produced as it goes (what exports do): the producer
    failing after some chunks (Ctrl-C, a read error) leaves the old file and no temp."""
    target = tmp_path / "out.txt"
    target.write_text("old\n")

    def chunks() -> Iterator[bytes]:
        yield b"new first chunk\n" * 1000
        raise interrupt("stopped halfway")

    before = fingerprint(tmp_path)
    figures.add(AREA, failures_tried=1)
    with pytest.raises(interrupt):
        write_atomically(target, chunks())
    figures.add(AREA, clear_errors=1)
    assert fingerprint(tmp_path) == before
    assert target.read_text() == "old\n"
    figures.add(AREA, targets_kept=1)


# ---- exports ------------------------------------------------------------------------------

try:
    from zero_session_tui import export
except ImportError:  # exports are newer than the wrap: test them where they exist
    export = None

needs_export = pytest.mark.skipif(export is None, reason="zero_session_tui.export does not exist")


def _store_with_session(tmp_path: Path) -> tuple[Store, SessionRow]:
    store = Store.open(tmp_path / "export.db", clock=step_clock(START))
    sid = store.start_session(ULID, None, "0.3.0", None)
    store.append_many(sid, [(EventKind.PROMPT, f"> /n {i} \x1b[2J") for i in range(3_000)])
    session = store.get_session(sid)
    assert session is not None
    return store, session


EXPORTS = {"markdown": "export_markdown", "jsonl": "export_jsonl"}


@needs_export
@pytest.mark.parametrize("fmt", list(EXPORTS))
def test_an_export_is_written_whole(tmp_path: Path, fmt: str) -> None:
    store, session = _store_with_session(tmp_path)
    with store:
        path = getattr(export, EXPORTS[fmt])(store, session, tmp_path / "exports")
    text = path.read_text()
    assert "\x1b" not in text  # inert in Markdown, escaped in JSON
    if fmt == "jsonl":
        lines = text.splitlines()
        assert len(lines) == 3_000
        assert json.loads(lines[-1])["seq"] == 3_000
    else:
        assert "### 3000 " in text
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


@needs_export
@pytest.mark.parametrize("fmt", list(EXPORTS))
@pytest.mark.parametrize(
    "case", ["disk full at write", "disk full at fsync", "read-only directory"]
)
def test_a_failing_export_is_clear_and_leaves_nothing(
    tmp_path: Path, monkeypatch, figures, fmt: str, case: str
) -> None:
    store, session = _store_with_session(tmp_path)
    folder = tmp_path / "exports"
    folder.mkdir()
    previous = folder / f"{ULID}.{'md' if fmt == 'markdown' else 'jsonl'}"
    previous.write_text("previous export\n")
    how, says = FAILURES[case]
    figures.add(AREA, failures_tried=1)
    with store, _broken(how, folder, previous, monkeypatch) as where:
        before = fingerprint(folder)
        with pytest.raises(StoreIOError) as caught:
            getattr(export, EXPORTS[fmt])(store, session, where)
    assert str(previous) in str(caught.value)
    assert says in str(caught.value)
    figures.add(AREA, clear_errors=1)
    assert fingerprint(folder) == before
    assert previous.read_text() == "previous export\n"
    figures.add(AREA, targets_kept=1)


@needs_export
@pytest.mark.parametrize("fmt", list(EXPORTS))
def test_an_export_whose_reads_fail_midway_leaves_nothing(
    tmp_path: Path, monkeypatch, figures, fmt: str
) -> None:
    """The database fails after the first page of events (a lock, a corrupt page)."""
    store, session = _store_with_session(tmp_path)
    folder = tmp_path / "exports"
    real = store.events_after
    calls = 0

    def failing(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls > 1:
            raise SqliteError("reading: the database file is corrupt", "SQLITE_CORRUPT")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "events_after", failing)
    figures.add(AREA, failures_tried=1)
    with store, pytest.raises(SessionError, match="corrupt"):
        getattr(export, EXPORTS[fmt])(store, session, folder)
    figures.add(AREA, clear_errors=1)
    assert calls > 1, "the failure was not reached midway"
    assert not folder.exists() or list(folder.iterdir()) == []
