"""What may import what: ``store`` and the pure core never import Textual or Rich (checked by
importing them in a fresh interpreter, and by following their imports in the source), ``store``
never imports the app, and widgets take from ``store`` only the row types they draw."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UI_LIBRARIES = frozenset({"textual", "rich"})

STORE = sorted(
    "store" if path.stem == "__init__" else f"store.{path.stem}"
    for path in (ROOT / "store").glob("*.py")
)
CORE = [
    f"zero_session_tui.{name}"
    for name in (
        "alignment",  # side by side: how two sessions line up, their first difference
        "browser_state",  # the browser's own state file (welcome seen)
        "browsing",  # BrowsingState: what is wanted and shown, the kinds, the list's order
        "catalog",  # the partitions (databases) and what is read from them
        "cli",  # the command line
        "crash_report",  # an unexpected error: one line, the report saved
        "demo",  # the demo database
        "exit_codes",
        "export",  # JSONL and Markdown exports
        "follow_reads",  # what a live poll reads, as frozen values
        "fork_tree",  # the fork tree's walk
        "formatting",  # times, durations, ids as text
        "kinds",  # the kinds' order, keys, glyphs, labels
        "change_watcher",  # follow: which databases changed (data_version, file identity)
        "locations",  # where files go
        "pairing",  # side by side: the two sessions read, the fork point
        "replay_timing",  # the timed replay's delays (pure)
        "sanitize",  # untrusted text made inert
        "session_items",
        "session_pages",  # the list's pages and merge order
        "session_ref",  # ulid / ulid#seq parsing
        "subcommands",  # list, show, search, export, prune: for scripts, never Textual
        "subcommands.export_session",
        "subcommands.list_sessions",
        "subcommands.opening",
        "subcommands.output",
        "subcommands.prune",
        "subcommands.runner",
        "subcommands.search",
        "subcommands.show",
        "timeline",  # a session's events in keyset pages
        "strip_bins",  # the timeline strip's bins (by time or seq) and marker seeks
        "strip_model",  # the timeline strip's cells
        "warmup",  # reads started before Textual is imported
        "redaction",  # secrets masked before a session is shared
    )
]
# Not core: ``workers`` (run_in_thread, Textual's workers), ``terminal_guard`` runs the Textual
# app and prints a crash with Rich (imported lazily, so importing it loads neither); ``app``,
# ``screens``, ``widgets`` are the UI.
WIDGETS = sorted((ROOT / "zero_session_tui" / "widgets").glob("*.py"))
# A widget draws rows: it may name an event row and its kind, never open or query a store.
WIDGET_STORE_NAMES = frozenset({"StoredEvent", "EventKind"})


def _loaded_ui_libraries(modules: list[str]) -> dict[str, list[str]]:
    """Import ``modules`` one after another in a fresh interpreter; for each, the UI
    libraries in ``sys.modules`` once it is imported."""
    script = (
        "import importlib, json, sys\n"
        "seen = {}\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    seen[name] = sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'})\n"
        "print(json.dumps(seen))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded: dict[str, list[str]] = json.loads(done.stdout)
    return loaded


@pytest.mark.parametrize("modules", [STORE, CORE], ids=["store", "core"])
def test_importing_the_store_and_the_core_loads_neither_textual_nor_rich(
    modules: list[str],
) -> None:
    loaded = _loaded_ui_libraries(modules)
    assert list(loaded) == modules
    assert {name: libs for name, libs in loaded.items() if libs} == {}


def _module_file(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str) -> set[str]:
    """Every module ``module``'s source imports when it runs (inside functions too; not
    under ``if TYPE_CHECKING:``), relative imports resolved, ``from x import y`` giving
    ``x.y`` as well (``y`` may be a submodule)."""
    path = _module_file(module)
    assert path is not None, module
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def _reaches(start: str) -> dict[str, str]:
    """Every module ``start`` imports directly or through this project's modules, each with
    the module that imports it (to name the chain)."""
    parents: dict[str, str] = {}
    todo = [start]
    while todo:
        module = todo.pop()
        for name in _imports(module):
            if name in parents or name == start:
                continue
            parents[name] = module
            if name.split(".")[0] in ("store", "zero_session_tui") and _module_file(name):
                todo.append(name)
    return parents


def _chain(parents: dict[str, str], name: str, start: str) -> str:
    chain = [name]
    while chain[-1] != start:
        chain.append(parents[chain[-1]])
    return " <- ".join(chain)


@pytest.mark.parametrize("module", STORE + CORE)
def test_no_import_path_leads_from_the_store_or_core_to_textual_or_rich(module: str) -> None:
    parents = _reaches(module)
    bad = [
        _chain(parents, name, module)
        for name in sorted(parents)
        if name.split(".")[0] in UI_LIBRARIES
        or name.startswith(("zero_session_tui.widgets", "zero_session_tui.screens"))
        or name in ("zero_session_tui.app", "zero_session_tui.__main__")
    ]
    assert bad == []


@pytest.mark.parametrize("module", STORE)
def test_the_store_never_imports_the_app(module: str) -> None:
    assert sorted(n for n in _imports(module) if n.split(".")[0] == "zero_session_tui") == []


@pytest.mark.parametrize("path", WIDGETS, ids=lambda path: path.name)
def test_widgets_take_only_row_types_from_the_store(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    taken: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            taken += [a.name for a in node.names if a.name.split(".")[0] == "store"]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if node.module == "store":
                taken += [a.name for a in node.names if a.name not in WIDGET_STORE_NAMES]
            elif node.module.split(".")[0] == "store":
                taken.append(node.module)  # a store submodule: SQL, files, never a widget's
    assert taken == []


def test_the_checks_see_real_imports() -> None:
    """The source walk finds what is there: the replay widget imports Textual, the core's
    kinds the store's EventKind (so an empty answer above is not a blind one)."""
    assert "textual.scroll_view" in _imports("zero_session_tui.widgets.replay")
    assert "store.EventKind" in _imports("zero_session_tui.kinds")
    assert "store.sql" in _reaches("zero_session_tui.session_pages")
    assert _loaded_ui_libraries(["zero_session_tui.widgets.replay_bar"]) == {
        "zero_session_tui.widgets.replay_bar": ["rich", "textual"]
    }


# What only an action needs is imported by that action: each costs every launch its import
# (the redaction's rules and tomllib, the overview's SQL, side by side's pairing and alignment,
# the help screen, the search index and hashlib, the other screens), ~10 ms in all.
NOT_AT_START = (
    "store.search_index",
    "store.search_index_file",
    "store.search_batches",
    "hashlib",
    "zero_session_tui.redaction",
    "tomllib",
    "store.overview",
    "zero_session_tui.pairing",
    "zero_session_tui.alignment",
    "zero_session_tui.screens.help",
    "zero_session_tui.screens.search",
    "zero_session_tui.screens.overview",
    "zero_session_tui.export",
    "zero_session_tui.export_html",
)


def test_importing_the_app_leaves_what_only_an_action_needs() -> None:
    script = (
        "import json, sys\n"
        "import zero_session_tui.app\n"
        f"print(json.dumps(sorted(set({list(NOT_AT_START)!r}) & set(sys.modules))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == []
