"""The HTML replay in a real browser (headless Debian chromium): it opens from file:// and
fetches nothing, plays, seeks, filters by kind and finds; hostile text runs nothing and shows
literally; a 200,000-event page opens in seconds (the figure is printed); and it takes the
README's screenshot (screenshots/html-replay.png) of the demo built with a fixed end."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from store import EventKind, SessionRow, Store
from store.clocks import SettableClock
from zero_session_tui.demo import build_demo
from zero_session_tui.export_html import export_html
from zero_session_tui.sanitize import inert

END = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # as scripts/screenshots
SCREENSHOT = Path(__file__).resolve().parents[2] / "screenshots" / "html-replay.png"
HOSTILE = [
    "<script>alert(1)</script>",
    "</script><script>window.pwned=1</script>",
    '<img src=x onerror="window.pwned=1">',
    "javascript:alert(1)",
    '<a href="javascript:window.pwned=1">click</a>',
    "bidi \u202eevil\u202c override",
    "{{constructor.constructor('window.pwned=1')()}} ${window.pwned=1}",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, int, int]:
    """(the demo session's page, its event count, its events mentioning "risk limit"): the
    newest ended demo session of 200-400 events that has all six kinds."""
    directory = tmp_path_factory.mktemp("demo")
    build_demo(directory / "demo.db", end=END)
    with Store.open_readonly(directory / "demo.db") as store:
        for session in store.list_sessions(100):
            events = list(store.iter_events(session.id))
            kinds = {e.kind for e in events}
            if session.ended_at and 200 <= len(events) <= 400 and len(kinds) == 6:
                risk = sum("risk limit" in e.text.lower() for e in events)
                return export_html(store, session, directory), len(events), risk
    raise AssertionError("the demo has no such session")


def _open(browser, path: Path, timeout: float = 30) -> float:
    """Load the page; seconds until it says it is ready (parsed and drawn)."""
    start = time.perf_counter()
    browser.get(path.as_uri())
    while not browser.execute_script("return document.documentElement.dataset.ready || null"):
        assert time.perf_counter() - start < timeout, "the page never became ready"
        time.sleep(0.02)
    return time.perf_counter() - start


def _js(browser, script: str, *args: Any) -> Any:
    return browser.execute_script(script, *args)


def _seek(browser, position: int) -> None:
    _js(
        browser,
        "const s = document.getElementById('seek'); s.value = arguments[0];"
        "s.dispatchEvent(new Event('input'));",
        position,
    )


def _status(browser) -> str:
    return browser.find_element(By.ID, "status").text


def _row_texts(browser) -> list[str]:
    return _js(
        browser, "return [...document.querySelectorAll('.row .text')].map(e => e.textContent)"
    )


def _row_seqs(browser) -> list[int]:
    return _js(browser, "return [...document.querySelectorAll('.row')].map(r => +r.dataset.seq)")


def test_the_page_loads_from_file_and_fetches_nothing(browser, demo):
    path, count, _risk = demo
    _open(browser, path)
    assert _js(browser, "return performance.getEntriesByType('resource').length") == 0
    policy = _js(
        browser,
        "const m = document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]');"
        "return m && m.content",
    )
    assert policy.startswith("default-src 'none'; script-src 'sha256-")
    # The hash-pinned style and script both ran: the dark background, the filled-in page.
    assert (
        _js(browser, "return getComputedStyle(document.body).backgroundColor") == "rgb(18, 20, 23)"
    )
    assert _status(browser).startswith(f"paused \u00b7 0 of {count:,} events")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#filters button")) == 6


def test_play_at_max_speed_shows_events_over_time_to_the_end(browser, demo):
    path, count, _risk = demo
    _open(browser, path)
    browser.find_element(By.CSS_SELECTOR, "#speed option:last-child").click()  # max
    # Sampled in the page, every frame, from the click until the end.
    samples = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1], seek = document.getElementById('seek');
        const seen = [];
        document.getElementById('play').click();
        (function sample() {
          seen.push(Number(seek.value));
          if (Number(seek.value) >= Number(seek.max) || seen.length > 2000) done(seen);
          else requestAnimationFrame(sample);
        })();
        """
    )
    assert samples == sorted(samples)
    assert samples[0] <= 40  # a frame's worth at first, not the whole session
    assert len(set(samples)) >= count // 40  # events arrived over many frames
    assert samples[-1] == count
    assert "paused" in _status(browser)
    assert "end" in _status(browser)
    assert len(_row_texts(browser)) > 10


def _page_millis(path: Path) -> list[int | None]:
    """Each event's offset in ms, read back from the page's data blocks."""
    blocks = re.findall(r'class="zst-events">(.*?)</script>', path.read_text(encoding="utf-8"))
    return [event[1] for block in blocks for event in json.loads(block)]


def test_timed_play_waits_each_gap_capped_at_the_idle_cap_over_the_speed(browser, demo):
    """At 5x each wait is the real gap, idle gaps capped at 2 s, divided by 5 (the app's
    PlayState.delay); events less than 4 ms apart come in the same step. The page's timer is
    wrapped to record each wait and fire at once."""
    path, count, _risk = demo
    _open(browser, path)
    browser.find_element(By.CSS_SELECTOR, "#speed option:nth-child(3)").click()  # 5x
    waits = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1], real = window.setTimeout, waits = [];
        window.setTimeout = function (fn, ms) {
          if (fn.name === 'step') waits.push(ms);
          return real(fn, 0);
        };
        document.getElementById('play').click();
        (function wait() {
          const seek = document.getElementById('seek');
          if (Number(seek.value) >= Number(seek.max)) done(waits); else real(wait, 5);
        })();
        """
    )
    millis = _page_millis(path)
    assert len(millis) == count

    def delay(i: int) -> float:  # seconds between events i - 1 and i, at 5x
        a, c = millis[i - 1], millis[i]
        gap = 0.0 if a is None or c is None else max(0.0, (c - a) / 1000)
        return min(gap, 2.0) / 5

    expected, pos = [], 0
    while pos < count:
        target = pos + 1
        while target < count and target - pos < 40 and delay(target) < 0.004:
            target += 1
        pos = target
        if pos < count:
            expected.append(delay(pos) * 1000)
    assert waits == pytest.approx(expected)
    assert max(waits) == pytest.approx(400)  # an idle gap: 2 s at 5x
    assert any(0 < w < 400 for w in waits)


def test_seek_bar_and_markers_move_the_playhead(browser, demo):
    path, count, _risk = demo
    _open(browser, path)
    seek = browser.find_element(By.ID, "seek")
    ActionChains(browser).move_to_element_with_offset(seek, 0, 0).click().perform()  # middle
    middle = int(seek.get_attribute("value"))
    assert abs(middle - count / 2) < count / 10
    assert _status(browser).startswith(f"paused \u00b7 {middle:,} of {count:,} events")
    _seek(browser, 10)
    assert _row_seqs(browser) == list(range(1, 11))
    kinds = _js(browser, "return [...document.querySelectorAll('.marker')].map(m => m.className)")
    assert {"marker warn", "marker alert", "marker mode_change"} <= set(kinds)
    last_alert = browser.find_elements(By.CSS_SELECTOR, ".marker.alert")[-1]
    index = int(last_alert.get_attribute("data-index"))
    last_alert.click()
    assert int(seek.get_attribute("value")) == index + 1
    selected = browser.find_element(By.CSS_SELECTOR, ".row.selected")
    assert "alert" in selected.get_attribute("class")
    assert browser.find_element(By.ID, "detail").text.startswith(
        f"seq {selected.get_attribute('data-seq')} \u00b7"
    )


def test_a_kind_toggled_off_hides_its_rows(browser, demo):
    path, count, _risk = demo
    _open(browser, path)
    _seek(browser, count)
    system = browser.find_element(By.CSS_SELECTOR, "#filters button[data-kind='system']")
    shown = int(system.text.rsplit(" ", 1)[1])
    height = "return document.getElementById('spacer').getBoundingClientRect().height"
    assert _js(browser, height) == count * 22
    system.click()
    assert system.get_attribute("aria-pressed") == "false"
    assert browser.find_elements(By.CSS_SELECTOR, ".row.system") == []
    assert _js(browser, height) == (count - shown) * 22
    browser.find_element(By.ID, "list").send_keys("3")  # the app's key for system
    assert system.get_attribute("aria-pressed") == "true"
    _js(browser, "document.getElementById('list').scrollTop = 0")
    time.sleep(0.1)
    assert browser.find_elements(By.CSS_SELECTOR, ".row.system")


def test_find_counts_matches_and_steps_through_them(browser, demo):
    path, _count, risk = demo
    assert risk > 2
    _open(browser, path)
    box = browser.find_element(By.ID, "find")
    box.send_keys("RISK limit")
    counter = browser.find_element(By.ID, "find-count")
    deadline = time.perf_counter() + 5
    while "matches" not in counter.text and time.perf_counter() < deadline:
        time.sleep(0.02)
    assert counter.text == f"{risk} matches (Enter)"
    box.send_keys(Keys.ENTER)
    assert counter.text == f"1 of {risk}"
    first = browser.find_element(By.CSS_SELECTOR, ".row.current")
    assert "risk limit" in first.find_element(By.CSS_SELECTOR, ".text").text
    first_seq = int(first.get_attribute("data-seq"))
    box.send_keys(Keys.ENTER)
    assert counter.text == f"2 of {risk}"
    second = browser.find_element(By.CSS_SELECTOR, ".row.current")
    assert int(second.get_attribute("data-seq")) > first_seq
    box.send_keys(Keys.SHIFT, Keys.ENTER)
    assert counter.text == f"1 of {risk}"


def _hostile_db(path: Path) -> SessionRow:
    clock = SettableClock(END)
    with Store.open(path, clock=clock) as store:
        sid = store.start_session(
            "01JH0ST1LE0000000000000000", "javascript:alert(1)", "<b>0</b>", None
        )
        for text in HOSTILE:
            clock.advance(1)
            store.append(sid, EventKind.ALERT, text)
    conn = sqlite3.connect(path)  # and one row as another program would write it
    with conn:
        conn.execute(
            "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, 100, ?, 'warn', ?)",
            (sid, "2026-11-24T18:05:00Z", "</script><script>window.pwned=2</script>\u2028x"),
        )
    conn.close()
    with Store.open_readonly(path) as store:
        session = store.get_session(sid)
    assert session is not None
    return session


def test_hostile_text_runs_nothing_and_shows_literally(browser, tmp_path):
    session = _hostile_db(tmp_path / "hostile.db")
    with Store.open_readonly(tmp_path / "hostile.db") as store:
        path = export_html(store, session, tmp_path)
    _open(browser, path)
    _seek(browser, len(HOSTILE) + 1)
    time.sleep(0.1)
    assert _js(browser, "return typeof window.pwned") == "undefined"
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - reading it is the check
    expected = [*HOSTILE, "</script><script>window.pwned=2</script>\u2028x"]
    assert _row_texts(browser) == [inert(text) for text in expected]
    assert "\u27e8U+202E\u27e9evil" in _row_texts(browser)[5]
    assert _js(browser, "return document.querySelectorAll('img, a, iframe, object').length") == 0
    assert _js(browser, "return document.scripts.length") == 4  # head, events, tail, player
    facts = browser.find_element(By.ID, "facts").text
    assert "javascript:alert(1)" in facts
    assert "<b>0</b>" in facts
    for index, text in enumerate(expected):
        browser.find_elements(By.CSS_SELECTOR, ".row")[index].click()  # redrawn on each click
        detail = _js(browser, "return document.getElementById('detail').textContent")
        assert detail.split("\n", 1)[1] == inert(text)
    assert _js(browser, "return typeof window.pwned") == "undefined"


def test_a_200000_event_page_opens_in_seconds(browser, tmp_path):
    clock = SettableClock(END)
    with Store.open(tmp_path / "big.db", clock=clock) as store:
        sid = store.start_session("01JB1G0000000000000000000A", None, "0.4.0", None)
        for start in range(0, 200_000, 50_000):
            store.append_many(
                sid, [(EventKind.SYSTEM, f"heartbeat {n}") for n in range(start, start + 50_000)]
            )
        session = store.get_session(sid)
        assert session is not None
        path = export_html(store, session, tmp_path)
    seconds = _open(browser, path, timeout=60)
    page_clock = int(_js(browser, "return document.documentElement.dataset.ready")) / 1000
    print(
        f"\n200,000-event page ({path.stat().st_size / 1e6:.1f} MB): ready {seconds:.2f} s "
        f"after get() (the page's own clock: {page_clock:.2f} s)"
    )
    _seek(browser, 200_000)
    assert _status(browser).startswith("paused \u00b7 200,000 of 200,000 events")
    seqs = _row_seqs(browser)
    assert seqs[-1] == 200_000
    assert len(seqs) < 100  # only the rows on screen exist


def test_screenshot_of_the_demo_replay(browser, demo):
    path, count, _risk = demo
    browser.set_window_size(1280, 860)
    _open(browser, path)
    _seek(browser, count * 3 // 5)
    box = browser.find_element(By.ID, "find")
    box.send_keys("risk limit")
    time.sleep(0.3)
    box.send_keys(Keys.ENTER)
    time.sleep(0.2)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
