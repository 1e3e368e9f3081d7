"""The app asks Textual for 120 frames a second (a key's frame waits for the next beat of
Textual's paint timer: up to 16.7 ms at its default 60), unless the user set TEXTUAL_FPS."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zero_session_tui.__main__ import FRAMES_PER_SECOND

ROOT = Path(__file__).resolve().parents[2]
CODE = """
import sys
from pathlib import Path
from store import Store
from zero_session_tui.__main__ import make_app
from zero_session_tui.catalog import Catalog
from zero_session_tui.cli import parse_args
db = Path(sys.argv[1])
Store.open(db).close()
catalog = Catalog.open([db])
make_app(parse_args(["--db", str(db)]), catalog)
catalog.close()
from textual import constants
print(constants.MAX_FPS)
"""


@pytest.mark.parametrize(("given", "expected"), [(None, FRAMES_PER_SECOND), ("30", 30)])
def test_textual_paints_at_our_rate_unless_the_user_chose_one(
    tmp_path: Path, given: str | None, expected: int
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    if given is not None:
        env["TEXTUAL_FPS"] = given
    out = subprocess.run(
        [sys.executable, "-c", CODE, str(tmp_path / "s.db")],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert int(out.stdout.strip()) == expected
