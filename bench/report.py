"""The printed table and the issue's goals, met or not."""

from __future__ import annotations

from dataclasses import dataclass

from .runner import Results

__all__ = ["Goal", "goals", "table"]

# (label, program, metric); the first program of a block is ours.
ROWS: list[tuple[str, str, str]] = [
    ("launch -> last event, 200k session", "ours", "launch"),
    ("", "lnav", "launch"),
    ("", "toolong", "launch"),
    ("jump to first event (Home / g)", "ours", "jump"),
    ("", "lnav", "jump"),
    ("", "toolong", "jump"),
    ("peak RSS, session open", "ours", "rss"),
    ("", "lnav", "rss"),
    ("", "toolong", "rss"),
    ("launch -> session list painted", "ours-list", "launch"),
    ("launch -> first paint, trivial Textual", "trivial", "launch"),
    ("launch -> last event, 10-event session", "ours-10", "launch"),
    ("search 1M events, first hits: rare", "search-rare", "search"),
    ("search 1M events, first hits: common", "search-common", "search"),
    ("  same, plain scan (no index): rare", "scan-rare", "search"),
    ("  same, plain scan (no index): common", "scan-common", "search"),
    ("search index build / update (once)", "index-update", "search"),
]


def _fmt(value: float | None, metric: str) -> str:
    if value is None:
        return "-"
    if metric == "rss":
        return f"{value / 1024:.1f} MiB"
    return f"{value * 1000:.1f} ms"


def _ratio(ours: float | None, other: float | None) -> str:
    if ours is None or other is None or other == 0:
        return "-"
    return f"{ours / other:.2f}x"


def table(results: Results) -> str:
    head = (
        f"{'measurement':<40} {'program':<13} {'median':>11} {'min':>11} {'max':>11}"
        f" {'n':>3} {'vs lnav':>8} {'vs toolong':>10}"
    )
    lines = [head, "-" * len(head)]
    for label, name, metric in ROWS:
        values = results.get(name, metric)
        median = results.median(name, metric)
        vs_lnav = vs_toolong = ""
        if name == "ours":
            vs_lnav = _ratio(median, results.median("lnav", metric))
            vs_toolong = _ratio(median, results.median("toolong", metric))
        lines.append(
            f"{label:<40} {name:<13} {_fmt(median, metric):>11}"
            f" {_fmt(min(values) if values else None, metric):>11}"
            f" {_fmt(max(values) if values else None, metric):>11} {len(values):>3}"
            f" {vs_lnav:>8} {vs_toolong:>10}"
        )
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Goal:
    text: str
    figure: str
    met: bool | None  # None: cannot be judged (a tool is missing, a measurement failed)

    def line(self) -> str:
        verdict = {True: "met", False: "NOT MET", None: "n/a"}[self.met]
        return f"  [{verdict:^7}] {self.text:<66} {self.figure:>9}"


def _within(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def _div(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def goals(results: Results) -> list[Goal]:
    med = results.median
    vs_lnav = _div(med("ours", "launch"), med("lnav", "launch"))
    jump = med("ours", "jump")
    rss = _div(med("ours", "rss"), med("lnav", "rss"))
    paint = _div(med("ours-list", "launch"), med("trivial", "launch"))
    searches = [med("search-rare", "search"), med("search-common", "search")]
    worst = None if None in searches else max(s for s in searches if s is not None)
    big_small = _div(med("ours", "launch"), med("ours-10", "launch"))
    same = None if big_small is None else abs(big_small - 1.0) <= 0.10

    def show(value: float | None, unit: str = "x") -> str:
        if value is None:
            return "-"
        return f"{value * 1000:.1f} ms" if unit == "ms" else f"{value:.2f}x"

    return [
        Goal("launch -> last event of the 200k session: ratio to lnav <= 1.0", show(vs_lnav),
             _within(vs_lnav, 1.0)),
        Goal("jump to the session's first event: median <= 16 ms", show(jump, "ms"),
             _within(jump, 0.016)),
        Goal("peak RSS with that session open: <= lnav's", show(rss), _within(rss, 1.0)),
        Goal("launch -> session list painted: <= 1.25x the trivial Textual app", show(paint),
             _within(paint, 1.25)),
        Goal("search across 1M events, first hits: <= 100 ms (worse needle)", show(worst, "ms"),
             _within(worst, 0.100)),
        Goal("opening the 200k session vs a 10-event one: within 10 %", show(big_small), same),
    ]  # fmt: skip
