"""The HTML replay file itself: it names no URL, its event text is escaped JSON data no string
can break out of, its policy pins its own two inline blocks, it masks secrets with a
redactor, and it is streamed (a huge session is never held in memory); H in the app writes
it. What the page does in a browser is tests/browser/test_html_replay.py."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store import EventKind, SessionError, SessionRow, Store, StoredEvent
from store.clocks import SettableClock
from tests.app.harness import HOSTILE as HOSTILE_ULID
from tests.app.harness import SIZE
from tests.features._feature_support import open_and_settle, wait_for_notice
from zero_session_tui import export_html as page
from zero_session_tui.redaction import Redactor
from zero_session_tui.sanitize import inert

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ULID = "01JHTM1EXP0RT0000000000000"
HOSTILE = [
    "<script>alert(1)</script>",
    "</script><script>window.pwned=1</script>",
    "<img src=x onerror=window.pwned=1>",
    "javascript:alert(1)",
    "right-to-left \u202eevil\u202c here",
    "line\u2028separator and paragraph\u2029separator",
    "ampersand &amp; <!-- comment --> <![CDATA[ x ]]>",
]
DATA_BLOCK = re.compile(r'<script type="application/json"([^>]*)>(.*?)</script>', re.DOTALL)
INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


def _db(path: Path, texts: list[tuple[EventKind, str]], engine: str | None = None) -> Store:
    clock = SettableClock(START)
    store = Store.open(path, clock=clock)
    sid = store.start_session(ULID, engine, "0.4.0", None)
    for kind, text in texts:
        clock.advance(1.5)
        store.append(sid, kind, text)
    return store


def _export(tmp_path: Path, texts, **kwargs) -> str:
    engine = kwargs.pop("engine", None)
    with _db(tmp_path / "s.db", texts, engine) as store:
        session = store.get_session_by_ulid(ULID)
        assert session is not None
        path = page.export_html(store, session, tmp_path / "out", **kwargs)
    assert path.name == f"{ULID}.html"
    return path.read_text(encoding="utf-8")


def _blocks(html: str) -> tuple[dict, list[list], dict]:
    """(head, every event record, tail) parsed back from the page's data blocks."""
    head = tail = None
    events: list[list] = []
    for attributes, body in DATA_BLOCK.findall(html):
        value = json.loads(body)
        if 'id="zst-head"' in attributes:
            head = value
        elif 'id="zst-tail"' in attributes:
            tail = value
        else:
            assert attributes == ' class="zst-events"'
            events.extend(value)
    assert head is not None
    assert tail is not None
    return head, events, tail


def test_hostile_text_is_escaped_data_and_comes_back_exactly(tmp_path):
    html = _export(tmp_path, [(EventKind.SYSTEM, text) for text in HOSTILE])
    # Nothing a string holds can end its block or open markup: no raw <, > or & in the data.
    for _attributes, body in DATA_BLOCK.findall(html):
        assert not set(body) & set("<>&\u2028\u2029")
    assert "window.pwned" not in INLINE.sub("", DATA_BLOCK.sub("", html))
    assert html.count("<script") == 4  # head, one event block, tail, the player
    _head, events, tail = _blocks(html)
    assert [e[3] for e in events] == [inert(text) for text in HOSTILE]
    assert "\u27e8U+202E\u27e9evil" in events[4][3]  # bidi shown as a visible code, as the app
    assert [e[0] for e in events] == list(range(1, len(HOSTILE) + 1))
    assert [e[1] for e in events] == [1500 * n for n in range(1, len(HOSTILE) + 1)]
    assert tail == {"count": len(HOSTILE), "redactions": 0}


def test_the_page_names_no_url_outside_its_data(tmp_path):
    html = _export(
        tmp_path, [(EventKind.PROMPT, "see https://example.com/x")], engine="https://e.example/v1"
    )
    head, events, _tail = _blocks(html)
    assert head["engine"] == "https://e.example/v1"
    assert events[0][3] == "see https://example.com/x"
    outside = DATA_BLOCK.sub("", html)
    for needle in ("://", "http:", "https:", "src=", "href=", "url(", "@import", "//cdn"):
        assert needle not in outside.lower(), needle


def test_the_policy_allows_only_the_pages_own_inline_blocks(tmp_path):
    html = _export(tmp_path, [(EventKind.SYSTEM, "hello")])
    (policy,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    inline = dict(INLINE.findall(html))
    assert set(inline) == {"script", "style"}

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert policy == (
        f"default-src 'none'; script-src 'sha256-{digest(inline['script'])}'; "
        f"style-src 'sha256-{digest(inline['style'])}'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in inline["script"], sink  # text reaches the page by textContent only


def test_the_head_has_the_kinds_speeds_idle_cap_and_no_bookmarks_when_none_given(tmp_path):
    head, _events, _tail = _blocks(_export(tmp_path, [(EventKind.WARN, "w")]))
    assert [(k["value"], k["key"], k["glyph"]) for k in head["kinds"]] == [
        ("prompt", "1", "\u276f"),
        ("command", "2", "\u25c6"),
        ("system", "3", "\u2022"),
        ("warn", "4", "\u25b2"),
        ("alert", "5", "\u25a0"),
        ("mode_change", "6", "\u21c4"),
    ]
    assert head["speeds"] == [1.0, 2.0, 5.0, 10.0, None]
    assert head["idle_cap"] == 2.0
    assert head["markers"] == ["warn", "alert", "mode_change"]
    assert head["bookmarks"] == []  # none given: none invented
    assert (head["ulid"], head["count"], head["started"]) == (ULID, 1, "2026-11-24T09:00:00+00:00")


def test_plain_sql_rows_low_seqs_no_time_and_blobs_are_exported(tmp_path):
    db = tmp_path / "plain.db"
    with Store.open(db) as store:
        store.start_session(ULID, None, "0.3.0", None)
    conn = sqlite3.connect(db)
    with conn:
        rows = [(-5, "a", "system"), (0, b"\xde\xad", "system"), (7, "seven", "alert")]
        for seq, text, kind in rows:
            conn.execute(
                "INSERT INTO events (session_id, seq, at, kind, text) "
                "SELECT id, ?, 'not a time', ?, ? FROM sessions WHERE ulid = ?",
                (seq, kind, text, ULID),
            )
    conn.close()
    with Store.open(db) as store:
        session = store.get_session_by_ulid(ULID)
        assert session is not None
        html = page.export_html(store, session, tmp_path).read_text(encoding="utf-8")
    _head, events, _tail = _blocks(html)
    assert [e[0] for e in events] == [-5, 0, 7]
    assert [e[1] for e in events] == [None, None, None]
    assert events[1][3].startswith("\u27e82 bytes")  # the BLOB's shown form, never b'...'
    assert events[2][2:] == ["alert", "seven"]


def test_secrets_are_masked_with_a_redactor(tmp_path):
    secret = "AKIAIOSFODNN7EXAMPLQ"
    redactor = Redactor.load(tmp_path / "no-config.toml")
    html = _export(tmp_path, [(EventKind.COMMAND, f"aws key {secret} set")], redactor=redactor)
    assert secret not in html
    head, events, tail = _blocks(html)
    assert head["redacted"] is True
    assert tail["redactions"] == 1
    assert "\u2022" in events[0][3]


def test_a_second_export_is_a_new_file_and_a_gone_session_writes_nothing(tmp_path):
    with _db(tmp_path / "s.db", [(EventKind.SYSTEM, "x")]) as store:
        session = store.get_session_by_ulid(ULID)
        assert session is not None
        first = page.export_html(store, session, tmp_path / "out")
        second = page.export_html(store, session, tmp_path / "out")
        assert (first.name, second.name) == (f"{ULID}.html", f"{ULID}-2.html")
        assert store.delete_session_by_ulid(ULID)
        with pytest.raises(SessionError, match="no longer exists"):
            page.export_html(store, session, tmp_path / "gone")
    assert not (tmp_path / "gone").exists() or not list((tmp_path / "gone").iterdir())


class HugeSession:
    """A store of one session of ``count`` events made up as they are read (no database):
    it counts the events it has handed out."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.served = 0
        self.session = SessionRow(1, ULID, START, None, None, "0.4.0", None)

    def _event(self, seq: int) -> StoredEvent:
        kind = (EventKind.SYSTEM, EventKind.WARN, EventKind.PROMPT)[seq % 3]
        at = START + timedelta(milliseconds=50 * seq)
        return StoredEvent(seq, 1, seq, at, kind, f"event {seq} heartbeat ok <b>{seq}</b>")

    def count_events(self, session_id: int) -> int:
        return self.count

    def seq_bounds(self, session_id: int) -> tuple[int, int]:
        return 1, self.count

    def event_at(self, session_id: int, seq: int) -> StoredEvent | None:
        return None

    def events_after(self, session_id: int, after: int, limit: int) -> list[StoredEvent]:
        first = max(after, 0) + 1
        batch = [self._event(seq) for seq in range(first, min(first + limit, self.count + 1))]
        self.served += len(batch)
        return batch

    def iter_events(self, session_id: int, page: int = 2_000) -> Iterator[StoredEvent]:
        """As ``Store.iter_events``: keyset pages of ``events_after``."""
        after = -1
        while True:
            batch = self.events_after(session_id, after, page)
            yield from batch
            if len(batch) < page:
                return
            after = batch[-1].seq

    def get_session_by_ulid(self, ulid: str) -> SessionRow | None:
        return self.session if ulid == ULID else None


def test_a_huge_session_is_streamed_not_held(tmp_path):
    huge = HugeSession(200_000)
    chunks = page.html_chunks(huge, huge.session)  # type: ignore[arg-type]
    head = next(chunks)
    first_rows = next(chunks)
    assert b'id="zst-head"' in head
    assert first_rows.count(b"heartbeat") == page.FLUSH
    assert huge.served <= 2 * 2_000  # a page or two read, not the session
    tracemalloc.start()
    try:
        written = len(head) + len(first_rows)
        blocks = 0
        with (tmp_path / "huge.html").open("wb") as out:
            out.write(head + first_rows)
            for chunk in chunks:
                written += len(chunk)
                blocks += chunk.count(b'class="zst-events"')
                out.write(chunk)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert huge.served == 200_000
    assert blocks == 200_000 // page.BLOCK - 1  # the first block opened in the first chunk
    assert written > 15_000_000
    assert peak < 2_000_000, f"peak {peak:,} bytes traced while writing {written:,}"
    _head, events, tail = _blocks((tmp_path / "huge.html").read_text(encoding="utf-8"))
    assert tail["count"] == len(events) == 200_000


class OddKindSession(HugeSession):
    def _event(self, seq: int) -> StoredEvent:
        return StoredEvent(seq, 1, seq, None, EventKind.SYSTEM, "odd", raw_kind="telemetry")


def test_a_kind_this_code_does_not_know_is_system_with_its_stored_name():
    odd = OddKindSession(1)
    html = b"".join(page.html_chunks(odd, odd.session)).decode()  # type: ignore[arg-type]
    _head, events, _tail = _blocks(html)
    assert events == [[1, None, "system", "odd", "telemetry"]]


async def test_H_in_the_app_writes_the_shown_session_as_an_html_replay(
    app_factory, fixture_db, zero_home
):
    app = app_factory(fixture_db, args=["--session", HOSTILE_ULID])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, HOSTILE_ULID)
        await pilot.press("H")
        _, message = await wait_for_notice(pilot, "Exported to ")
    path = zero_home / "exports" / f"{HOSTILE_ULID}.html"
    assert message == f"Exported to {path}"
    head, events, tail = _blocks(path.read_text(encoding="utf-8"))
    with Store.open_readonly(fixture_db) as store:
        session = store.get_session_by_ulid(HOSTILE_ULID)
        assert session is not None
        stored = list(store.iter_events(session.id))
    assert head["ulid"] == HOSTILE_ULID
    assert [(e[0], e[3]) for e in events] == [(s.seq, inert(s.text)) for s in stored]
    assert tail["count"] == len(stored)


def test_the_sessions_bookmarks_are_marked_on_the_seek_bar(tmp_path):
    texts = [(EventKind.PROMPT, "p"), (EventKind.COMMAND, "c"), (EventKind.SYSTEM, "s")]
    head, events, _tail = _blocks(_export(tmp_path, texts, bookmarks={3: "why", 1: None}))
    assert head["bookmarks"] == [1, 3]
    assert [record[0] for record in events] == [1, 2, 3]
