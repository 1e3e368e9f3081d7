"""The printed table and the issue's goals, met or not."""

from __future__ import annotations

from dataclasses import dataclass

from .runner import Results

__all__ = ["Goal", "floors", "goals", "table"]

SIZES = ("10", "200k", "2M")

# (label, program, metric); "ours-X" rows show their ratio to "lnav-X" / "toolong-X".
ROWS: list[tuple[str, str, str]] = [
    *(
        row
        for size in SIZES
        for row in (
            (f"launch -> last event, {size}-event session", f"ours-{size}", "launch"),
            ("  (--against REV)", f"base-{size}", "launch"),
            ("", f"lnav-{size}", "launch"),
            ("", f"toolong-{size}", "launch"),
        )
    ),
    ("jump to first event (Home / g), 200k", "ours-200k", "jump"),
    ("  (--against REV)", "base-200k", "jump"),
    ("", "lnav-200k", "jump"),
    ("", "toolong-200k", "jump"),
    ("PgDn key -> screen changed, 200k", "ours-200k", "pgdn"),
    ("  (--against REV)", "base-200k", "pgdn"),
    ("", "lnav-200k", "pgdn"),
    ("  floor: trivial Textual app", "trivial", "pgdn"),
    ("j key -> screen changed, 200k", "ours-200k", "j"),
    ("  (--against REV)", "base-200k", "j"),
    ("", "lnav-200k", "j"),
    ("  floor: trivial Textual app", "trivial", "j"),
    ("PgDn key -> first output, 200k", "ours-200k", "pgdn_out"),
    ("  (--against REV)", "base-200k", "pgdn_out"),
    ("", "lnav-200k", "pgdn_out"),
    ("  floor: trivial Textual app", "trivial", "pgdn_out"),
    ("j key -> first output, 200k", "ours-200k", "j_out"),
    ("  (--against REV)", "base-200k", "j_out"),
    ("", "lnav-200k", "j_out"),
    ("  floor: trivial Textual app", "trivial", "j_out"),
    ("one styled capture of the screen", "ours-200k", "capture"),
    ("", "lnav-200k", "capture"),
    ("", "trivial", "capture"),
    ("peak RSS, 200k session open", "ours-200k", "rss"),
    ("", "lnav-200k", "rss"),
    ("", "toolong-200k", "rss"),
    ("peak RSS, 2M session open", "ours-2M", "rss"),
    ("", "lnav-2M", "rss"),
    ("launch -> session list painted", "ours-list", "launch"),
    ("  (--against REV)", "base-list", "launch"),
    ("launch -> first paint, trivial Textual", "trivial", "launch"),
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
        if not values and not name.startswith("ours-"):
            continue  # a tool not installed, or skipped: no row of dashes
        median = results.median(name, metric)
        vs_lnav = vs_toolong = ""
        if name.startswith(("ours-", "base-")) and not name.endswith("-list"):
            size = name.split("-", 1)[1]
            vs_lnav = _ratio(median, results.median(f"lnav-{size}", metric))
            vs_toolong = _ratio(median, results.median(f"toolong-{size}", metric))
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


def _show(value: float | None, unit: str = "x") -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value * 1000:.1f} ms"
    if unit == "%":
        return f"{value * 100:.0f} %"
    return f"{value:.2f}x"


def goals(results: Results) -> list[Goal]:
    med = results.median
    found: list[Goal] = []
    for size in SIZES:
        ratio = _div(med(f"ours-{size}", "launch"), med(f"lnav-{size}", "launch"))
        found.append(
            Goal(f"launch -> last event, {size}-event session: ratio to lnav <= 1.0",
                 _show(ratio), _within(ratio, 1.0))
        )  # fmt: skip
    ours = [med(f"ours-{size}", "launch") for size in SIZES]
    spread = None
    if all(value is not None for value in ours):
        times = [value for value in ours if value is not None]
        spread = max(times) / min(times) - 1.0
    found.append(
        Goal("our launch -> last event at 10 / 200k / 2M: within 15 %", _show(spread, "%"),
             _within(spread, 0.15))
    )  # fmt: skip
    jump = med("ours-200k", "jump")
    found.append(
        Goal("jump to the first event of the 200k session: median <= 16 ms", _show(jump, "ms"),
             _within(jump, 0.016))
    )  # fmt: skip
    for metric, key in (("pgdn", "PgDn"), ("j", "j")):
        ratio = _div(med("ours-200k", metric), med("lnav-200k", metric))
        found.append(
            Goal(f"{key} key -> screen, 200k session: median <= lnav's", _show(ratio),
                 _within(ratio, 1.0))
        )  # fmt: skip
    paint = _div(med("ours-list", "launch"), med("trivial", "launch"))
    found.append(
        Goal("launch -> session list painted: <= 1.25x the trivial Textual app", _show(paint),
             _within(paint, 1.25))
    )  # fmt: skip
    rss = _div(med("ours-200k", "rss"), med("lnav-200k", "rss"))
    found.append(
        Goal("peak RSS with the 200k session open: <= 0.8x lnav's", _show(rss),
             _within(rss, 0.8))
    )  # fmt: skip
    return found


def floors(results: Results) -> list[str]:
    """What a trivial Textual app does against the same bars: the floor a goal about our
    Textual app cannot go under (printed under the goals)."""
    med = results.median
    trivial = med("trivial", "launch")
    lines = []
    for size in SIZES:
        ratio = _div(trivial, med(f"lnav-{size}", "launch"))
        lines.append(f"  trivial Textual app's first paint / lnav-{size}'s: {_show(ratio)}")
    for metric, key in (("pgdn", "PgDn"), ("j", "j")):
        ratio = _div(med("trivial", metric), med("lnav-200k", metric))
        figure = _show(med("trivial", metric), "ms")
        lines.append(f"  trivial Textual app's {key} -> screen: {figure}, {_show(ratio)} lnav's")
    for metric, key in (("pgdn_out", "PgDn"), ("j_out", "j")):
        ratio = _div(med("trivial", metric), med("lnav-200k", metric))
        figure = _show(med("trivial", metric), "ms")
        lines.append(
            f"  trivial Textual app's {key} -> first output: {figure}, {_show(ratio)} lnav's"
        )
    names = ("ours-200k", "lnav-200k", "trivial")
    captures = ", ".join(f"{name} {_show(med(name, 'capture'), 'ms')}" for name in names)
    lines.append(f"  one styled capture of the screen (in every key -> screen figure): {captures}")
    return lines
