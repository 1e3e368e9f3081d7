"""Copy from the replay: the cursor's event text (c, in a worker, capped) or its link (y)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..sanitize import inert

if TYPE_CHECKING:
    from ..app import ZeroSessionApp

__all__ = ["CLIPBOARD_CAP", "CopyFromReplay", "clipboard_text"]

CLIPBOARD_CAP = 1024 * 1024
"""Bytes of UTF-8 that c puts on the clipboard (1 MiB); the notice says when text was cut."""


def clipboard_text(text: str) -> tuple[str, bool, bool]:
    """What ``c`` copies, whether anything in it is shown as a symbol, and whether it was
    cut. Inert, like the screen (a pasted escape sequence or bidi override would act in
    whatever receives the paste), tabs and newlines kept; at most CLIPBOARD_CAP bytes of
    UTF-8 (OSC 52 sends it as base64 through the terminal). Costs the cap, not the event:
    only the head of a long text is read."""
    head = text[:CLIPBOARD_CAP]
    copied = "\t".join(inert(part) for part in head.split("\t"))
    data = copied.encode("utf-8", "surrogatepass")
    cut = len(text) > len(head) or len(data) > CLIPBOARD_CAP
    if len(data) > CLIPBOARD_CAP:
        copied = data[:CLIPBOARD_CAP].decode("utf-8", "ignore")
    return copied, copied != head[: len(copied)], cut


@dataclass(frozen=True, slots=True)
class _Copied:
    seq: int
    text: str
    total: int
    changed: bool
    cut: bool


class CopyFromReplay:
    def __init__(self, app: ZeroSessionApp) -> None:
        self.app = app

    def copy_text(self) -> None:
        replay = self.app.replay
        timeline = replay.timeline
        event = timeline.cached(replay.cursor) if timeline else None
        if event is None:
            return
        seq, text = event.seq, event.text

        def prepare() -> _Copied:
            copied, changed, cut = clipboard_text(text)
            return _Copied(seq, copied, len(text), changed, cut)

        self.app.in_thread(prepare, self._copied, group="copy", exclusive=True)

    def _copied(self, copied: _Copied) -> None:
        self.app.copy_to_clipboard(copied.text)
        note = ", control characters as symbols" if copied.changed else ""
        if copied.cut:
            note += f"; only the first 1 MiB of its {copied.total:,} characters: the clipboard cap"
        count = len(copied.text)
        self.app.notify(
            f"Copied the text of seq {copied.seq} ({count:,} characters{note}).", markup=False
        )

    def copy_link(self) -> None:
        replay = self.app.replay
        timeline = replay.timeline
        seq = replay.cursor_event_seq()
        if timeline is not None and seq is not None:
            link = f"{timeline.session.ulid}#{seq}"
            self.app.copy_to_clipboard(link)
            self.app.notify(f"Copied {link}", markup=False)
