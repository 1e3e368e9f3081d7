"""A second process appending through ``store``, as the ZERO client would, for the live-tail
tests. Run as ``python _live_writer.py DB`` with the project on ``PYTHONPATH``; reads one
command a line from stdin and answers each with one line on stdout once it is committed:

    append ULID N   append N events to session ULID      -> "appended LAST_SEQ"
    start ULID      start session ULID with one event    -> "started SESSION_ID"
    end ULID        end session ULID                     -> "ended"

Its clock is fixed (the app's "now", one second more per stamp), so the data is the same on
every run. Any error prints ``FAIL ...`` and exits 1.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from store import EventKind, Store
from store.clocks import SettableClock

START = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)  # tests.app.harness.APP_NOW


def main(db: str) -> None:
    with Store.open(
        db, clock=SettableClock(START + timedelta(seconds=1), timedelta(seconds=1))
    ) as store:
        print("ready", flush=True)
        for line in sys.stdin:
            command, ulid, *rest = line.split()
            session = store.get_session_by_ulid(ulid)
            if command == "start":
                sid = store.start_session(ulid, "https://engine.zero.example/v1", "0.5.0", None)
                store.append(sid, EventKind.SYSTEM, "a new session, started by the writer")
                print(f"started {sid}", flush=True)
            elif command == "append" and session is not None:
                rows = [(EventKind.COMMAND, f"live event {n + 1}") for n in range(int(rest[0]))]
                seqs = [store.append(session.id, kind, text) for kind, text in rows]
                print(f"appended {seqs[-1]}", flush=True)
            elif command == "end" and session is not None:
                store.end_session(session.id)
                print("ended", flush=True)
            else:
                raise ValueError(f"bad command {line!r}")


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except BaseException as error:
        print(f"FAIL {type(error).__name__}: {error}", flush=True)
        sys.exit(1)
