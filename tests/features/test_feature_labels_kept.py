"""Names and tags kept and carried (issue 13): in the Markdown and HTML exports' headers,
across a client file replaced under them (kept while orphaned), and in the name sort's pages
over two databases."""

from __future__ import annotations

import json
import re
import shutil

from textual.widgets import Input, OptionList

from store import SessionFilter
from store.session_labels import SessionLabel
from tests.app.harness import ALL_KINDS, FORK, OPEN, PARENT, SIZE, ready, settle, wait_until
from tests.features._feature_support import listed, open_and_settle, wait_for_notice
from tests.features._labels_support import ORPHAN, WIDE, prompt_cell, saved, seed
from zero_session_tui.screens.search import SearchScreen


async def test_a_markdown_export_names_and_tags_the_session_in_its_header(
    app_factory, fixture_db, zero_home
):
    seed(fixture_db, {ALL_KINDS: ("all kinds", "slow btc")})
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await pilot.press("e")
        await wait_for_notice(pilot, ".md")
    markdown = (zero_home / "exports" / f"{ALL_KINDS}.md").read_text()
    head, _, _ = markdown.partition("### 1 ")
    assert "- events: 16\n- name: all kinds\n- tags: #btc #slow\n" in head


async def test_labels_survive_a_replaced_client_file_and_are_kept_while_orphaned(
    app_factory, fixture_db, forks_db, template_db
):
    seed(fixture_db, {OPEN: ("nightly rebalance", "paper")})
    fixture_db.unlink()
    shutil.copyfile(forks_db, fixture_db)  # another file at the path, without that session
    app = app_factory(fixture_db)
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        assert OPEN not in listed(app)
        assert all(item.label.empty for item in app.table.items)
        app.table.focus()
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search")
        screen = app.screen
        before = screen.results
        screen.query_one(Input).insert_text_at_cursor("nightly")
        await wait_until(pilot, lambda: screen.results is not before, "the results")
        await settle(pilot)
        first = str(screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert first.startswith("named    nightly rebalance  #paper")
        assert "orphaned" in first
    assert saved(fixture_db, OPEN) == SessionLabel("nightly rebalance", ("paper",))  # kept

    fixture_db.unlink()
    shutil.copyfile(template_db, fixture_db)  # the session is back: so is its name
    again = app_factory(fixture_db)
    async with again.run_test(size=WIDE) as pilot:
        await ready(pilot)
        assert prompt_cell(again, OPEN) == "nightly rebalance  #paper"


def test_the_name_sort_pages_two_databases_without_repeats_or_gaps(fixture_db, forks_db):
    from tests.features._feature_support import CHILD_A, LONER, ROOT
    from zero_session_tui.catalog import Catalog, ListOrder

    seed(fixture_db, {PARENT: ("b", ""), FORK: ("D", ""), ORPHAN: ("a: gone", "")})
    seed(forks_db, {LONER: ("c", ""), ROOT: ("A", "x"), CHILD_A: ("e", "x")})
    catalog = Catalog.open([fixture_db, forks_db])
    try:
        everything = catalog.pager(page_size=2)
        newest_first = [item.session.ulid for item in everything.rest()]
        by_name = catalog.pager(page_size=2, order=ListOrder(sort="name", descending=False))
        pages = []
        while not by_name.exhausted:
            pages.append([item.session.ulid for item in by_name.next_page()])
        named = [ROOT, PARENT, LONER, FORK, CHILD_A]  # A b c D e; the orphan is not listed
        assert pages[:3] == [named[0:2], named[2:4], [named[4], *pages[2][1:]]]
        assert [u for page in pages for u in page] == [
            *named,
            *[u for u in newest_first if u not in named],
        ]
        assert by_name.total() == len(newest_first)
        tagged = ListOrder(sort="name", descending=True, where=SessionFilter(tag="x"))
        assert [item.session.ulid for item in catalog.pager(order=tagged).rest()] == [
            CHILD_A,
            ROOT,
        ]
    finally:
        catalog.close()


async def test_an_html_export_carries_the_name_and_tags(app_factory, fixture_db, zero_home):
    seed(fixture_db, {ALL_KINDS: ("all <kinds>", "slow btc")})
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await pilot.press("H")
        await wait_for_notice(pilot, ".html")
    page = (zero_home / "exports" / f"{ALL_KINDS}.html").read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="zst-head">(.*?)</script>', page, re.S)
    assert found is not None
    head = json.loads(found.group(1))
    assert (head["name"], head["tags"]) == ("all <kinds>", ["btc", "slow"])
    assert "<kinds>" not in page  # escaped in the data block, set as text by the page
