"""The fork tree around a session: its ancestors, and every session forked from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from store import SessionRow

from ..catalog import SessionKey
from ..formatting import short_ulid
from .search import SearchResult

__all__ = ["ForkNode", "ForksScreen"]


@dataclass
class ForkNode:
    key: SessionKey
    session: SessionRow
    fork_seq: int | None = None
    """Where this session left its parent: the parent's last event before it started."""
    children: list[ForkNode] = field(default_factory=list)


class ForksScreen(ModalScreen[SearchResult | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f", "cancel", "Close"),
        Binding("p", "fork_point", "Parent at fork point"),
    ]

    def __init__(self, root: ForkNode, current: SessionKey) -> None:
        super().__init__()
        self.root = root
        self.current = current
        self.parents: dict[int, ForkNode] = {}

    def compose(self) -> ComposeResult:
        tree: Tree[ForkNode] = Tree(self._label(self.root), data=self.root, id="forks-tree")
        tree.show_root = True
        self._add(tree.root, self.root)
        tree.root.expand_all()
        with Vertical(id="forks"):
            yield Static(Text("Forks", style="bold"))
            yield tree
            yield Static(
                "Enter opens a session \u00b7 p opens its parent where it forked", markup=False
            )

    def _label(self, node: ForkNode) -> Text:
        label = Text(short_ulid(node.session.ulid), style="bold")
        if node.key == self.current:
            label.append("  \u25c0 this session", style="italic")
        if node.fork_seq is not None:
            label.append(f"  forked at parent #{node.fork_seq}")
        return label

    def _add(self, parent: TreeNode[ForkNode], node: ForkNode) -> None:
        for child in node.children:
            self.parents[id(child)] = node
            branch = parent.add(self._label(child), data=child)
            self._add(branch, child)

    def on_mount(self) -> None:
        tree = self.query_one(Tree)
        tree.focus()
        for line in range(tree.last_line + 1):
            found = tree.get_node_at_line(line)
            if found is not None and found.data is not None and found.data.key == self.current:
                tree.move_cursor(found)
                break

    def on_tree_node_selected(self, event: Tree.NodeSelected[ForkNode]) -> None:
        event.stop()
        if event.node.data is not None:
            self.dismiss(SearchResult(event.node.data.key, None))

    def action_fork_point(self) -> None:
        node = self.query_one(Tree).cursor_node
        if node is None or node.data is None:
            return
        parent = self.parents.get(id(node.data))
        if parent is not None:
            self.dismiss(SearchResult(parent.key, node.data.fork_seq))

    def action_cancel(self) -> None:
        self.dismiss(None)
