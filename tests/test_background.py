"""Work shared with a forked child (pages rendered, files parsed): the same
results, and nothing lost when the child fails, raises or stalls."""

from __future__ import annotations

import os
import time

import pytest

from journeysite import background, forked
from conftest import TODAY, KnowledgeBase
from journeysite.background import Background
from journeysite.catalog import build
from journeysite.loader import Layout, ParseCache, start_loading
from journeysite.forked import MIN_ITEMS, Split

pytestmark = pytest.mark.skipif(not forked.available(), reason="needs fork and a second core")

PARENT = os.getpid()


def in_child() -> bool:
    return os.getpid() != PARENT


def jobs(n: int = 50) -> dict[str, object]:
    return {f"page-{i}": (lambda i=i: f"<h1>{i}</h1>" * (i * 500)) for i in range(n)}


def test_every_job_is_rendered_once_in_any_reading_order() -> None:
    work = jobs()
    pages = Background(work, order=["page-7", "page-3"])
    try:
        for key in reversed(list(work)):
            assert pages[key] == work[key]()
        assert set(pages) == set(work) and len(pages) == len(work) and "page-3" in pages and "nope" not in pages
        here = pages.rendered_here
        assert pages.pop("page-3") == work["page-3"]()  # forgotten here
        assert pages["page-3"] == work["page-3"]() and pages.rendered_here == here + 1
    finally:
        pages.close()


def test_while_it_waits_the_parent_renders_jobs_from_the_end() -> None:
    """The child renders from the start, the parent from the end while it
    waits for a page: each job is taken by one of them."""
    def job(i: int) -> tuple[int, bool]:
        time.sleep(0.05)
        return i, in_child()

    work = {f"page-{i}": (lambda i=i: job(i)) for i in range(20)}
    pages = Background(work)
    try:
        by_child = [pages[key][1] for key in work]
        assert [pages[key][0] for key in work] == list(range(20))
    finally:
        pages.close()
    split = by_child.index(False)
    assert 0 < split < 20 and by_child == [True] * split + [False] * (20 - split)
    assert pages.rendered_here == 20 - split


def test_a_child_far_ahead_renders_the_last_pages_meanwhile() -> None:
    """The engine reads the last pages faster than the child renders them:
    a child well ahead of the engine spends its lead on those."""
    work = {f"page-{i}": (lambda: time.monotonic()) for i in range(3 * background.AHEAD)}
    pages = Background(work)
    try:
        pages["page-0"]
        time.sleep(0.5)  # the engine is busy with page 0; the child renders them all
        rendered = [pages[key] for key in work]
    finally:
        pages.close()
    assert pages.rendered_here == 0
    assert rendered[-1] < rendered[background.AHEAD + 5] and rendered[background.AHEAD] < rendered[-1]


def test_jobs_not_read_in_order_are_left_to_the_child() -> None:
    """`maps.json` is wanted after every page: the parent, taking pages from
    the end while it waits, never takes it."""
    def job(i: int) -> tuple[int, bool]:
        time.sleep(0.05)
        return i, in_child()

    work = {f"page-{i}": (lambda i=i: job(i)) for i in range(12)}
    work["data"] = lambda: job(99)
    pages = Background(work, order=[key for key in work if key != "data"])
    try:
        by_child = [pages[f"page-{i}"][1] for i in range(12)]
        assert pages["data"] == (99, True)
    finally:
        pages.close()
    assert False in by_child  # the parent did take pages meanwhile


def test_pages_the_child_never_sent_are_rendered_here() -> None:
    work = jobs(10)
    work["page-5"] = lambda: os._exit(3) if in_child() else "rendered here"  # the child dies
    pages = Background(work)
    try:
        assert [pages[k] for k in work] == [*(work[k]() for k in list(work)[:5]), "rendered here",
                                            *(work[k]() for k in list(work)[6:])]
        assert pages.rendered_here >= 5  # page-5 and every page after it (some taken before it died)
    finally:
        pages.close()


def test_an_error_in_a_job_is_raised_here_as_in_a_serial_build() -> None:
    def broken() -> str:
        raise ValueError("no such template")

    pages = Background({"ok": lambda: "fine", "broken": broken})
    try:
        assert pages["ok"] == "fine"
        with pytest.raises(ValueError, match="no such template"):
            pages["broken"]
    finally:
        pages.close()


def test_a_stalled_child_is_stopped_and_its_pages_rendered_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "STALL", 0.5)
    pages = Background({"stuck": lambda: time.sleep(3600) or "" if in_child() else "rendered here"})
    start = time.monotonic()
    assert pages["stuck"] == "rendered here"
    assert time.monotonic() - start < 30
    pages.close()
    assert not pages._child.is_alive()


def test_a_split_is_computed_from_both_ends_in_order() -> None:
    """The child works from the end as soon as it is forked, this process
    from the start once it asks; each item is computed by one of them."""
    def work(i: int) -> tuple[int, bool]:
        time.sleep(0.002)
        return i, in_child()

    split = Split(work, range(MIN_ITEMS * 4))
    time.sleep(0.3)  # this process does something else meanwhile
    where = split.results()
    assert [i for i, _ in where] == list(range(MIN_ITEMS * 4))
    by_child = [child for _, child in where]
    here = by_child.index(True)
    assert 0 < here < MIN_ITEMS * 2 and by_child == [False] * here + [True] * (MIN_ITEMS * 4 - here)
    assert not any(child for _, child in Split(work, range(MIN_ITEMS - 1)).results())


@pytest.mark.parametrize("failure", ["dies", "raises"])
def test_a_split_computes_here_what_a_failed_child_did_not_send(failure: str) -> None:
    def work(i: int) -> int:
        if in_child() and i == MIN_ITEMS * 2 - 3:  # the child's third item
            if failure == "dies":
                os._exit(3)
            raise ValueError("broken in the child")
        return i * i

    assert Split(work, range(MIN_ITEMS * 2)).results() == [i * i for i in range(MIN_ITEMS * 2)]


def test_files_parsed_in_two_processes_give_the_same_catalog(kb: KnowledgeBase) -> None:
    """Entries, positions of errors (through pickled marks) and parse counts
    are those of a serial load."""
    claim = (kb.root / "maps/first-home-claim.md").read_text(encoding="utf-8")
    for i in range(MIN_ITEMS + 8):
        text = claim.replace("persona: first-time-homeowner", "persona: first-time-homeownr") if i % 9 == 0 else claim
        kb.write(f"maps/copies/claim-{i:03}.md", text.replace("owner: claims", "owner: claimz") if i % 10 == 3 else text)
    serial, two = build(kb.root, TODAY), build(kb.root, TODAY, in_two=True)
    assert two.maps == serial.maps and two.personas == serial.personas and two.touchpoints == serial.touchpoints
    assert two.diagnostics == serial.diagnostics
    assert len([d for d in two.diagnostics if d.code == "JS201"]) == len(range(0, MIN_ITEMS + 8, 9))
    assert {d.path for d in two.diagnostics if d.code == "JS202"} == {f"maps/copies/claim-{i:03}.md" for i in range(3, MIN_ITEMS + 8, 10)}


def test_a_load_started_early_uses_what_the_child_parsed_and_sees_later_edits(kb: KnowledgeBase) -> None:
    """The plugin starts parsing in `on_config`; a file edited before
    `on_files` has new bytes, so it is parsed again, and only it."""
    claim = (kb.root / "maps/first-home-claim.md").read_text(encoding="utf-8")
    for i in range(MIN_ITEMS + 8):
        kb.write(f"maps/copies/claim-{i:03}.md", claim)
    files = len(list(kb.root.glob("*/**/*.md"))) - len(list(kb.root.glob("*/index.md"))) + 1  # and touchpoints.yml
    cache = ParseCache()
    start_loading(kb.root, Layout(), cache)
    kb.write("maps/copies/claim-005.md", claim.replace("title: ", "title: Edited "))
    catalog = build(kb.root, TODAY, cache=cache, in_two=True)
    assert catalog.maps["claim-005"].title.startswith("Edited ")
    assert catalog.maps == build(kb.root, TODAY).maps and catalog.diagnostics == build(kb.root, TODAY).diagnostics
    assert cache.parses == files + 1
