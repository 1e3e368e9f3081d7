"""The main screen's footer: the keys that apply where the focus is, as many as fit.

Textual's ``Footer`` shows every shown binding in one row and cuts the rest at the right
edge, so on a narrow terminal the help key went first. This one is drawn from the same
public sources (``Screen.active_bindings``, ``App.get_key_display``, the screen's
``bindings_updated_signal``) in the same look and theme colours, and when the row is too
long it leaves out the keys declared last first: of the focused pane's and the screen's
keys, the one furthest down its own list (the screen's first when they tie); the app's own
keys (quit, help) and the palette key always stay.
A click on a key presses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

__all__ = ["FooterItem", "KeyFooter", "fit_items"]


@dataclass(frozen=True, slots=True)
class FooterItem:
    keys: tuple[tuple[str, str], ...]
    """(key, how it is shown) of each key, one unless a binding group has several."""
    description: str
    enabled: bool
    drop_order: tuple[int, int] | None
    """Left out first when highest: (where it is in its owner's items, 1 for the screen's
    and 0 for a widget's); None for the app's, always shown."""

    @property
    def width(self) -> int:
        keys = sum(cell_len(display) + 1 for _, display in self.keys)
        return keys + 1 + cell_len(self.description) + 1


def items_of(screen: Screen[object]) -> list[FooterItem]:
    """The screen's shown bindings in Textual's order (the focused widget's first, the app's
    last), one item per action, a binding group's keys in one item."""
    app = screen.app
    items: list[FooterItem] = []
    seen: set[str] = set()
    per_owner: dict[int, int] = {}
    group: Binding.Group | None = None
    for node, binding, enabled, _tooltip in screen.active_bindings.values():
        if not binding.show or binding.action in seen or binding.key == app.COMMAND_PALETTE_BINDING:
            continue
        seen.add(binding.action)
        shown = (binding.key, app.get_key_display(binding))
        if group is not None and binding.group == group and items:
            last = items[-1]
            items[-1] = FooterItem(
                (*last.keys, shown), last.description, last.enabled, last.drop_order
            )
            continue
        group = binding.group
        drop_order: tuple[int, int] | None = None
        if not isinstance(node, App):
            place = per_owner.get(id(node), 0)
            per_owner[id(node)] = place + 1
            drop_order = (place, 1 if isinstance(node, Screen) else 0)
        description = group.description if group is not None else binding.description
        items.append(FooterItem((shown,), description, enabled, drop_order))
    return items


def fit_items(items: list[FooterItem], width: int) -> list[FooterItem]:
    """``items`` without those that do not fit in ``width`` cells (see ``drop_order``)."""
    kept = list(items)
    while sum(item.width for item in kept) > width:
        droppable = [i for i, item in enumerate(kept) if item.drop_order is not None]
        if not droppable:
            break
        del kept[max(droppable, key=lambda i: kept[i].drop_order or (0, 0))]
    return kept


def palette_key(screen: Screen[object]) -> tuple[str, str, str] | None:
    """(key, how it is shown, description) of the command palette's key, when it is bound."""
    app = screen.app
    if not app.ENABLE_COMMAND_PALETTE:
        return None
    found = screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
    if found is None:
        return None
    binding: Binding = found.binding
    return binding.key, app.get_key_display(binding), binding.description


class KeyFooter(Widget, can_focus=False):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--disabled",
        "key-footer--separator",
    }

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--disabled {
            text-style: dim;
        }
        & > .key-footer--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[tuple[int, int, str, bool]] = []
        """(first cell, one past the last, key, enabled) of each key drawn: what a click
        presses (a disabled one rings the bell, as in Textual's footer)."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        text_style = self.get_component_rich_style("key-footer--description")
        dim = self.get_component_rich_style("key-footer--disabled")
        width = self.size.width
        palette = palette_key(self.screen)
        tail = Text()
        if palette is not None:
            tail.append("\u258f", self.get_component_rich_style("key-footer--separator"))
            tail.append(f"{palette[1]} ", key_style)
            tail.append(f"{palette[2]} ", text_style)
        row = Text(no_wrap=True, overflow="crop")
        spans: list[tuple[int, int, str, bool]] = []
        for item in fit_items(items_of(self.screen), max(0, width - tail.cell_len)):
            extra = dim if not item.enabled else None
            keys = key_style + extra if extra else key_style
            for key, display in item.keys:  # " key desc ", " k1 k2 desc " for a group
                start = row.cell_len
                row.append(f" {display}", keys)
                spans.append((start, row.cell_len, key, item.enabled))
            row.append(" ", keys)
            row.append(f"{item.description} ", text_style + extra if extra else text_style)
            if len(item.keys) == 1:  # its description is clickable too (not a group's)
                spans[-1] = (spans[-1][0], row.cell_len, *spans[-1][2:])
        if palette is not None:
            row.append(" " * max(0, width - row.cell_len - tail.cell_len))
            spans.append((row.cell_len, row.cell_len + tail.cell_len, palette[0], True))
            row.append_text(tail)
        self._spans = spans
        return row

    def on_click(self, event: events.Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                event.stop()
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
