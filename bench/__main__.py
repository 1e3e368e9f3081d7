"""The benchmark of issue 5: ``.venv/bin/python -m bench [--quick] [--runs N]``.

Builds (or reuses) the 1M-event database, then measures our app against lnav and toolong under
tmux, alternating them within each round, and prints one table with the issue's goals.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .dataset import ensure_dataset
from .report import goals, table
from .runner import dataset_search, run_rounds
from .tools import Launch, install_tools, lnav, ours_list, ours_session, toolong, trivial


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
        help="leave out a program: ours, lnav, toolong, ours-list, trivial, ours-10",
    )  # fmt: skip
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
    launches: list[Launch] = [ours_session(ds)]
    missing = []
    for name, found in (("lnav", lnav(ds)), ("toolong", toolong(ds))):
        if found is None:
            missing.append(name)
        else:
            launches.append(found)
    launches += [ours_list(ds), trivial(), ours_session(ds, small=True)]
    launches = [launch for launch in launches if launch.name not in args.skip]
    for name in missing:
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
    hits = dataset_search(ds, max(args.runs, 5), results)
    print(
        f"search needles: {ds.rare_needle!r} ({hits['search-rare']} hits, scan"
        f" {hits['scan-rare']}), {ds.common_needle!r} ({hits['search-common']} hits, scan"
        f" {hits['scan-common']}, limit 20)"
    )
    print()
    print(table(results))
    print()
    print("goals (issue 5):")
    for goal in goals(results):
        print(goal.line())
    for failure in results.failures:
        print(f"failure: {failure}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\ntotal {time.perf_counter() - began:.0f} s; load average at the end {load}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
