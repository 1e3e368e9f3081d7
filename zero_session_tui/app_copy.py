"""Copy from the replay: the cursor's event text (c, in a worker, capped) or its link (y)."""

from __future__ import annotations

from textual import work

from .app_base import AppBase
from .sanitize import inert

__all__ = ["CLIPBOARD_CAP", "CopyMixin"]

CLIPBOARD_CAP = 1024 * 1024
"""Bytes of UTF-8 that c puts on the clipboard (1 MiB); the notice says when text was cut."""


class CopyMixin(AppBase):
    def _copy_text(self) -> None:
        timeline = self.replay.timeline
        event = timeline.cached(self.replay.cursor) if timeline else None
        if event is not None:
            self._copy_worker(event.seq, event.text)

    # A description of its own: by default Textual describes a worker by the repr of its
    # arguments, which for a 52 MB text took 0.6 s of the UI thread.
    @work(thread=True, exclusive=True, group="copy", exit_on_error=False, description="copy")
    def _copy_worker(self, seq: int, text: str) -> None:
        copied, changed, cut = self._clipboard_text(text)
        self.call_from_thread(self._copied, seq, copied, len(text), changed, cut)

    @staticmethod
    def _clipboard_text(text: str) -> tuple[str, bool, bool]:
        """What ``c`` copies, whether anything in it is shown as a symbol, and whether it
        was cut. Inert, like the screen (a pasted escape sequence or bidi override would act
        in whatever receives the paste), tabs and newlines kept; at most CLIPBOARD_CAP bytes
        of UTF-8 (OSC 52 sends it as base64 through the terminal). Costs the cap, not the
        event: only the head of a long text is read."""
        head = text[:CLIPBOARD_CAP]
        copied = "	".join(inert(part) for part in head.split("	"))
        data = copied.encode("utf-8", "surrogatepass")
        cut = len(text) > len(head) or len(data) > CLIPBOARD_CAP
        if len(data) > CLIPBOARD_CAP:
            copied = data[:CLIPBOARD_CAP].decode("utf-8", "ignore")
        return copied, copied != head[: len(copied)], cut

    def _copied(self, seq: int, text: str, total: int, changed: bool, cut: bool) -> None:
        if not self.ui_alive:
            return
        self.copy_to_clipboard(text)
        note = ", control characters as symbols" if changed else ""
        if cut:
            note += f"; only the first 1 MiB of its {total:,} characters: the clipboard cap"
        self.notify(f"Copied the text of seq {seq} ({len(text):,} characters{note}).", markup=False)

    def _copy_link(self) -> None:
        timeline = self.replay.timeline
        seq = self.replay.cursor_event_seq()
        if timeline is not None and seq is not None:
            link = f"{timeline.session.ulid}#{seq}"
            self.copy_to_clipboard(link)
            self.notify(f"Copied {link}", markup=False)
