"""The fork tree around a session: its ancestors, and every session forked from them.

Each session once (a session met again through a cycle of parents is a marked leaf), and
what the caps of ``fork_tree`` leave out as a line saying how many ("… 9,800 more")."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, Tree
from textual.widgets.tree import TreeNode

from ..catalog import SessionKey
from ..fork_tree import ForkNode
from ..formatting import short_ulid
from .search import SearchResult

__all__ = ["ForkNode", "ForksScreen"]


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
        yield Footer()  # this dialog's own keys

    def _label(self, node: ForkNode) -> Text:
        if node.repeat:
            # Met again (a cycle of parents): once more as a marker, never walked into.
            label = Text("\u21bb ", style="bold")
            label.append(short_ulid(node.session.ulid), style="bold")
            label.append("  a cycle: shown above", style="italic")
        else:
            label = Text(short_ulid(node.session.ulid), style="bold")
            if node.key == self.current:
                label.append("  \u25c0 this session", style="italic")
            if node.parent_not_shown is not None:
                label.append(f"  forked from {short_ulid(node.parent_not_shown)}, not shown")
        if node.fork_seq is not None:
            label.append(f"  forked at parent #{node.fork_seq}")
        return label

    def _add(self, parent: TreeNode[ForkNode], node: ForkNode) -> None:
        for child in node.children:
            self.parents[id(child)] = node
            if child.repeat:  # shown above: a leaf here, never walked into again
                parent.add_leaf(self._label(child), data=child)
            else:
                self._add(parent.add(self._label(child), data=child), child)
        if node.more:
            # What the caps left out, said, not hidden: a line with no session to open.
            parent.add_leaf(Text(f"\u2026 {node.more:,} more", style="italic"))

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
