"""Area 5, hostile text: markup, escape sequences, C0/C1 controls, bidi overrides and invisible
characters in the database are shown literally and inertly.

Three levels: ``sanitize.inert`` on each string (and on every control or format character
Unicode has); the BYTES the real app writes to a pseudo-terminal while showing them; and, by
Pilot, that markup stays literal and ``[@click=app.quit]`` does nothing.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
import unicodedata
from pathlib import Path

import pytest
from _reliability import (
    REPO,
    add_events,
    add_session,
    child_env,
    lines_of,
    replay_loaded,
    run_app,
    scaled,
    sql_db,
    stamp,
    wait_until,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zero_session_tui.sanitize import inert, one_line

AREA = "hostile-text"

ESCAPES = {
    "OSC 0 title (BEL)": "T1\x1b]0;PWNED-TITLE\x07T2",
    "OSC 2 title (ST)": "T3\x1b]2;PWNED-TITLE2\x1b\\T4",
    "clear screen": "CS\x1b[2JCS",
    "cursor home": "CH\x1b[HCH",
    "cursor move": "CM\x1b[10;10HCM",
    "colour": "CO\x1b[31mred\x1b[0mCO",
    "OSC 8 link": "L1\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\L2",
    "leave alternate screen": "AS\x1b[?1049lAS",
    "reset terminal": "RS\x1bcRS",
    "8-bit CSI": "EB\x9b2JEB",
}
CONTROLS = {
    "C0 with NUL": "C0[" + "".join(chr(c) for c in range(0x20) if c != 0x0A) + "]C0",
    "DEL": "DL\x7fDL",
    "C1 with 0x9B": "C1[" + "".join(chr(c) for c in range(0x80, 0xA0)) + "]C1",
    "bidi overrides": "BD\u202eevil\u202c \u202a\u202b\u202d\u061c\u200e\u200fBD",
    "bidi isolates": "BI\u2066a\u2069\u2067b\u2069\u2068c\u2069BI",
    "zero-width": "ZW\u200b\u200c\u200d\u2060ZW",
    "BOM": "\ufeffBOM",
    "line and paragraph separators": "LS\u2028PS\u2029LS",
    "newline": "NL1\nNL2",
}
MARKUP = {
    "bold": "[b]bold[/b] text",
    "stray close tag": "[/b] plan",
    "todo tag": "[TODO] plan",
    "click action": "[@click=app.quit]click me[/]",
    "link": "[link=https://evil.example]x[/link]",
    "emoji code": ":warning: literal",
    "escaped bracket": "\\[not markup]",
}
HOSTILE = {**ESCAPES, **CONTROLS}

# What must never reach the screen as itself: C0 (but newline), DEL, C1, and the Unicode
# format, separator and surrogate categories.
_DANGEROUS_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def _dangerous(text: str) -> list[str]:
    return sorted(
        {
            f"U+{ord(ch):04X}"
            for ch in text
            if ch != "\n" and unicodedata.category(ch) in _DANGEROUS_CATEGORIES
        }
    )


# ---- sanitize.inert ------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(HOSTILE))
def test_inert_makes_each_hostile_string_visible_and_harmless(name: str, figures) -> None:
    text = HOSTILE[name]
    shown = inert(text)
    assert _dangerous(shown) == []
    assert inert(shown) == shown  # already inert: nothing more to do
    line, _ = one_line(text, 10_000)
    assert "\n" not in line
    assert _dangerous(line) == []
    # The printable parts are still there, in order: nothing is hidden.
    printable = [part for part in re.split(r"[^\x20-\x7e]+", text) if part]
    position = 0
    for part in printable:
        found = shown.find(part, position)
        assert found >= 0, (part, shown)
        position = found + len(part)
    figures.add(AREA, strings=1)


def test_inert_covers_every_control_and_format_character_unicode_has() -> None:
    every = "".join(
        chr(cp)
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) in _DANGEROUS_CATEGORIES and cp != 0x0A
    )
    assert len(every) > 2_000
    assert _dangerous(inert(every)) == []


@settings(
    max_examples=scaled(200, 5_000),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_inert_leaves_nothing_dangerous_in_any_text(text: str) -> None:
    shown = inert(text)
    assert _dangerous(shown) == []
    assert inert(shown) == shown
    assert shown.count("\n") == text.count("\n")


# ---- the bytes the real app writes to a terminal -------------------------------------------

ULID = "01JHOSTILETEXT000000000000"
LAST = "END-OF-HOSTILE-SESSION"


def _hostile_db(path: Path) -> list[str]:
    texts = [*HOSTILE.values(), *MARKUP.values(), LAST]
    with sql_db(path) as conn:
        sid = add_session(conn, ULID, stamp(0))
        kinds = ["prompt", "command", "system", "warn", "alert", "mode_change"]
        add_events(conn, sid, [(stamp(1, n), kinds[n % 6], text) for n, text in enumerate(texts)])
    return texts


def _run_in_pty(db: Path, columns: int = 220, rows: int = 60, timeout: float = 30) -> bytes:
    """Run ``python -m zero_session_tui`` in a pseudo-terminal showing the hostile session;
    once the last event is drawn, press q. Returns every byte the app wrote."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = child_env(TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows))
    proc = subprocess.Popen(
        [sys.executable, "-m", "zero_session_tui", "--db", str(db), "--session", ULID],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=REPO,
        start_new_session=True,
    )
    os.close(slave)
    output = bytearray()
    quit_sent = False
    give_up = time.monotonic() + timeout
    try:
        while time.monotonic() < give_up:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            elif proc.poll() is not None:
                break
            if not quit_sent and LAST.encode() in output:
                time.sleep(0.3)  # let it finish the frame
                os.write(master, b"q")
                quit_sent = True
        assert quit_sent, f"the app never drew the session: {bytes(output[-2000:])!r}"
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    return bytes(output)


# Every escape sequence the app itself may write: CSI sequences, and OSC 22 (pointer shape).
_OWN_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\]22;[^\x07\x1b]*(\x07|\x1b\\))")


def test_the_bytes_written_to_the_terminal_hold_nothing_raw(tmp_path: Path, figures) -> None:
    db = tmp_path / "hostile.db"
    _hostile_db(db)
    output = _run_in_pty(db)
    screen = output.decode("utf-8", errors="surrogateescape")
    problems: list[str] = []

    # 1. Each hostile text is on screen in its inert form (so it was drawn, and drawn inert).
    for name, text in HOSTILE.items():
        if one_line(text, 500)[0] not in screen:
            problems.append(f"{name}: inert form not found")
    # 2. None of the hostile sequences reached the terminal: its marker followed by the raw
    #    ESC (or 0x9B) would be there; and the payloads that matter most, anywhere.
    for name, text in ESCAPES.items():
        if text[:3] in screen:
            problems.append(f"{name}: raw sequence written")
    for needle in ("\x1b]0;PWNED", "\x1b]2;PWNED", "\x1b]8;;https://evil", "\x1bc"):
        if needle in screen:
            problems.append(f"raw {needle!r}")
    # 3. Every escape the app wrote is one of its own (CSI or OSC 22): no title, no link.
    foreign = [
        screen[m.start() : m.start() + 16]
        for m in re.finditer("\x1b", screen)
        if not _OWN_ESCAPES.match(screen, m.start())
    ]
    if foreign:
        problems.append(f"escape sequences the app does not write itself: {foreign[:5]!r}")
    # 4. No character that acts on a terminal or hides text, anywhere in the stream.
    controls = sorted({f"U+{ord(c):04X}" for c in screen if ord(c) < 0x20 or ord(c) == 0x7F})
    extra = set(controls) - {"U+001B", "U+0007", "U+000A", "U+000D"}
    if extra:
        problems.append(f"C0 controls written: {sorted(extra)}")
    if b"\x00" in output:
        problems.append("NUL written")
    if b"\xc2\x9b" in output:
        problems.append("U+009B (8-bit CSI) written")
    c1 = sorted({f"U+{ord(c):04X}" for c in screen if 0x80 <= ord(c) <= 0x9F})
    if c1:
        problems.append(f"C1 controls written: {c1}")
    invisible = [u for u in _dangerous(screen) if u not in ("U+001B", "U+0007", "U+000D")]
    if invisible:
        problems.append(f"format/invisible characters written: {invisible}")
    # The title text appears only inert, never as a title.
    if screen.count("PWNED-TITLE") != screen.count("\u241b]0;PWNED-TITLE") + screen.count(
        "\u241b]2;PWNED-TITLE"
    ):
        problems.append("PWNED-TITLE appears outside its inert form")

    raw_found = len(problems)
    figures.add(AREA, pty_bytes=len(output), raw_in_output=raw_found)
    assert not problems, problems


# ---- markup stays literal; [@click=...] does nothing ---------------------------------------


def test_markup_is_shown_literally_and_click_actions_do_nothing(tmp_path: Path, figures):
    db = tmp_path / "markup.db"
    texts = _hostile_db(db)
    click_row = texts.index(MARKUP["click action"])

    async def scenario(app, pilot):
        assert await wait_until(pilot, replay_loaded(app, len(texts)), timeout=20)
        replay = app.replay
        replay.focus()
        await pilot.press("home")
        await pilot.pause()
        seen = "\n".join(lines_of(replay))
        # Click the [@click=app.quit] line where its text is drawn.
        line = lines_of(replay)[click_row]
        x = line.index("click me")
        for dx in (x - 18, x - 1, x, x + 3):  # the line's start, the tag, the "label"
            await pilot.click(replay, offset=(1 + max(0, dx), 1 + click_row))
            await pilot.pause()
        still_running = app.is_running
        # The event in full: click over its text as well.
        await pilot.press("enter")
        opened = await wait_until(pilot, lambda: app.screen is not app.main)
        for y in range(2, 8):
            await pilot.click(offset=(10, y))
        await pilot.pause()
        return seen, still_running and app.is_running, opened

    _app, (seen, running, opened) = run_app(
        [db], scenario, args=["--session", ULID, "--no-welcome"], size=(160, 60)
    )
    literal = [name for name, text in MARKUP.items() if text in seen]
    figures.add(AREA, markup_literal=len(literal), click_quit=int(not running))
    assert sorted(literal) == sorted(MARKUP), set(MARKUP) - set(literal)
    assert running, "a [@click=app.quit] in event text quit the app"
    assert opened


HOSTILE_SESSION = {
    "ulid": "01J[@click=app.quit]QUITQUITQUITQUIT[/]\x1b[2J",
    "cli_version": "0.3\x1b]0;PWNED\x07",
    "engine": "https://\u202eevil.example/",
    "parent": "01J\x9b2J\u200bPARENT",
}


def test_session_columns_are_shown_inertly(tmp_path: Path, figures) -> None:
    db = tmp_path / "session-fields.db"
    with sql_db(db) as conn:
        sid = add_session(
            conn,
            HOSTILE_SESSION["ulid"],
            stamp(0),
            cli_version=HOSTILE_SESSION["cli_version"],
            engine=HOSTILE_SESSION["engine"],
            parent=HOSTILE_SESSION["parent"],
        )
        add_events(conn, sid, [(stamp(1), "prompt", "> /status")])

    async def scenario(app, pilot):
        assert await wait_until(pilot, lambda: len(app.table.items) == 1)
        return "\n".join(lines_of(app.table))

    # Wide enough that the list shows every cell whole (narrower, the cli cell is cut).
    _, table = run_app([db], scenario, args=["--no-welcome"], size=(220, 40))
    assert _dangerous(table) == [], _dangerous(table)
    assert "\u241b]0;PWNED" in table


def test_a_hostile_ulid_in_the_replay_title_is_inert(tmp_path: Path, figures) -> None:
    """Found by this suite at 4935bf8: the title was built as a markup string, so a ulid's
    ``[@click=app.quit]`` became a live action (a click on the title quit the app) and its
    ESC reached the terminal; fixed since (the title is a ``Text`` of ``one_line(ulid)``)."""
    db = tmp_path / "title.db"
    ulid = HOSTILE_SESSION["ulid"]
    with sql_db(db) as conn:
        sid = add_session(conn, ulid, stamp(0))
        add_events(conn, sid, [(stamp(1), "prompt", "> /status")])

    async def scenario(app, pilot):
        assert await wait_until(pilot, lambda: len(app.table.items) == 1)
        app.table.focus()
        await pilot.press("enter")
        assert await wait_until(pilot, replay_loaded(app, 1))
        replay = app.replay
        title = str(replay.border_title)
        # Where "01J" + the action's label would be drawn, had the markup been parsed.
        start = replay.region.x + 2 + len("Replay \u00b7 01J")
        for x in range(start, start + 16, 3):
            await pilot.click(offset=(x, replay.region.y))
            if not app.is_running:
                break
        return title, app.is_running

    _, (title, running) = run_app([db], scenario, args=["--no-welcome"])
    assert running, "clicking the replay title ran the [@click=app.quit] of a session ulid"
    assert "\x1b" not in title, repr(title)
