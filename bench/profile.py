"""Where our app's start-up time goes: ``python -m bench.profile [--list] [--pyinstrument]``.

Launches the app under tmux like the benchmark does, but through ``bench/profile_app.py``,
and prints a timeline from the launch: interpreter ready, imports done, each ``Store`` call
(which thread, how long), app hooks, terminal writes, the write carrying the awaited text,
and when tmux showed it. ``--pyinstrument`` also samples the main thread (pyinstrument is
installed on demand into ``bench/.cache/pyinstrument``).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

from .dataset import CACHE, ensure_dataset
from .huge import ensure_huge
from .measure import Pane
from .tools import OURS, OURS_ENV, base_env, check_out, ours_list, ours_session, targets

PYINSTRUMENT = CACHE / "pyinstrument"


def _ensure_pyinstrument() -> None:
    if not (PYINSTRUMENT / "pyinstrument").exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--target", str(PYINSTRUMENT),
             "pyinstrument"],
            check=True,
        )  # fmt: skip


def profile_once(
    *, list_only: bool, size: str, pyinstrument: bool, jump: bool, base: Path | None = None
) -> tuple[str, Path | None]:
    ds = ensure_dataset(echo=False)
    huge = ensure_huge(echo=False) if size == "2M" else None
    target = next(target for target in targets(ds, huge) if target.size == size)
    launch = ours_list(ds) if list_only else ours_session(target)
    ready = launch.ready if isinstance(launch.ready, str) else launch.ready.pattern
    marker = ready if not isinstance(launch.ready, str) else re.escape(ready)
    log = CACHE / f"profile-{launch.name}.log"
    log.unlink(missing_ok=True)
    out = CACHE / f"profile-{launch.name}.pyinstrument.txt" if pyinstrument else None
    wrapper = [sys.executable, str(Path(__file__).with_name("profile_app.py"))]
    argv = [*wrapper, str(log), marker]
    jump = jump and launch.first_key is not None and launch.first_text is not None
    if jump:
        argv += ["--then", re.escape(launch.first_text or "")]
    if out is not None:
        argv += ["--pyinstrument", str(out)]
    argv += ["--", *launch.argv[len(OURS) :]]
    app = str(base) if base else OURS_ENV["PYTHONPATH"]
    paths = [app, *([str(PYINSTRUMENT)] if pyinstrument else [])]
    env = {"PYTHONPATH": ":".join(paths)}
    scripts = CACHE / "scripts"
    scripts.mkdir(parents=True, exist_ok=True)
    with Pane("profile", base_env(), scripts) as pane:
        started = pane.launch("profile", argv, env)
        shown = pane.wait_for(launch.ready, started, poll=0.003, timeout=60)
        if jump:
            time.sleep(0.5)
            pressed = pane.keys(launch.first_key or "")
            jumped = pane.wait_for(launch.first_text or "", pressed, poll=0.0015, timeout=60)
        deadline = time.monotonic() + 10
        while not log.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    moments = [(0.0, "(bench)", "launch"), (shown, "(bench)", f"tmux shows {ready!r}")]
    if jump:
        moments.append((pressed - started, "(bench)", f"send-keys {launch.first_key}"))
        moments.append((pressed - started + jumped, "(bench)", "tmux shows the first event"))
    for raw in log.read_text().splitlines() if log.exists() else []:
        stamp, thread, what = raw.split(" ", 2)
        moments.append((float(stamp) - started, thread, what))
    lines = [f"{'+ms':>8}  {'thread':<16} what (a call is stamped at its start)"]
    lines += [f"{at * 1000:8.1f}  {thread[:16]:<16} {what}" for at, thread, what in sorted(moments)]
    return "\n".join(lines), out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--list", action="store_true", help="launch -> session list painted")
    parser.add_argument("--small", action="store_true", help="the 10-event session")
    parser.add_argument("--huge", action="store_true", help="the 2M-event session")
    parser.add_argument("--pyinstrument", action="store_true", help="sample the main thread")
    parser.add_argument("--jump", action="store_true", help="then press Home, until event 1")
    parser.add_argument("--runs", type=int, default=1, help="print this many timelines")
    parser.add_argument("--against", metavar="REV", help="the app as of git revision REV")
    args = parser.parse_args(argv)
    if args.pyinstrument:
        _ensure_pyinstrument()
    for _ in range(args.runs):
        text, out = profile_once(
            list_only=args.list,
            size="10" if args.small else "2M" if args.huge else "200k",
            pyinstrument=args.pyinstrument,
            jump=args.jump,
            base=check_out(args.against) if args.against else None,
        )
        print(text)
        if out is not None and out.exists():
            print(f"\npyinstrument report (main thread): {out}")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
