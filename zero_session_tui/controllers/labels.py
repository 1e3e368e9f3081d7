"""Session names and tags (R names the session, # edits its tags), in the annotations file.

They act on the session highlighted in the list, or on the one the replay shows when the
replay has the focus. The current name or tags are read afresh in a worker (another browser
may have changed them), asked for in a one-line prompt, written in a worker through
``catalog.labels`` (the browser's own file: never the client's database), then shown on the
session's row. A file that cannot be used is said once; the browser goes on without labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from store.session_labels import MAX_NAME, SessionLabel

from ..catalog import SessionKey
from ..sanitize import one_line
from ..session_pages import NAME_SORT

if TYPE_CHECKING:
    from ..app import ZeroSessionApp

__all__ = ["SessionLabelling"]


@dataclass(frozen=True, slots=True)
class _Target:
    key: SessionKey
    ulid: str


class SessionLabelling:
    def __init__(self, app: ZeroSessionApp) -> None:
        self.app = app
        self.labels = app.catalog.labels
        self._said_off = False

    def say_if_off(self) -> None:
        """The annotations file cannot be used: say so once (the list still works)."""
        if self.labels.off is not None and not self._said_off:
            self._said_off = True
            self.app.notify(
                f"Names and tags are off: {self.labels.off}",
                severity="warning",
                markup=False,
                timeout=10,
            )

    def _target(self) -> _Target | None:
        replay = self.app.replay
        if replay.has_focus and replay.timeline is not None:
            return _Target(replay.timeline.key, replay.timeline.session.ulid)
        item = self.app.table.current_item()
        if item is None:
            self.app.notify("No session to label: the list is empty.", markup=False)
            return None
        return _Target(item.key, item.session.ulid)

    def act(self, what: str) -> None:
        """``name`` (R) or ``tags`` (#) of the session acted on."""
        target = self._target()
        if target is None:
            return
        if self.labels.off is not None:
            self._said_off = False  # asked for: said again
            self.say_if_off()
            return

        def read() -> SessionLabel:
            found = self.labels.labels_of(target.key.partition, [target.ulid])
            return found.get(target.ulid, SessionLabel())

        self.app.in_thread(
            read,
            lambda label: self._ask(what, target, label),
            group="labels-read",
            failure="Cannot read the session's name and tags",
        )

    def _ask(self, what: str, target: _Target, label: SessionLabel) -> None:
        from ..screens.prompt import PromptScreen

        if self.labels.off is not None:
            self.say_if_off()
            return
        short = one_line(target.ulid, 40)[0]
        # Shown inert: a label written by another program may hold escapes or bidi overrides.
        if what == "name":
            question = f"Name of session {short} (empty: no name)"
            value = one_line(label.name, 2 * MAX_NAME)[0]
            screen = PromptScreen(question, placeholder="a name", value=value)
        else:
            question = f"Tags of session {short} (comma or space separated; empty: none)"
            value = one_line(" ".join(label.tags), 4 * MAX_NAME)[0]
            screen = PromptScreen(question, placeholder="e.g. btc slow", value=value)

        def answered(text: str | None) -> None:
            if text is not None:
                self._write(what, target, label, text)

        self.app.push_screen(screen, answered)

    def _write(self, what: str, target: _Target, before: SessionLabel, text: str) -> None:
        labels, partition = self.labels, target.key.partition
        write: Callable[[], SessionLabel]
        if what == "name":

            def write() -> SessionLabel:
                return replace(before, name=labels.set_name(partition, target.ulid, text))

        else:

            def write() -> SessionLabel:
                return replace(before, tags=labels.set_tags(partition, target.ulid, text))

        self.app.in_thread(
            write,
            lambda label: self._written(what, target, label),
            group="labels-write",
            failure="Name or tags not saved",
        )

    def _written(self, what: str, target: _Target, label: SessionLabel) -> None:
        table = self.app.table
        for item in table.items:
            if item.key == target.key:
                table.update_item(replace(item, label=label))
                break
        if what == "name":
            said = f"Named {target.ulid}: {label.name}" if label.name else "Name removed"
        else:
            tags = " ".join(f"#{tag}" for tag in label.tags)
            said = f"Tags of {target.ulid}: {tags}" if tags else "Tags removed"
        self.app.notify(one_line(said, 200)[0], markup=False)
        order = self.app.state.list_order
        if order.sort == NAME_SORT or order.where.by_label:
            self.app.reload_sessions()  # the row's place (or its being listed) changed
