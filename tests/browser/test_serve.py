"""``zero-session-tui serve``: the app in a real (headless) Chromium, and the token's gate.

Each test starts the real command in a subprocess (``python -m zero_session_tui serve``) on a
free port over the fixture database, and kills its process group in ``finally``.

The page draws the terminal with xterm.js on a canvas, so there is no text in the DOM: a
script installed before the page's own keeps xterm's ``Terminal`` as the page creates it
(``this.terminal = new Terminal(...)``) and the test reads the screen from
``terminal.buffer.active``, line by line, as xterm holds it.
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.app.harness import LIVE, OPEN, build_fixture_db
from zero_session_tui import locations
from zero_session_tui.web_server import REFUSED

START_S = 30.0
"""The server's start (its banner) and the first screen in the page, at most."""
STEP_S = 15.0
"""Each later change on screen, at most."""

# Runs before the page's scripts: keeps the xterm Terminal the page assigns to `.terminal`.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, 'terminal', {configurable: true, set(value) {
  Object.defineProperty(this, 'terminal',
    {value: value, writable: true, configurable: true, enumerable: true});
  if (value && value.buffer && value.buffer.active) { window.__terminal = value; }
}});
"""
READ_SCREEN = """
const t = window.__terminal;
if (!t) { return null; }
const buffer = t.buffer.active, lines = [];
for (let y = 0; y < t.rows; y++) {
  const line = buffer.getLine(buffer.viewportY + y);
  lines.push(line ? line.translateToString(true) : '');
}
return lines.join('\\n');
"""


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class Served:
    """A running ``serve``: its port and everything it printed so far."""

    def __init__(self, process: subprocess.Popen[str], port: int) -> None:
        self.process = process
        self.port = port
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def banner(self) -> str:
        """The line that says where the server is, once it listens there."""
        line = _until(
            lambda: next((s for s in self.lines if "serving on" in s), None),
            START_S,
            lambda: f"no banner; exit {self.process.poll()}; output:\n{self.output}",
        )
        _until(self._accepts, START_S, lambda: f"port {self.port} never accepted")
        return line

    def _accepts(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except OSError:
            return False
        return True


@contextmanager
def serving(database: Path, *options: str, host: str = "127.0.0.1") -> Iterator[Served]:
    port = _free_port(host)
    # The app's options go before `serve` or after it: one of each here.
    command = [sys.executable, "-m", "zero_session_tui", "--db", str(database), "serve"]
    command += ["--host", host, "--port", str(port), "--no-welcome", *options]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own group: the app processes it starts go with it
    )
    try:
        yield Served(process, port)
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
    with suppress(ProcessLookupError):  # whatever is left of the group (an app that stayed)
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _until(check: Callable[[], Any], seconds: float, why: Callable[[], str]) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(why())
        time.sleep(0.2)


def _screen_with(browser: Any, wanted: Callable[[str], bool], seconds: float) -> str:
    last: list[str] = [""]

    def shown() -> str | None:
        last[0] = browser.execute_script(READ_SCREEN) or ""
        return last[0] if wanted(last[0]) else None

    return str(_until(shown, seconds, lambda: f"not on screen; it shows:\n{last[0]}"))


def _status(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return build_fixture_db(tmp_path / "sessions.db")


def test_the_page_shows_the_session_list_and_enter_opens_the_selected_session(
    browser: Any, database: Path
) -> None:
    with serving(database) as served:
        assert re.search(rf"serving on http://127\.0\.0\.1:{served.port}/ ", served.banner())
        browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CATCH_TERMINAL})
        browser.get(f"http://127.0.0.1:{served.port}/")

        # The list, its newest session previewed beside it.
        _screen_with(browser, lambda s: "Sessions · 7" in s and f"Replay · {LIVE}" in s, START_S)
        browser.execute_script("window.__terminal.focus()")  # where a click in the page puts it
        # Down a row: the next session is previewed, and the keys shown are the list's (the
        # footer is empty until the page's first key: Textual starts a web app blurred).
        ActionChains(browser).send_keys("j").perform()
        _screen_with(browser, lambda s: f"Replay · {OPEN}" in s and "⏎ Open" in s, STEP_S)
        ActionChains(browser).send_keys(Keys.ENTER).perform()

        opened = _screen_with(browser, lambda s: "Play/pause" in s, STEP_S)
        assert f"Replay · {OPEN}" in opened
        assert "⏎ Open" not in opened  # the keys are the replay's now, not the list's


def test_off_loopback_every_request_needs_the_printed_token(database: Path) -> None:
    with serving(database, host="0.0.0.0") as served:
        banner = served.banner()
        found = re.search(rf"serving on http://\S+:{served.port}/\?token=([\w-]+) ", banner)
        assert found, banner
        token = found.group(1)
        base = f"http://127.0.0.1:{served.port}"

        for path in ("/", "/static/js/textual.js", "/ws", "/download/anything"):
            assert _status(base + path) == (403, REFUSED), path
        assert _status(f"{base}/?token={token[:-1]}x")[0] == 403
        assert _status(f"{base}/?token=")[0] == 403

        status, page = _status(f"{base}/?token={token}")
        assert status == 200
        assert f"ws://127.0.0.1:{served.port}/ws" in page  # where the browser reached it
        assert _status(f"{base}/static/js/textual.js?token={token}")[0] == 200
        # Each request is logged by its path alone: the token is printed once, at start.
        _until(
            lambda: "GET /static/js/textual.js 200" in served.output,
            STEP_S,
            lambda: f"the request was not logged:\n{served.output}",
        )
        assert served.output.count(token) == 1


def test_off_loopback_the_page_works_with_the_token_and_is_refused_without(
    browser: Any, database: Path
) -> None:
    """The token in the URL sets a cookie, which the page's scripts and websocket carry."""
    with serving(database, host="0.0.0.0") as served:
        found = re.search(r"\?token=([\w-]+) ", served.banner())
        assert found
        browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CATCH_TERMINAL})

        browser.get(f"http://127.0.0.1:{served.port}/")
        assert browser.execute_script("return document.body.innerText").strip() == REFUSED.strip()

        browser.get(f"http://127.0.0.1:{served.port}/?token={found.group(1)}")
        _screen_with(browser, lambda s: "Sessions · 7" in s, START_S)


def test_on_loopback_a_request_naming_another_host_is_refused(database: Path) -> None:
    """A page elsewhere cannot reach the server through a DNS name rebound to 127.0.0.1."""
    with serving(database) as served:
        served.banner()
        url = f"http://127.0.0.1:{served.port}/"
        rebound = {"Host": f"rebound.example:{served.port}"}
        assert _status(url, rebound) == (403, REFUSED)
        assert _status(f"http://localhost:{served.port}/")[0] == 200


def _websocket_status(port: int, origin: str) -> int:
    """The status of a websocket handshake on ``/ws`` from a page at ``origin``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            "GET",
            "/ws?width=80&height=24",
            headers={
                "Connection": "Upgrade",
                "Upgrade": "websocket",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
                "Origin": origin,
            },
        )
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_websocket_opened_by_another_sites_page_is_refused(database: Path) -> None:
    """Cross-site websocket hijacking: a page the user visits must not drive the app."""
    with serving(database) as served:
        served.banner()
        assert _websocket_status(served.port, "http://evil.example") == 403
        assert _websocket_status(served.port, f"http://127.0.0.1:{served.port}") == 101


def test_an_export_made_in_the_page_is_downloaded_by_the_browser(
    browser: Any, database: Path, tmp_path: Path
) -> None:
    """Over the token's address, so the download's own request carries the cookie too."""
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    with serving(database, host="0.0.0.0") as served:
        found = re.search(r"\?token=([\w-]+) ", served.banner())
        assert found
        browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CATCH_TERMINAL})
        browser.get(f"http://127.0.0.1:{served.port}/?token={found.group(1)}")
        _screen_with(browser, lambda s: f"Replay · {LIVE}" in s, START_S)
        browser.execute_script("window.__terminal.focus()")

        ActionChains(browser).send_keys("e").perform()  # export the session shown, Markdown

        written = _screen_with(browser, lambda s: "Exported to" in s, STEP_S)
        saved = _until(
            lambda: [p for p in downloads.iterdir() if p.suffix == ".md"],
            STEP_S,
            lambda: f"nothing downloaded: {sorted(downloads.iterdir())}\n{served.output[-2000:]}",
        )
    (download,) = saved
    exported = locations.exports_dir(database) / download.name  # written there as ever
    assert download.read_bytes() == exported.read_bytes()
    assert "welcome back; engine connected" in download.read_text(encoding="utf-8")
    assert download.name[:10] in written.replace("\n", "")
