"""The programs the benchmark launches: our app, lnav, toolong and a trivial Textual app.

Each ``Launch`` says how to start a program, which text on screen means the awaited state is
reached, and (for the viewers) which key jumps to the first line and what that line shows.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from .dataset import CACHE, Dataset

__all__ = [
    "Launch",
    "base_env",
    "install_tools",
    "lnav",
    "ours_list",
    "ours_session",
    "toolong",
    "trivial",
]

ROOT: Final = Path(__file__).resolve().parent.parent
VENV_BIN: Final = ROOT / ".venv" / "bin"
TOOLONG_VENV: Final = CACHE / "toolong-venv"
HOME: Final = CACHE / "home"


@dataclass(frozen=True, slots=True)
class Launch:
    """How to start one program and what to wait for on its screen."""

    name: str
    argv: list[str]
    ready: str | re.Pattern[str]  # shown once the awaited state is on screen
    first_key: str | None = None  # key that jumps to the first line
    first_text: str | None = None  # shown once the first line is on screen
    env: dict[str, str] = field(default_factory=dict)


def base_env() -> dict[str, str]:
    """The environment every program gets: same terminal, locale and an isolated HOME (so lnav
    and toolong keep their state under the bench cache, never in the user's home)."""
    HOME.mkdir(parents=True, exist_ok=True)
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "TMPDIR")}
    return {
        **keep,
        "HOME": str(HOME),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }


def ours_session(ds: Dataset, *, small: bool = False) -> Launch:
    """``--session ULID``: the 200k session (with the jump to its first event) or the small."""
    ulid, last = (ds.small_ulid, ds.small_last) if small else (ds.big_ulid, ds.big_last)
    return Launch(
        name="ours-10" if small else "ours",
        argv=[
            str(VENV_BIN / "zero-session-tui"),
            "--db",
            str(ds.db),
            "--session",
            ulid,
            "--no-welcome",
        ],
        ready=last,
        first_key=None if small else "Home",
        first_text=None if small else ds.big_first,
    )


def ours_list(ds: Dataset) -> Launch:
    """No --session: ready when the list's title shows the total (``Sessions · 10,000``, or
    ``Sessions · 100 of 10,000 loaded`` while the rest is paged in on demand)."""
    total = f"{ds.sessions:,}"
    return Launch(
        name="ours-list",
        argv=[str(VENV_BIN / "zero-session-tui"), "--db", str(ds.db), "--no-welcome"],
        ready=re.compile(rf"Sessions \u00b7 (?:[\d,]+ of )?{re.escape(total)}\b"),
    )


def trivial() -> Launch:
    return Launch(
        name="trivial",
        argv=[str(VENV_BIN / "python"), str(Path(__file__).with_name("trivial_app.py"))],
        ready="TRIVIALREADY",
    )


def lnav(ds: Dataset) -> Launch | None:
    exe = shutil.which("lnav")
    if exe is None:
        return None
    return Launch(
        name="lnav",
        argv=[exe, str(ds.log)],
        ready=ds.big_last,
        first_key="g",
        first_text=ds.big_first,
    )


def toolong(ds: Dataset) -> Launch | None:
    exe = TOOLONG_VENV / "bin" / "tl"
    if not exe.exists():
        return None
    return Launch(
        name="toolong",
        argv=[str(exe), str(ds.log)],
        ready=ds.big_last,
        first_key="Home",
        first_text=ds.big_first,
    )


def install_tools() -> None:
    """lnav from Debian (when root and apt-get exists), toolong into its own venv."""
    if shutil.which("lnav") is None and shutil.which("apt-get"):
        print("installing lnav (apt-get) ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "lnav"], check=False, env=env)
    if not (TOOLONG_VENV / "bin" / "tl").exists():
        print(f"installing toolong into {TOOLONG_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(TOOLONG_VENV)], check=True)
        pip = TOOLONG_VENV / "bin" / "pip"
        subprocess.run([str(pip), "install", "-q", "toolong"], check=False)
