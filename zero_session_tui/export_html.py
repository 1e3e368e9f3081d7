"""Export one session as a self-contained HTML replay: one file, no network at view time.

The page is the session's events as DATA and a small player around them:

- The CSS and JS are read from ``zero_session_tui/html/`` (package data) at export time and
  inlined; the page names no URL at all. A strict Content-Security-Policy allows only those
  two inline blocks, by their SHA-256 (``default-src 'none'``; images only as ``data:``).
- The events are JSON inside ``<script type="application/json">`` blocks (never executed):
  ``<``, ``>``, ``&``, U+2028 and U+2029 are written as ``\\u003c``-style escapes, so no
  string can close the block (``</script>``) or open markup. The page's script puts text on
  screen with ``textContent`` only: event text is never markup.
- Event text is made inert first (``sanitize.inert``, as the app shows it: controls, bidi
  and invisible characters become visible codes), after the ``redactor`` masked secrets.
- Rows are streamed: the head, then the events in blocks of ``BLOCK``, a chunk every
  ``FLUSH`` events, then the tail. A 200,000-event session is never held in memory.

It follows ``export.py``'s contract: one read snapshot, the session found again by its ULID
inside it, the same end-of-read consistency check, ``write_atomically(..., replace=False)``.

Data format (``format`` 1), for the page and any other reader:

- ``#zst-head``: ``{"format", "ulid", "started", "ended", "cli_version", "engine",
  "parent", "count", "kinds": [{"value", "key", "glyph", "label"}], "unknown_glyph",
  "markers": [kind values marked on the seek bar], "bookmarks": [seq, ...], "speeds",
  "idle_cap", "max_batch", "frame", "redacted", "name", "tags"}``. ``bookmarks`` is the
  marker type for the session's bookmarks (their seqs, from the browser's annotations file
  when given); ``name`` (or null) and ``tags`` (a list) are the session's own labels, from
  the same file.
- ``script.zst-events`` (several): arrays of ``[seq, ms, kind, text]`` or ``[seq, ms, kind,
  text, stored_kind]`` (the fifth only when the stored kind is one this code does not know,
  shown as system); ``ms`` is milliseconds after the session's start, or null.
- ``#zst-tail``: ``{"count": events written, "redactions": secrets masked}`` (the
  redactor's ``found``: one redactor per export, as ``export.py`` says).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from store import SessionRow, Store, StoredEvent, format_rfc3339
from store.session_labels import SessionLabel

from .export import Bookmarks, _event_text, _session_events, write_export
from .kinds import KINDS, UNKNOWN_GLYPH
from .redaction import HEADER_SEQ
from .replay_timing import FRAME, MAX_BATCH, SPEEDS, PlayState
from .sanitize import inert

if TYPE_CHECKING:
    from .redaction import Redactor

__all__ = ["BLOCK", "FLUSH", "FORMAT", "export_html", "html_chunks", "script_json"]

FORMAT: Final = 1
BLOCK: Final = 5_000
"""Events per ``<script type="application/json">`` block."""
FLUSH: Final = 500
"""Events per chunk written."""
MARKED: Final = ("warn", "alert", "mode_change")
"""The kinds the seek bar marks (bookmarks are marked too, from ``bookmarks``)."""

_ESCAPES: Final = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)

_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` block: nothing in it can end the
    block or start markup (``<``, ``>``, ``&``) or a JavaScript line break (U+2028/9).
    Those characters only occur inside strings, where the escapes mean the same."""
    return _ENCODER.encode(value).translate(_ESCAPES)


@cache
def _asset(name: str) -> str:
    text = resources.files("zero_session_tui").joinpath("html", name).read_text("utf-8")
    if "</" in text:  # would end its inline block early: an asset bug, never data
        raise ValueError(f"html/{name} contains '</'")
    return text


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def content_security_policy(css: str, js: str) -> str:
    """The page's policy: nothing from anywhere; only its own two inline blocks run."""
    return (
        f"default-src 'none'; script-src '{_sha256(js)}'; style-src '{_sha256(css)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


_BODY: Final = """\
<body>
<header id="top"><h1 id="title">Session replay</h1><dl id="facts"></dl></header>
<section id="controls" aria-label="Replay">
<button id="play" type="button">Play</button>
<label>Speed <select id="speed"></select></label>
<span id="status" aria-live="polite"></span>
</section>
<section id="timeline" aria-label="Seek">
<div id="markers"></div>
<input id="seek" type="range" min="0" max="0" value="0" step="1" aria-label="Seek">
<div id="legend"></div>
</section>
<section id="filters" aria-label="Kinds"></section>
<section id="findbar" aria-label="Find">
<input id="find" type="search" placeholder="Find (/)" aria-label="Find">
<button id="prev" type="button">Prev</button><button id="next" type="button">Next</button>
<span id="find-count"></span>
</section>
<main id="list" tabindex="0"><div id="spacer"><div id="rows"></div></div></main>
<pre id="detail"></pre>
<noscript>This replay needs JavaScript; the events are in the page source as JSON.</noscript>
"""


def _stamp(moment: datetime | None) -> str | None:
    return format_rfc3339(moment) if moment is not None else None


def _head(
    session: SessionRow,
    count: int,
    redactor: Redactor | None,
    bookmarks: Bookmarks | None,
    label: SessionLabel | None = None,
) -> bytes:
    css, js = _asset("replay.css"), _asset("replay.js")
    engine = session.engine_base_url
    if engine and redactor is not None:
        engine = redactor.redact(HEADER_SEQ, engine)[0]
    data = {
        "format": FORMAT,
        "ulid": inert(session.ulid),
        "started": _stamp(session.started_at),
        "ended": _stamp(session.ended_at),
        "cli_version": inert(session.cli_version),
        "engine": inert(engine) if engine else None,
        "parent": inert(session.parent_ulid) if session.parent_ulid else None,
        "count": count,
        "kinds": [
            {"value": k.value, "key": k.key, "glyph": k.glyph, "label": k.label} for k in KINDS
        ],
        "unknown_glyph": UNKNOWN_GLYPH,
        "markers": list(MARKED),
        "bookmarks": sorted(bookmarks) if bookmarks else [],
        "speeds": list(SPEEDS),
        "idle_cap": PlayState().idle_cap,
        "max_batch": MAX_BATCH,
        "frame": FRAME,
        "redacted": redactor is not None,
        "name": inert(label.name) if label is not None and label.name else None,
        "tags": [inert(tag) for tag in label.tags] if label is not None else [],
    }
    policy = content_security_policy(css, js)
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Session replay</title>\n<style>{css}</style>\n</head>\n{_BODY}"
        f'<script type="application/json" id="zst-head">{script_json(data)}</script>\n'
    )
    return page.encode()


def _tail(rows: int, redactions: int) -> bytes:
    tail = {"count": rows, "redactions": redactions}
    page = (
        f'<script type="application/json" id="zst-tail">{script_json(tail)}</script>\n'
        f"<script>{_asset('replay.js')}</script>\n</body>\n</html>\n"
    )
    return page.encode()


def _millis(event: StoredEvent, started: datetime | None) -> int | None:
    if event.at is None or started is None:
        return None
    return int((event.at - started).total_seconds() * 1000)


def html_chunks(
    store: Store,
    session: SessionRow,
    *,
    redactor: Redactor | None = None,
    bookmarks: Bookmarks | None = None,
    label: SessionLabel | None = None,
) -> Iterator[bytes]:
    """The session as a replay page, a chunk at a time (an export's body). Read inside the
    caller's snapshot: the head's count and the events agree (``export._session_events``)."""
    count, events = _session_events(store, session)
    yield _head(session, count, redactor, bookmarks, label)
    parts: list[str] = []
    rows = 0
    for event in events:
        # As the Markdown and JSON Lines exports: a BLOB redacted in its decoded bytes.
        text = _event_text(event, redactor)[0]
        record: list[Any] = [event.seq, _millis(event, session.started_at), event.kind.value]
        record.append(inert(text))
        if not event.kind_is_known:
            record.append(inert(event.kind_label))
        if rows % BLOCK == 0:
            parts.append('<script type="application/json" class="zst-events">[')
        else:
            parts.append(",")
        parts.append(script_json(record))
        rows += 1
        if rows % BLOCK == 0:
            parts.append("]</script>\n")
        if rows % FLUSH == 0:
            yield "".join(parts).encode()
            parts.clear()
    if rows % BLOCK:
        parts.append("]</script>\n")
    if parts:
        yield "".join(parts).encode()
    yield _tail(rows, len(redactor.found) if redactor is not None else 0)


def export_html(
    store: Store,
    session: SessionRow,
    directory: Path,
    *,
    redactor: Redactor | None = None,
    bookmarks: Bookmarks | None = None,
    label: SessionLabel | None = None,
) -> Path:
    """Export the session ``session.ulid`` as an HTML replay; returns the path written.
    With a ``label``, the page names the session and shows its tags."""

    def render(store: Store, current: SessionRow, masks: Redactor | None) -> Iterator[bytes]:
        return html_chunks(store, current, redactor=masks, bookmarks=bookmarks, label=label)

    return write_export(store, session, directory, "html", render, redactor)
