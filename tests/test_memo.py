"""The page memo that `mkdocs serve` keeps across rebuilds: after any edit,
pages from the memo are exactly the pages a fresh render gives, and pages
that do not show the edit are not rendered again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pytest
from conftest import TODAY, KnowledgeBase

from journeysite.core.catalog import build
from journeysite.core.indexes import Insights
from journeysite.core.loader import ParseCache
from journeysite.git.history import Edit
from journeysite.pages import views
from journeysite.pages.generate import generate
from journeysite.pages.views import PageMemo, Paths

V = TypeVar("V")
CLAIM = "maps/first-home-claim.md"
PHOTOS = "maps/claim-photo-evidence.md"

#: Edits applied one after the other to one knowledge base: each reaches other
#: pages by another route (titles, owners, contacts, parents, touchpoints,
#: extension fields, errors).
EDITS: list[tuple[str, str, str, str]] = [
    ("map title", CLAIM, "title: Make a first home-insurance claim", "title: Make a first claim"),
    ("team contact", "teams/claims.md", 'contact: "#claims-cx on chat, claims-cx@larkspur.example"', "contact: claims@larkspur.example"),
    ("persona name", "personas/first-time-homeowner.md", "name: First-time homeowner", "name: New homeowner"),
    ("touchpoint name", "touchpoints.yml", "name: Claims hotline", "name: Claims phone line"),
    ("touchpoint owner", "touchpoints.yml", "  owner: marketing\n", "  owner: claims\n"),
    ("persona kind", "personas/claims-handler.md", "kind: employee", "kind: customer"),
    ("map owner", PHOTOS, "owner: digital", "owner: claims"),
    ("parent stage renamed", CLAIM, "  - name: Assess the claim", "  - name: Assess the damage"),
    ("micro-journey follows", PHOTOS, "parent_stage: Assess the claim", "parent_stage: Assess the damage"),
    ("map persona", PHOTOS, "persona: first-time-homeowner", "persona: small-landlord"),
    ("step extension field", "maps/storm-damage-claim.md", "x-journey-id: CX-STORM-04", "x-journey-id: CX-STORM-05"),
    ("validation date", CLAIM, "last_validated: 2026-10-06", "last_validated: 2025-01-06"),
    ("map broken", PHOTOS, "phase: own", "phase: owning"),
    ("map mended", PHOTOS, "phase: owning", "phase: own"),
]


class CountingMemo(PageMemo):
    """A memo that counts what it computes instead of reusing: pages, and
    parts (`page#name`) since the last `keep`."""

    def __init__(self, parts: bool = False) -> None:
        super().__init__(parts)
        self.renders = self.part_renders = 0
        self.computed: set[str] = set()

    def value(self, key: str, inputs: Any, compute: Callable[[], V]) -> V:
        def counted() -> V:
            self.renders += 1
            self.computed.add(key)
            return compute()
        return super().value(key, inputs, counted)

    def part(self, page: str, name: str, inputs: Any, compute: Callable[[], V]) -> V:
        def counted() -> V:
            self.part_renders += 1
            self.computed.add(f"{page}#{name}")
            return compute()
        return super().part(page, name, inputs, counted)

    def keep(self) -> None:
        super().keep()
        self.computed = set()


def pages(kb: KnowledgeBase, cache: ParseCache, memo: PageMemo | None, today: dt.date = TODAY,
          edits: Mapping[str, Edit] | None = None) -> dict[str, str]:
    return dict(generate(build(kb.root, today, cache=cache), Paths(), edits or {}, (), memo).pages)


@pytest.mark.parametrize("parts", [True, False], ids=["serve", "build"])
def test_memo_pages_equal_fresh_pages_after_every_edit(kb: KnowledgeBase, parts: bool) -> None:
    cache, memo = ParseCache(), CountingMemo(parts)
    before = pages(kb, cache, memo)
    for what, rel, old, new in EDITS:
        kb.edit(rel, old, new)
        rendered = memo.renders
        remembered = pages(kb, cache, memo)
        assert remembered == pages(kb, ParseCache(), None), what
        assert memo.renders > rendered, what
        assert remembered != before, what
        before = remembered
    edited = {CLAIM: Edit(TODAY, "Ana", "git")}
    assert pages(kb, cache, memo, edits=edited) == pages(kb, ParseCache(), None, edits=edited), "a commit, the file unchanged"
    (kb.root / "maps/repair-booking.md").unlink()
    kb.write("maps/second-claim.md", (kb.root / CLAIM).read_text().replace("title: Make a first claim", "title: A second claim"))
    assert pages(kb, cache, memo) == pages(kb, ParseCache(), None)


def test_an_edit_renders_only_the_page_of_a_long_listing_that_lists_the_map(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """Touchpoint and system listings come in pages of PAGE_MAPS maps: an edit
    renders again the page that lists the edited map, not the others, and
    every page still equals a fresh render."""
    monkeypatch.setattr(views, "PAGE_MAPS", 1)
    cache, memo = ParseCache(), CountingMemo(parts=True)
    first = pages(kb, cache, memo)
    listing = ["touchpoints/claim-updates.md", *(f"touchpoints/claim-updates/{n}.md" for n in range(2, 6))]
    assert [path for path in first if path.startswith("touchpoints/claim-updates")] == listing
    assert [path for path in first if path.startswith("systems/claims-system")] == ["systems/claims-system.md", "systems/claims-system/2.md"]
    memo.keep()
    kb.edit("maps/repair-booking.md", "title: Book a repair with a network repairer", "title: Book the repairer")
    second = pages(kb, cache, memo)
    assert second == pages(kb, ParseCache(), None)
    assert {path for path in listing if path in memo.computed} == {"touchpoints/claim-updates/3.md"}
    assert [path for path in listing if first[path] != second[path]] == ["touchpoints/claim-updates/3.md"]
    for what, rel, old, new in EDITS:
        kb.edit(rel, old, new)
        assert pages(kb, cache, memo) == pages(kb, ParseCache(), None), what


def test_an_edit_renders_only_the_pages_and_rows_that_show_it(kb: KnowledgeBase) -> None:
    cache, memo = ParseCache(), CountingMemo(parts=True)
    first = pages(kb, cache, memo)
    assert memo.renders == len(first)
    everything, every_row = memo.renders, memo.part_renders
    assert any(key.startswith("maps/index.md#") for key in memo.computed)
    memo.keep()
    kb.edit("maps/recommend-larkspur.md", "title: Recommend Larkspur after a good claim", "title: Recommend us")
    second = pages(kb, cache, memo)
    changed = {p for p in first if first[p] != second[p]}
    # Rendered again: the map, pages that list or link it, and nothing else.
    assert "maps/recommend-larkspur.md" in changed and "maps/index.md" in changed
    assert "maps/buy-first-home-insurance.md" not in changed
    # Pages that list every map are rendered again even when they show no title.
    assert len(changed) <= memo.renders - everything < len(first) / 2
    # Of their rows, only the edited map's: in the maps index, on the dashboards,
    # its team's and touchpoints' pages, and its part of maps.json.
    again = {key.partition("#")[2] for key in memo.computed if "#" in key}
    assert again and all(":recommend-larkspur:" in part or part == "recommend-larkspur" for part in again), again
    assert {"map_rows:recommend-larkspur:0", "use_rows:recommend-larkspur:0", "recommend-larkspur"} <= again
    renders, rows = memo.renders, memo.part_renders
    pages(kb, cache, memo)
    assert (memo.renders, memo.part_renders) == (renders, rows), "a build without edits renders nothing"
    pages(kb, cache, memo, today=TODAY + dt.timedelta(days=1))
    assert memo.renders - renders == everything, "a new day can change any page's freshness"
    assert memo.part_renders - rows == every_row, "and any row's"


def test_memo_forgets_what_a_build_no_longer_has(kb: KnowledgeBase) -> None:
    cache, memo = ParseCache(), PageMemo(parts=True)
    pages(kb, cache, memo)
    memo.keep()
    pages(kb, cache, memo)
    memo.keep()
    rows = ["maps.json#repair-booking", "maps/index.md#map_rows:repair-booking:0"]
    assert all(row in memo for row in rows), "a page's rows outlive a build that reused the page"
    (kb.root / "maps/repair-booking.md").unlink()
    pages(kb, cache, memo)
    memo.keep()
    assert "maps/repair-booking.md" not in memo and not any(row in memo for row in rows)
    assert "maps/first-home-claim.md" in memo and "maps/index.md#map_rows:first-home-claim:0" in memo


def test_serve_keeps_each_unchanged_maps_share_of_the_cross_map_views(kb: KnowledgeBase) -> None:
    """Under `mkdocs serve` a map's steps, actions and scores are worked out
    again only when the map changed, or a file they read (touchpoints,
    personas) did."""
    cache = ParseCache()
    first = Insights(build(kb.root, TODAY, cache=cache))
    first.touchpoint_usage  # noqa: B018 (a build works them out)
    kb.edit(CLAIM, "title: Make a first home-insurance claim", "title: Make a first claim")
    second = Insights(build(kb.root, TODAY, cache=cache), first)
    assert second.per_map["claim-photo-evidence"][1] is first.per_map["claim-photo-evidence"][1]
    assert second.per_map["first-home-claim"][1] is not first.per_map["first-home-claim"][1]
    assert second.touchpoint_usage == Insights(build(kb.root, TODAY)).touchpoint_usage
    kb.edit("touchpoints.yml", "  owner: marketing\n", "  owner: claims\n")
    third = Insights(build(kb.root, TODAY, cache=cache), second)
    assert third.per_map["claim-photo-evidence"][1] is not second.per_map["claim-photo-evidence"][1], "step owners come from touchpoints.yml"
    assert third.ownership == Insights(build(kb.root, TODAY)).ownership
    fourth = Insights(build(kb.root, TODAY + dt.timedelta(days=1), cache=cache), third)
    assert fourth.per_map["claim-photo-evidence"][1] is not third.per_map["claim-photo-evidence"][1], "an action is late from a date on"
