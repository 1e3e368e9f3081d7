"""What redaction costs: a 200,000-event session exported as Markdown and as JSON Lines,
without and with a ``Redactor`` (every built-in rule run over every event's text), and the
redaction alone over the same texts. ``.venv/bin/python -m bench.redaction``.

A benchmark, not a test (bench/README.md). The session is ``bench.html_export.build``'s (one
event in 997 a 21-line text), with one event in 1,000 given a secret to mask. Each figure is
the median of ``--runs`` (default 3) wall-clock runs in this process.

Options: ``--events N`` (default 200,000), ``--runs N``.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.html_export import ULID, build
from store import Store
from zero_session_tui.export import export_jsonl, export_markdown
from zero_session_tui.redaction import Redactor

SECRET = "ghp_" + "a1B2c3D4e5" * 3 + "f6G7h8"


def _plant(db: Path) -> int:
    """One event in 1,000 gets a GitHub token in its text; returns how many."""
    with sqlite3.connect(db) as conn:
        done = conn.execute(
            "UPDATE events SET text = text || ' token ' || ? WHERE seq % 1000 = 0", (SECRET,)
        ).rowcount
    conn.close()
    return done


def _median(runs: int, job: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-redaction-") as tmp:
        base = Path(tmp)
        db = base / "big.db"
        build(db, args.events)
        planted = _plant(db)
        rules = Redactor.load(base / "no-config.toml")
        with Store.open_readonly(db) as store:
            session = store.get_session_by_ulid(ULID)
            assert session is not None
            texts = [event.text for event in store.iter_events(session.id)]
            print(f"{args.events:,} events, {planted:,} with a secret, {len(rules.rules)} rules")

            def redact_all() -> None:
                redactor = rules.fresh()
                for seq, text in enumerate(texts):
                    redactor.redact(seq, text)

            alone = _median(args.runs, redact_all)
            print(f"redaction alone: {alone:.2f} s ({alone / len(texts) * 1e6:.1f} µs/event)")
            for name, writer in (("Markdown", export_markdown), ("JSON Lines", export_jsonl)):
                plain = _median(args.runs, lambda w=writer: w(store, session, base / "out"))
                found: list[int] = []

                def masked(w: Callable[..., Path] = writer, found: list[int] = found) -> None:
                    redactor = rules.fresh()
                    w(store, session, base / "out", redactor=redactor)
                    found.append(len(redactor.found))

                redacted = _median(args.runs, masked)
                print(
                    f"{name}: {plain:.2f} s plain, {redacted:.2f} s redacted ({found[-1]:,} masked)"
                )


if __name__ == "__main__":
    main()
