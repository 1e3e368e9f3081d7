"""The annotations file, tested like the store: reopen, concurrent instances, a replaced
client file, a corrupt file."""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store.annotations import Annotations, AnnotationsError

ULID = "01HZZZZZZZZZZZZZZZZZZZZZZZ"


def _clock() -> datetime:
    return datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_bookmarks_and_notes_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "annotations.db"
    with Annotations.open(path, clock=_clock) as notes:
        assert notes.toggle("/db", ULID, 3) is True
        notes.set_note("/db", ULID, 7, "first line\nsecond line")
    with Annotations.open(path) as notes:
        assert notes.session_bookmarks("/db", ULID) == {3: None, 7: "first line\nsecond line"}
        marks = notes.all_bookmarks()
        assert [(b.seq, b.created_at) for b in marks] == [
            (3, "2026-01-02T03:04:05+00:00"),
            (7, "2026-01-02T03:04:05+00:00"),
        ]


def test_toggle_twice_removes_the_bookmark_and_its_note(tmp_path: Path) -> None:
    with Annotations.open(tmp_path / "a.db") as notes:
        notes.set_note("/db", ULID, 1, "keep?")
        assert notes.toggle("/db", ULID, 1) is False
        assert notes.session_bookmarks("/db", ULID) == {}


def test_a_blank_note_clears_the_note_but_keeps_the_bookmark(tmp_path: Path) -> None:
    with Annotations.open(tmp_path / "a.db") as notes:
        notes.set_note("/db", ULID, 1, "x")
        notes.set_note("/db", ULID, 1, "  \n ")
        assert notes.session_bookmarks("/db", ULID) == {1: None}


def test_bookmarks_are_kept_per_database(tmp_path: Path) -> None:
    with Annotations.open(tmp_path / "a.db") as notes:
        notes.toggle("/one", ULID, 1)
        notes.toggle("/two", ULID, 2)
        assert notes.session_bookmarks("/one", ULID) == {1: None}
        assert notes.session_bookmarks("/two", ULID) == {2: None}


def test_two_instances_write_concurrently_and_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    first, second = Annotations.open(path), Annotations.open(path)
    errors: list[BaseException] = []

    def write(notes: Annotations, base: int) -> None:
        try:
            for seq in range(base, base + 50):
                notes.set_note("/db", ULID, seq, f"note {seq}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=write, args=(first, 0)),
        threading.Thread(target=write, args=(second, 1000)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seen = second.session_bookmarks("/db", ULID)
    assert len(seen) == 100
    assert first.session_bookmarks("/db", ULID) == seen
    first.close()
    second.close()


def test_a_replaced_client_file_keeps_its_notes(tmp_path: Path, template_db: Path) -> None:
    client = tmp_path / "sessions.db"
    shutil.copy(template_db, client)
    key = str(client.resolve())
    with Annotations.open(tmp_path / "a.db") as notes:
        notes.set_note(key, ULID, 2, "why")
    client.unlink()
    shutil.copy(template_db, client)  # another inode at the same path
    with Annotations.open(tmp_path / "a.db") as notes:
        assert notes.session_bookmarks(str(client.resolve()), ULID) == {2: "why"}


def test_a_corrupt_file_gives_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(AnnotationsError) as raised:
        Annotations.open(path)
    message = str(raised.value)
    assert "\n" not in message
    assert str(path) in message
    assert "corrupt" in message
