"""Redaction before sharing (issue #14): every secret shape in the table below is masked in
every export format (Markdown, JSON Lines, HTML), none of its characters left in the file;
the user's own patterns come from the TOML config file, a bad one is one line; in the app,
``x`` asks the format, lists every redaction for review (Esc writes nothing) and the export
says how many were masked."""

from __future__ import annotations

import base64
import json
import random
import re
import sqlite3
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from store import EventKind, Store
from store.clocks import SettableClock
from tests.app.harness import SIZE, ulid_at, wait_until
from tests.features._feature_support import notices, open_and_settle, wait_for_notice
from zero_session_tui import export, export_html
from zero_session_tui.locations import redaction_config
from zero_session_tui.redaction import (
    HEADER_SEQ,
    MASK,
    RedactionConfigError,
    Redactor,
    mask,
)
from zero_session_tui.screens.export_format import ExportFormatScreen
from zero_session_tui.screens.redaction_review import RedactionReviewScreen

_R = random.Random(14)
ALNUM = string.ascii_letters + string.digits
UPPER = string.ascii_uppercase + string.digits
LOWER = string.ascii_lowercase + string.digits


def _rnd(n: int, chars: str = ALNUM) -> str:
    return "".join(_R.choice(chars) for _ in range(n))


def _b64(value: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


_JWT_HEAD = _b64({"alg": "HS256", "typ": "JWT"})
_JWT = f"{_JWT_HEAD}.{_b64({'sub': _rnd(10)})}.{_rnd(43, ALNUM + '-_')}"
_KEY_BODY = "\n".join(_rnd(64, ALNUM + "+/") for _ in range(4))
_PEM = f"-----BEGIN RSA PRIVATE KEY-----\n{_KEY_BODY}\n-----END RSA PRIVATE KEY-----"

SHAPES: list[tuple[str, str, str]] = [
    # (rule, the secret: every character masked, the text it is found in)
    ("aws-access-key", "AKIA" + _rnd(16, UPPER), "key {} in the env"),
    ("aws-secret-key", _rnd(40, ALNUM + "/+"), 'aws_secret_access_key = "{}"'),
    ("github-token", "ghp_" + _rnd(36), "token {} pushed"),
    ("gitlab-token", "glpat-" + _rnd(20), "use {} now"),
    ("slack-token", f"xoxb-{_rnd(12, string.digits)}-{_rnd(24, LOWER)}", "slack {}"),
    ("slack-webhook", f"https://hooks.slack.com/services/T{_rnd(8)}/B{_rnd(8)}/{_rnd(24)}", "{}"),
    ("stripe-key", "sk_live_" + _rnd(24), "stripe {}"),
    ("twilio-sid", "AC" + _rnd(32, LOWER), "sid {} ok"),
    ("sendgrid-key", f"SG.{_rnd(22)}.{_rnd(43)}", "mail {}"),
    ("mailchimp-key", _rnd(32, LOWER) + "-us12", "chimp {}"),
    ("npm-token", "npm_" + _rnd(36), "//registry.npmjs.org/:_authToken={}"),
    ("pypi-token", "pypi-AgEIcHlwaS5vcmc" + _rnd(80, ALNUM + "-_"), "upload {}"),
    ("jwt", _JWT, "cookie {} set"),
    ("private-key", _PEM, "the key:\n{}\ndone"),
    ("url-password", _rnd(18), "git clone https://deploy:{}@git.example.com/repo.git"),
    ("azure-storage-key", _rnd(86, ALNUM + "+/") + "==", "AccountName=x;AccountKey={};Suffix=y"),
    ("bearer-token", _rnd(40, ALNUM + "-._"), "curl -H 'Authorization: Bearer {}' https://api"),
    ("bearer-token", _rnd(32), 'headers: {{"authorization": "token {}"}}'),
    ("password-assignment", _rnd(14), "export DB_PASSWORD={} && run"),
    ("password-assignment", _rnd(12), 'config = {{"passwd": "{}"}}'),
    ("api-key", "sk-proj-" + _rnd(48, ALNUM + "_-"), "the key {} here"),
    ("discord-token", "M" + _rnd(23) + "." + _rnd(6) + "." + _rnd(27), "bot {}"),
    ("telegram-token", _rnd(9, string.digits) + ":" + _rnd(35), "bot {}"),
    ("square-oauth", "sq0csp-" + _rnd(43), "square {}"),
]
IDS = [f"{n:02d}-{rule}" for n, (rule, _s, _t) in enumerate(SHAPES)]
ULID = ulid_at(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "5ECRE75")
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ENGINE_PASSWORD = _rnd(16)
BLOB_SECRET = "ghp_" + _rnd(36)
FORMATS = {"md": export.export_markdown, "jsonl": export.export_jsonl, "html": None}


def _writer(fmt: str):  # type: ignore[no-untyped-def]
    return export_html.export_html if fmt == "html" else FORMATS[fmt]


def build_secrets_db(path: Path, *, secrets: bool = True) -> Path:
    """One session: each shape in an event of its own (seq = its index + 1), a plain line, a
    BLOB holding a secret and one without, an engine URL with a password in it. Without
    ``secrets``: the same session with only the plain line (what every export has anyway)."""
    clock = SettableClock(START)
    with Store.open(path, clock=clock) as store:
        engine = f"https://zero:{ENGINE_PASSWORD}@engine.example/v1"
        sid = store.start_session(ULID, engine if secrets else "https://engine/v1", "0.4.0", None)
        for _rule, secret, template in SHAPES if secrets else []:
            clock.advance(2)
            store.append(sid, EventKind.COMMAND, template.format(secret))
        clock.advance(2)
        store.append(sid, EventKind.SYSTEM, "nothing secret here")
    if not secrets:
        return path
    with sqlite3.connect(path) as conn:
        for seq, blob in ((900, f"pasted {BLOB_SECRET}".encode()), (901, b"\xde\xad\xbe\xef")):
            conn.execute(
                "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, ?, ?, ?, ?)",
                (sid, seq, "2026-11-23T09:05:00+00:00", "system", blob),
            )
    conn.close()
    return path


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _views(fmt: str, raw: str) -> str:
    """The file as written and every string its JSON holds, decoded: a secret hidden by an
    escape (``\\n``, ``\\u002b``) is still found."""
    if fmt == "jsonl":
        decoded = [s for line in raw.splitlines() for s in _strings(json.loads(line))]
    elif fmt == "html":
        blocks = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', raw, re.S)
        decoded = [s for block in blocks for s in _strings(json.loads(block))]
    else:
        decoded = []
    return "\n".join([raw, *decoded])


def _leaks(secret: str, text: str, width: int = 6, anyway: str = "") -> list[str]:
    """Every ``width`` characters of ``secret`` that are in ``text`` and not in ``anyway``
    (what the file has without any secret: "https:" in a URL, the page's own script)."""
    windows = (secret[i : i + width] for i in range(len(secret) - width + 1))
    return [part for part in windows if part in text and part not in anyway]


def _export_views(db: Path, fmt: str, out: Path, redactor: Redactor | None) -> tuple[str, str]:
    with Store.open_readonly(db) as store:
        session = store.get_session_by_ulid(ULID)
        assert session is not None
        raw = _writer(fmt)(store, session, out, redactor=redactor).read_text(encoding="utf-8")
    return raw, _views(fmt, raw)


@pytest.fixture(scope="module")
def anyway(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each format's views of the session without secrets, and the text around each secret."""
    base = tmp_path_factory.mktemp("plain")
    db = build_secrets_db(base / "plain.db", secrets=False)
    around = "\n".join(template.format("") for _rule, _secret, template in SHAPES)
    return {fmt: _export_views(db, fmt, base / "out", None)[1] + around for fmt in FORMATS}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str, Redactor]]:
    """Each format's redacted export of the secrets session: the file, its views (``_views``)
    and its redactor."""
    base = tmp_path_factory.mktemp("redaction")
    db = build_secrets_db(base / "secrets.db")
    done: dict[str, tuple[str, str, Redactor]] = {}
    for fmt in FORMATS:
        redactor = Redactor.load(base / "no-config.toml")
        done[fmt] = (*_export_views(db, fmt, base / "out", redactor), redactor)
    return done


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize(("rule", "secret", "template"), SHAPES, ids=IDS)
def test_each_secret_shape_is_masked_in_every_format_with_none_of_its_characters_left(
    exported, anyway, fmt, rule, secret, template
):
    _raw, views, redactor = exported[fmt]
    seq = next(n for n, shape in enumerate(SHAPES, 1) if shape[1] == secret)
    assert [r.rule for r in redactor.found if r.seq == seq] == [rule]
    assert mask(rule) in views
    assert _leaks(secret, views, anyway=anyway[fmt]) == []
    (found,) = [r for r in redactor.found if r.seq == seq]
    assert secret in template.format(secret)[found.start : found.end]
    assert _leaks(secret, found.masked, anyway=template.format("")) == []
    assert MASK in found.masked


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_without_a_redactor_every_secret_is_in_the_file(tmp_path, anyway, fmt):
    # The leak check above finds secrets when they are there.
    db = build_secrets_db(tmp_path / "secrets.db")
    _raw, views = _export_views(db, fmt, tmp_path, None)
    for _rule, secret, _template in SHAPES:
        assert _leaks(secret, views, anyway=anyway[fmt]), secret


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_blob_holding_a_secret_is_masked_and_its_bytes_left_out_a_plain_blob_kept(exported, fmt):
    raw, views, redactor = exported[fmt]
    assert _leaks(BLOB_SECRET, views) == []
    assert _leaks(BLOB_SECRET.encode().hex(), views) == []  # nor the bytes in hex
    assert [r.rule for r in redactor.found if r.seq == 900] == ["github-token"]
    assert "\u27e84 bytes: de ad be ef\u27e9" in views  # a BLOB with no secret: as it was
    if fmt == "jsonl":
        records = {r["seq"]: r for r in map(json.loads, raw.splitlines())}
        assert "text_blob" not in records[900]
        assert records[901]["text_blob"] == "deadbeef"
        assert records[900]["text"] == f"pasted {mask('github-token')}"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_password_in_the_engine_url_is_masked_in_the_header(exported, fmt):
    _raw, views, redactor = exported[fmt]
    assert _leaks(ENGINE_PASSWORD, views) == []
    assert [r.rule for r in redactor.found if r.seq == HEADER_SEQ] == ["url-password"]


def test_plain_text_is_left_as_it_is_and_the_count_is_reported(exported):
    _raw, views, redactor = exported["md"]
    assert "```text\nnothing secret here\n```" in views
    count = len(SHAPES) + 2  # each shape, the BLOB's secret, the engine URL's password
    assert len(redactor.found) == count
    assert export.masked_count(redactor) == f" ({count} secrets masked)"
    assert export.masked_count(None) == ""


@pytest.mark.parametrize(
    "text",
    [
        "secretary: Jane, tokens spent: 120",
        "the password is long; reset it from the settings page",
        "order filled: BTC-USD qty 0.25 at 97,310.50",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "https://engine.zero.example/v1/sessions?limit=50",
    ],
)
def test_ordinary_text_is_left_as_it_is(text):
    assert Redactor.load(Path("no-config.toml")).redact(1, text) == (text, [])


def test_a_secret_two_rules_find_is_one_mask_named_by_the_specific_one_context_on_one_line():
    token = "ghp_" + _rnd(36)
    text, (found,) = Redactor.load(Path("no-config.toml")).redact(
        3, f"first line\napi_key={token}\tend"
    )
    # password-assignment finds it too: the token's own rule (detect-secrets', first) names it.
    assert text == f"first line\napi_key={mask('github-token')}\tend"
    assert (found.start, found.end) == (19, 19 + len(token))
    assert found.masked == f"first line api_key={mask('github-token')} end"


def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path = redaction_config()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def test_the_users_patterns_from_the_config_file_are_masked_and_disabled_rules_are_not(
    tmp_path, monkeypatch
):
    path = _config(
        tmp_path,
        monkeypatch,
        'disable = ["twilio-sid"]\n\n[patterns]\n'
        "internal-token = 'itk_[A-Za-z0-9]{32}'\n"
        "db-password = 'dbpass: (?P<secret>\\S+)'\n",
    )
    assert path == tmp_path / "config" / "zero-session-tui" / "redaction.toml"
    token, password, sid = "itk_" + _rnd(32), _rnd(10), "AC" + _rnd(32, LOWER)
    text, found = Redactor.load().redact(7, f"use {token}; dbpass: {password} and {sid}")
    assert text == f"use {mask('internal-token')}; dbpass: {mask('db-password')} and {sid}"
    assert [(r.seq, r.rule) for r in found] == [(7, "internal-token"), (7, "db-password")]
    assert _leaks(token, text) == []
    assert _leaks(password, text, 4) == []


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("[patterns]\nbroken = '(unclosed'\n", "'broken'"),
        ("[patterns]\neverything = 'x*'\n", "'everything'"),
        ("[patterns]\nnot-text = 12\n", "'not-text'"),
        ("[patterns]\n'Bad Name' = 'x'\n", "'Bad Name'"),
        ("disable = ['no-such-rule']\n", "'no-such-rule'"),
        ("[patterns\n", "not valid TOML"),
        ("colour = 'red'\n", "'colour'"),
    ],
)
def test_a_bad_config_is_one_line_naming_the_file_and_the_pattern(
    tmp_path, monkeypatch, body, named
):
    path = _config(tmp_path, monkeypatch, body)
    with pytest.raises(RedactionConfigError) as caught:
        Redactor.load()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert named in message


async def _shown(pilot, screen_type) -> None:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, screen_type), screen_type.__name__)


def _exports(zero_home: Path) -> list[str]:
    folder = zero_home / "exports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def secrets_db(workdir: Path) -> Path:
    return build_secrets_db(Path("secrets.db"))


async def test_the_review_lists_every_redaction_and_esc_writes_nothing(
    app_factory, secrets_db, zero_home, tmp_path, monkeypatch, anyway
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    app = app_factory(secrets_db, args=["--session", ULID])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ULID)
        await pilot.press("x")
        await _shown(pilot, ExportFormatScreen)
        await pilot.press("m")
        await _shown(pilot, RedactionReviewScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
        expected = [rule for rule, _s, _t in SHAPES]
        assert [row[1] for row in rows] == ["url-password", *expected, "github-token"]
        assert [row[0] for row in rows] == ["header", *map(str, range(1, len(SHAPES) + 1)), "900"]
        shown = "\n".join(" ".join(row) for row in rows)
        for _rule, secret, _template in SHAPES:
            assert _leaks(secret, shown, anyway=anyway["md"]) == []
        summary = app.screen.query_one("#redaction-summary", Static).content
        assert f"{len(SHAPES) + 2} secrets will be masked" in str(summary)
        await pilot.press("escape")
        await wait_for_notice(pilot, "nothing was written")
    assert _exports(zero_home) == []


@pytest.mark.parametrize(("key", "fmt"), [("j", "jsonl"), ("h", "html")])
async def test_x_then_a_format_then_enter_writes_the_export_with_the_count(
    app_factory, secrets_db, zero_home, tmp_path, monkeypatch, anyway, key, fmt
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    app = app_factory(secrets_db, args=["--session", ULID])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ULID)
        await pilot.press("x")
        await _shown(pilot, ExportFormatScreen)
        await pilot.press(key)
        await _shown(pilot, RedactionReviewScreen)
        await pilot.press("enter")
        _, message = await wait_for_notice(pilot, "Exported to ")
    path = zero_home / "exports" / f"{ULID}.{fmt}"
    header = 0 if fmt == "jsonl" else 1  # JSON Lines has no header (no engine URL)
    assert message == f"Exported to {path} ({len(SHAPES) + 1 + header} secrets masked)"
    views = _views(fmt, path.read_text(encoding="utf-8"))
    for _rule, secret, _template in SHAPES:
        assert _leaks(secret, views, anyway=anyway[fmt]) == []


async def test_a_bad_config_in_the_app_is_one_error_line_and_writes_nothing(
    app_factory, secrets_db, zero_home, tmp_path, monkeypatch
):
    path = _config(tmp_path, monkeypatch, "[patterns]\nbroken = '[a-'\n")
    app = app_factory(secrets_db, args=["--session", ULID])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ULID)
        await pilot.press("x", "m")
        severity, message = await wait_for_notice(pilot, str(path))
        assert severity == "error"
        assert "\n" not in message
        assert "'broken'" in message
        assert not isinstance(app.screen, RedactionReviewScreen)
        assert [n for n in notices(app) if "Exported" in n[1]] == []
    assert _exports(zero_home) == []
