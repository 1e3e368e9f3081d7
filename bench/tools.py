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

from .dataset import CACHE, SMALL_FIRST, Dataset
from .huge import Huge, small_log

__all__ = [
    "OURS",
    "Launch",
    "Target",
    "base_env",
    "check_out",
    "install_tools",
    "lnav",
    "ours_list",
    "ours_session",
    "targets",
    "toolong",
    "trivial",
]

ROOT: Final = Path(__file__).resolve().parent.parent
VENV_BIN: Final = Path(sys.executable).parent
_MAIN = "import sys; from zero_session_tui.__main__ import main; sys.exit(main())"
OURS: Final = [sys.executable, "-P", "-c", _MAIN]
"""Our app as its console script runs it, but importing this checkout (``PYTHONPATH``): the
venv's editable install may point at another worktree. ``-P``: ``-c`` would put the working
directory (the tmux server's, this checkout when the benchmark is run from it) first on the
path, before ``PYTHONPATH``, and ``--against REV`` then launched this checkout twice."""
OURS_ENV: Final = {"PYTHONPATH": str(ROOT)}
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
    page_key: str | None = None  # then timed: this key (page down) and ``line_key``
    line_key: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """One session to open: in our database, and exported as a log for lnav."""

    size: str  # "10", "200k", "2M": the suffix of the programs' names
    db: Path
    log: Path
    ulid: str
    first: str
    last: str
    keys: bool  # jump, PgDn and j are timed on this one


def targets(ds: Dataset, huge: Huge | None) -> list[Target]:
    found = [
        Target("10", ds.db, small_log(ds), ds.small_ulid, SMALL_FIRST, ds.small_last, False),
        Target("200k", ds.db, ds.log, ds.big_ulid, ds.big_first, ds.big_last, True),
    ]
    if huge is not None:
        found.append(Target("2M", huge.db, huge.log, huge.ulid, huge.first, huge.last, False))
    return found


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


def ours_session(target: Target, base: Path | None = None) -> Launch:
    """``--session ULID``: ready when its last event shows; on the 200k session then Home
    (to its first event), PgDn and j are timed. ``base``: the app as checked out there (a
    baseline, named ``base-...``)."""
    keys = target.keys
    return Launch(
        name=f"{'base' if base else 'ours'}-{target.size}",
        argv=[*OURS, "--db", str(target.db), "--session", target.ulid, "--no-welcome"],
        ready=target.last,
        first_key="Home" if keys else None,
        first_text=target.first if keys else None,
        env={"PYTHONPATH": str(base)} if base else OURS_ENV,
        page_key="PageDown" if keys else None,
        line_key="j" if keys else None,
    )


def ours_list(ds: Dataset, base: Path | None = None) -> Launch:
    """No --session: ready when the list's title shows the total (``Sessions · 10,000``, or
    ``Sessions · 100 of 10,000 loaded`` while the rest is paged in on demand)."""
    total = f"{ds.sessions:,}"
    return Launch(
        name="base-list" if base else "ours-list",
        argv=[*OURS, "--db", str(ds.db), "--no-welcome"],
        ready=re.compile(rf"Sessions \u00b7 (?:[\d,]+ of )?{re.escape(total)}\b"),
        env={"PYTHONPATH": str(base)} if base else OURS_ENV,
    )


def check_out(rev: str) -> Path:
    """The app's packages at git revision ``rev``, unpacked (``git archive``, so the
    repository's worktrees are left alone) under bench/.cache, compiled; the directory."""
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", rev],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    where = CACHE / f"base-{sha}"
    if not (where / "zero_session_tui").exists():
        where.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", sha, "store", "zero_session_tui"],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(where)], check=False)
    return where


def trivial() -> Launch:
    return Launch(
        name="trivial",
        argv=[sys.executable, str(Path(__file__).with_name("trivial_app.py"))],
        ready="TRIVIALREADY",
        page_key="PageDown",
        line_key="j",
    )


def lnav(target: Target) -> Launch | None:
    exe = shutil.which("lnav")
    if exe is None:
        return None
    keys = target.keys
    return Launch(
        name=f"lnav-{target.size}",
        argv=[exe, str(target.log)],
        ready=target.last,
        first_key="g" if keys else None,
        first_text=target.first if keys else None,
        page_key="PageDown" if keys else None,
        line_key="j" if keys else None,
    )


def toolong(target: Target) -> Launch | None:
    exe = TOOLONG_VENV / "bin" / "tl"
    if not exe.exists():
        return None
    return Launch(
        name=f"toolong-{target.size}",
        argv=[str(exe), str(target.log)],
        ready=target.last,
        first_key="Home",
        first_text=target.first,
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
