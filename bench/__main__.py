"""The benchmark of issues 5 and 12: ``.venv/bin/python -m bench [--quick] [--runs N]``.

Builds (or reuses) the 1M-event database and the 2M-event one, then measures our app against
lnav (and toolong) under tmux on sessions of 10, 200k and 2M events, alternating them within
each round; then the sections of other modules (search, live tail); and prints one table with
the issue's goals.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .dataset import Dataset, ensure_dataset
from .huge import ensure_huge
from .report import Goal, floors, goals, table
from .runner import run_rounds
from .section import Section, SectionRunner
from .tools import (
    Launch,
    check_out,
    install_tools,
    lnav,
    ours_list,
    ours_session,
    targets,
    toolong,
    trivial,
)

SECTIONS = (("search", "search_bench"), ("live-tail", "live_tail"))
"""(--skip name, module in bench/): measured after the rounds, each by its own module."""


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="recorded rounds (default 7)")
    parser.add_argument("--quick", action="store_true", help="3 rounds instead (a smoke run)")
    parser.add_argument("--warmup", type=int, default=1, help="unrecorded rounds first")
    parser.add_argument("--poll-ms", type=float, default=3.0, help="screen poll interval")
    parser.add_argument(
        "--settle", type=float, default=0.5, help="seconds between ready and the jump key"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per wait")
    parser.add_argument(
        "--skip", action="append", default=[], metavar="NAME",
        help="leave out a program (ours-10, ours-200k, ours-2M, lnav-..., toolong-200k,"
        " ours-list, trivial), every program of a size (10, 200k, 2M), or a section"
        " (search, live-tail)",
    )  # fmt: skip
    parser.add_argument(
        "--against",
        metavar="REV",
        help="also launch the app as of git revision REV (programs base-10, base-200k,"
        " base-2M, base-list), alternating with this checkout's in the same rounds",
    )
    parser.add_argument(
        "--install-tools",
        action="store_true",
        help="first install lnav (apt-get, as root) and toolong (its own venv in bench/.cache)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = 3
    if args.runs < 1:
        parser.error("--runs must be >= 1")
    return args


def _versions() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    parts = [f"load average {load}", f"python {platform.python_version()}"]
    if shutil.which("lnav"):
        out = subprocess.run(["lnav", "-V"], capture_output=True, text=True, check=False)
        parts.append(out.stdout.strip())
    tmux = subprocess.run(["tmux", "-V"], capture_output=True, text=True, check=False)
    parts.append(tmux.stdout.strip())
    git = ["git", "-C", str(Path(__file__).resolve().parent.parent)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "store", "zero_session_tui"],
        capture_output=True,
        text=True,
    )
    if head.returncode == 0:
        parts.append(f"app at {head.stdout.strip()}{'+changes' if dirty.stdout.strip() else ''}")
    return ", ".join(parts)


def _sections(ds: Dataset, args: argparse.Namespace) -> list[tuple[str, Section | None]]:
    """Each section module's own measurement, run after the rounds (None: not in bench/)."""
    found: list[tuple[str, Section | None]] = []
    for name, module in SECTIONS:
        if name in args.skip:
            continue
        try:
            runner: SectionRunner = importlib.import_module(f".{module}", __package__).section
        except ImportError:
            print(f"{name}: not measured (no bench/{module}.py)", flush=True)
            found.append((name, None))
            continue
        print(f"{name}: measuring ...", flush=True)
        section = runner(ds, quick=args.quick, progress=lambda line: print(line, flush=True))
        found.append((section.title, section))
    return found


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if shutil.which("tmux") is None:
        print("bench: tmux is required (apt-get install tmux)", file=sys.stderr)
        return 2
    if args.install_tools:
        install_tools()
    began = time.perf_counter()
    ds = ensure_dataset()
    print(
        f"dataset {ds.db.name}: {ds.sessions:,} sessions, {ds.events:,} events;"
        f" built in {ds.build_seconds:.1f} s (cached by generator hash {ds.key}),"
        f" export {ds.log_bytes / 1e6:.1f} MB in {ds.export_seconds:.1f} s"
    )
    huge = None
    if "2M" not in args.skip:
        huge = ensure_huge()
        print(
            f"dataset {huge.db.name}: one session of {huge.events:,} events; built in"
            f" {huge.build_seconds:.1f} s, export {huge.log_bytes / 1e6:.1f} MB in"
            f" {huge.export_seconds:.1f} s"
        )
    base = check_out(args.against) if args.against else None
    launches: list[Launch] = []
    missing = set()
    for target in targets(ds, huge):
        launches.append(ours_session(target))
        if base is not None:
            launches.append(ours_session(target, base))
        for name, found in (("lnav", lnav(target)), ("toolong", toolong(target))):
            if found is None:
                missing.add(name)
            elif name == "lnav" or target.keys:  # toolong: on the 200k session only
                launches.append(found)
    launches += [ours_list(ds), *([ours_list(ds, base)] if base else []), trivial()]
    launches = [
        launch
        for launch in launches
        if launch.name not in args.skip and launch.name.rsplit("-", 1)[-1] not in args.skip
    ]
    for name in sorted(missing):
        hint = "apt-get install -y lnav" if name == "lnav" else "python -m bench --install-tools"
        print(f"{name}: not installed, not measured ({hint})")
    print(
        f"{_versions()}; {os.cpu_count()} cores; {args.warmup} warm-up + {args.runs} rounds of:"
        f" {', '.join(launch.name for launch in launches)}",
        flush=True,
    )
    results = run_rounds(
        launches,
        runs=args.runs,
        warmup=args.warmup,
        poll=args.poll_ms / 1000,
        settle=args.settle,
        timeout=args.timeout,
        progress=lambda line: print(line, flush=True),
    )
    sections = _sections(ds, args)
    print()
    print(table(results))
    every: list[Goal] = goals(results)
    for title, section in sections:
        print(f"\n{title}")
        if section is None:
            print("  not measured (its module is not in bench/)")
            continue
        print("\n".join(section.lines))
        every += section.goals
    print()
    print("goals (issue 12):")
    for goal in every:
        print(goal.line())
    print("floors (a trivial program of the same kind, same run):")
    print("\n".join(floors(results)))
    for failure in results.failures:
        print(f"failure: {failure}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\ntotal {time.perf_counter() - began:.0f} s; load average at the end {load}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
