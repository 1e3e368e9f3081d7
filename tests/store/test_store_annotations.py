"""The annotations file, tested like the store: reopen, concurrent instances, a replaced
client file, a corrupt file."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store.annotations import Annotations, AnnotationsError
from store.session_labels import MAX_NAME, MAX_TAG, SessionLabel, clean_name, parse_tags

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


# ---- session names and tags (the same file, the same guarantees) ----------------------------

OTHER = "01HYYYYYYYYYYYYYYYYYYYYYYY"


def test_names_and_tags_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "annotations.db"
    with Annotations.open(path, clock=_clock) as notes:
        assert notes.set_name("/db", ULID, "  quote  run\n") == "quote run"
        assert notes.set_tags("/db", ULID, "#Slow, btc  slow") == ("btc", "slow")
        notes.set_tags("/db", OTHER, ["paper"])
    with Annotations.open(path) as notes:
        assert notes.labels_of("/db", [ULID, OTHER, "01HXXXXXXXXXXXXXXXXXXXXXXX"]) == {
            ULID: SessionLabel("quote run", ("btc", "slow")),
            OTHER: SessionLabel("", ("paper",)),
        }
        assert notes.names("/db") == {ULID: "quote run"}


def test_a_blank_name_clears_it_and_set_tags_replaces_them(tmp_path: Path) -> None:
    with Annotations.open(tmp_path / "a.db") as notes:
        notes.set_name("/db", ULID, "x")
        notes.set_tags("/db", ULID, "a b c")
        assert notes.set_name("/db", ULID, "   ") == ""
        assert notes.set_tags("/db", ULID, "c d") == ("c", "d")
        notes.add_tags("/db", ULID, "#E c")
        notes.remove_tags("/db", ULID, "d")
        assert notes.labels_of("/db", [ULID]) == {ULID: SessionLabel("", ("c", "e"))}
        notes.set_tags("/db", ULID, "")
        assert notes.labels_of("/db", [ULID]) == {}


def test_labels_are_kept_per_database_and_found_by_name_and_tag(tmp_path: Path) -> None:
    with Annotations.open(tmp_path / "a.db") as notes:
        notes.set_name("/one", ULID, "Élan vital")
        notes.set_tags("/one", ULID, "btc")
        notes.set_name("/one", OTHER, "other run")
        notes.set_tags("/two", OTHER, "btc")
        assert notes.matching("/one", name="ÉLAN") == {ULID}
        assert notes.matching("/one", name="run") == {OTHER}
        assert notes.matching("/one", tag="#BTC") == {ULID}
        assert notes.matching("/two", tag="btc") == {OTHER}
        assert notes.matching("/one", name="other", tag="btc") == set()
        assert notes.matching("/one", name="  ") == set()  # nothing asked, nothing matched
        assert [(x.db, x.ulid) for x in notes.all_labels()] == [
            ("/one", ULID),
            ("/two", OTHER),
            ("/one", OTHER),
        ]


def test_two_instances_label_concurrently_and_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    first, second = Annotations.open(path), Annotations.open(path)
    errors: list[BaseException] = []
    ulids = [f"01H{n:023d}" for n in range(60)]

    def write(notes: Annotations, base: int) -> None:
        try:
            for ulid in ulids[base : base + 30]:
                notes.set_name("/db", ulid, f"name {ulid[-2:]}")
                notes.add_tags("/db", ulid, f"t{base}")
                notes.add_tags("/db", ulids[0], f"from{base}-{ulid[-2:]}")  # one row, both
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n, b)) for n, b in ((first, 0), (second, 30))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seen = second.labels_of("/db", ulids)
    assert len(seen) == 60
    assert first.labels_of("/db", ulids) == seen
    assert len([t for t in seen[ulids[0]].tags if t.startswith("from")]) == 60
    first.close()
    second.close()


def test_a_replaced_client_file_keeps_its_labels(tmp_path: Path, template_db: Path) -> None:
    client = tmp_path / "sessions.db"
    shutil.copy(template_db, client)
    with Annotations.open(tmp_path / "a.db") as notes:
        notes.set_name(str(client.resolve()), ULID, "before")
        notes.set_tags(str(client.resolve()), ULID, "kept")
    client.unlink()
    shutil.copy(template_db, client)  # another inode at the same path
    with Annotations.open(tmp_path / "a.db") as notes:
        assert notes.labels_of(str(client.resolve()), [ULID]) == {
            ULID: SessionLabel("before", ("kept",))
        }


def test_an_annotations_file_from_before_labels_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with sqlite3.connect(path) as old:  # as the first version made it: bookmarks only
        old.execute(
            "CREATE TABLE bookmarks (db TEXT NOT NULL, ulid TEXT NOT NULL, seq INTEGER NOT NULL,"
            " note TEXT, created_at TEXT NOT NULL, PRIMARY KEY (db, ulid, seq)) WITHOUT ROWID"
        )
        old.execute("INSERT INTO bookmarks VALUES ('/db', ?, 4, 'old note', 'then')", (ULID,))
    old.close()
    with Annotations.open(path) as notes:
        assert notes.session_bookmarks("/db", ULID) == {4: "old note"}
        notes.set_name("/db", ULID, "now named")
        assert notes.labels_of("/db", [ULID]) == {ULID: SessionLabel("now named", ())}


def test_names_and_tags_are_cleaned() -> None:
    assert clean_name(None) == ""
    assert clean_name(" a\n\tb ") == "a b"
    assert len(clean_name("x" * 500)) == MAX_NAME
    assert parse_tags("#a,,b  #A ##c") == ("a", "b", "c")
    assert parse_tags(["x" * 100]) == ("x" * MAX_TAG,)


def test_names_and_tags_keep_no_control_or_invisible_characters() -> None:
    assert clean_name("a\x1b[31mb\u202ec\u200bd\x9b") == "a[31mbcd"
    assert clean_name("family \U0001f468\u200d\U0001f469") == "family \U0001f468\u200d\U0001f469"
    assert parse_tags("\x1bx \u2066y") == ("x", "y")
