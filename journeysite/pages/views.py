"""The pages of the site, as Markdown: pure functions of a catalog.

The plugin decides where pages go in MkDocs; this module decides what they
say. Paths are relative to the docs folder and links between pages are
relative `.md` links, so the site engine can validate and rewrite them.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from operator import attrgetter
from typing import Any, TypeVar, cast

from markupsafe import Markup, escape

from journeysite.core import indexes
from journeysite.core.catalog import Catalog
from journeysite.core.changes import redesign
from journeysite.core.glance import glance
from journeysite.core.indexes import QUADRANTS, Insights, StepRef
from journeysite.core.metrics import evidence_coverage, lowest_moments, percent, score, stage_emotions
from journeysite.core.model import OPEN, STATUSES, Entry, Map, Stage
from journeysite.core.settings import Settings
from journeysite.core.validate import find_target, source_id, step_index
from journeysite.git.history import Edit
from journeysite.pages.canvas import canvas
from journeysite.pages.feed import atom
from journeysite.pages.measures import Measure, by_metric, measures
from journeysite.pages.mermaid import journey
from journeysite.pages.render import href, html_link, inline_markdown, link, render, text

V = TypeVar("V")
T = TypeVar("T")
#: The map id of a step reference (`StepRef`).
STEP_MAP: Callable[[StepRef], str] = attrgetter("map_id")
#: An e-mail address in a team's contact (split keeps it as every second piece).
EMAIL = re.compile(r"([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
#: Front matter of every page the site derives. They list what map, persona
#: and team pages say, where search finds it; left in, they would outrank
#: those pages and cost most of the build (the search plugin parses every
#: tag of a page, even in the parts it leaves out).
LISTING = "---\nsearch:\n  exclude: true\n---\n\n"
#: The same for a derived page whose tables need the width of the table of contents.
WIDE = "---\nsearch:\n  exclude: true\nhide:\n  - toc\n---\n\n"
WIDE_PAGES = ("actions.md",)
#: Front matter of a map page: the canvas gets the whole width.
FULL_WIDTH = "---\nhide:\n  - navigation\n  - toc\n---\n\n"


@dataclass(frozen=True)
class Paths:
    """Where the generated pages live, relative to the docs folder."""

    settings: Settings = field(default_factory=Settings)
    #: How the site engine turns `maps/x.md` into a URL (`maps/x/` or `maps/x.html`).
    directory_urls: bool = True
    #: Whether the engine reads relative links in a page's HTML from the
    #: page's file, not its URL, and rewrites them (Zensical does).
    links_from_file: bool = False
    #: The site's name and address (`site_url`, may be empty), for the feed.
    site_name: str = "Customer journeys"
    site_url: str = ""

    @property
    def maps_index(self) -> str:
        return f"{self.settings.maps_dir}/index.md"

    @property
    def personas_index(self) -> str:
        return f"{self.settings.personas_dir}/index.md"

    @property
    def teams_index(self) -> str:
        return f"{self.settings.teams_dir}/index.md"

    touchpoints_index = "touchpoints/index.md"
    glance = "insights/index.md"
    coverage = "insights/coverage.md"
    freshness = "insights/freshness.md"
    actions = "insights/actions.md"
    evidence = "insights/evidence.md"
    metrics = "insights/metrics.md"
    wins = "insights/wins.md"
    tags = "tags.md"
    data = "maps.json"
    feed = "feed.xml"

    def touchpoint(self, tid: str) -> str:
        return f"touchpoints/{tid}.md"

    def team_listing(self, tid: str) -> str:
        """Every map, stage, step and action of a team in more maps than its page lists."""
        return f"{self.settings.teams_dir}/{tid}/all.md"

    systems_index = "systems/index.md"

    def system(self, sid: str) -> str:
        return f"systems/{sid}.md"


class Refs:
    """References from one page to the knowledge base's entries: links, or
    plain text when the target does not exist (its error is reported elsewhere).

    Markdown links by default, so the site engine validates them; HTML links
    (`html=True`) in what templates write as raw HTML (the large tables, and
    all of a map page but its headings and the authors' text), which
    Markdown would spend most of a build parsing.
    """

    def __init__(self, catalog: Catalog, paths: Paths, page: str, html: bool = False) -> None:
        self.catalog, self.paths, self.page, self.html = catalog, paths, page, html
        #: The links made so far: a page links to the same team or map dozens of times.
        self._made: dict[tuple[str, object, str], Markup] = {}

    def to(self, target: str, label: object, anchor: str = "") -> Markup:
        made = self._made.get((target, label, anchor))
        if made is None:
            made = self._made[target, label, anchor] = (
                html_link(self.page, target, label, self.paths.directory_urls, anchor, self.paths.links_from_file) if self.html
                else link(self.page, target, label, anchor))
        return made

    def md(self, value: object) -> Markup:
        """Inline Markdown written for this page (the `md` filter, for macros,
        which do not see the page they are called from)."""
        return inline_markdown(value, self.page, None, self.paths.directory_urls, self.paths.links_from_file)

    def url(self, target: str) -> str:
        """The address of another page, for an HTML link in a raw block."""
        return href(target, self.page, self.paths.directory_urls, self.paths.links_from_file)

    def _entry(self, entries: dict[str, Entry[Any]], ident: str) -> Markup:
        entry = entries.get(ident)
        return self.to(entry.path, entry.title) if entry else text(ident)

    def team(self, ident: str) -> Markup:
        return self._entry(self.catalog.teams, ident)

    def persona(self, ident: str) -> Markup:
        return self._entry(self.catalog.personas, ident)

    def map(self, ident: str, anchor: str = "") -> Markup:
        entry = self.catalog.maps.get(ident)
        return self.to(entry.path, entry.title, anchor) if entry else text(ident)

    def map_stage(self, ident: str, stage: str, anchor: str) -> Markup:
        entry = self.catalog.maps[ident]
        return self.to(entry.path, stage, anchor)

    def contact(self, team: str) -> Markup:
        """A team's contact as text, its e-mail addresses as `mailto:` links."""
        entry = self.catalog.teams.get(team)
        contact = entry.data.contact if entry and entry.data else None
        return _contact(contact, self.html) if contact else text(None)

    def touchpoint(self, ident: str) -> Markup:
        entry = self.catalog.touchpoints.get(ident)
        return self.to(self.paths.touchpoint(ident), entry.title) if entry else text(ident)

    def system(self, ident: str) -> Markup:
        entry = self.catalog.systems.get(ident)
        return self.to(self.paths.system(ident), entry.title) if entry else text(ident)

    def touchpoints(self, idents: Iterable[str], channels: Mapping[str, str]) -> Markup:
        """A step's touchpoints, one per line, each with its channels where
        `channels` has them: a loop in the template wrote six outputs each.
        Joined as text (the links are markup, the channels escaped): a
        `Markup.format` and `Markup.join` cost five times as much, a twelfth
        of rendering a map page."""
        return Markup("<br> ".join([f"{self.touchpoint(t)} ({escape(channels[t])})" if t in channels else self.touchpoint(t)
                                    for t in idents]))


@lru_cache(maxsize=1024)
def _contact(contact: str, html: bool) -> Markup:
    """A contact as text with `mailto:` links, the same on every page: a map
    page shows each of its teams' contacts, a knowledge base has few teams."""
    parts = []
    for i, piece in enumerate(EMAIL.split(contact)):
        if i % 2 == 0:
            parts.append(text(piece))
        elif html:
            parts.append(Markup('<a href="mailto:{0}">{1}</a>').format(piece, text(piece)))
        else:
            parts.append(Markup("[{0}](mailto:{1})").format(text(piece), piece))
    return Markup("").join(parts)


class PageMemo:
    """Each page of the last build with the inputs it was rendered from.

    Under `mkdocs serve` one memo lives across rebuilds, so an edit renders
    again only the pages that show what changed. Inputs are compared by
    value; an unchanged file's entries are the very same objects (through
    the parse cache), so most comparisons end at identity.

    With `parts`, it also keeps each page's parts (see `Parts`): a page that
    lists a thousand maps is then assembled from 999 remembered rows. A
    one-off build leaves them out, as they would only cost memory.
    """

    def __init__(self, parts: bool = False) -> None:
        self.parts = parts
        self._pages: dict[str, tuple[Any, Any]] = {}
        #: Each page's parts by name, as (inputs, value) in two dicts: tens of
        #: thousands of pairs were as many objects for the garbage collector
        #: to walk. Then the names its latest render used.
        self._parts: dict[str, dict[str, Any]] = {}
        self._part_values: dict[str, dict[str, Any]] = {}
        self._used_parts: dict[str, set[str]] = {}
        self._used: set[str] = set()
        self._shared: Any = None
        #: The last build's cross-map views: the next keeps each unchanged map's part.
        self.insights: Insights | None = None

    def value(self, key: str, inputs: Any, compute: Callable[[], V]) -> V:
        """The page at `key`, computed again only if its inputs changed."""
        self._used.add(key)
        last = self._pages.get(key)
        if last is not None and last[0] == inputs:
            return cast(V, last[1])
        self._used_parts[key] = set()
        value = compute()
        self._pages[key] = (inputs, value)
        return value

    def part(self, page: str, name: str, inputs: Any, compute: Callable[[], V]) -> V:
        """A part of a page being computed, reused as `value` does (if the
        memo keeps parts)."""
        if not self.parts:
            return compute()
        parts, values = self._parts.setdefault(page, {}), self._part_values.setdefault(page, {})
        self._used_parts.setdefault(page, set()).add(name)
        if name in parts and parts[name] == inputs:
            return cast(V, values[name])
        value = values[name] = compute()
        parts[name] = inputs
        return value

    def shared(self, value: Any) -> Any:
        """`value`, or the equal value of the last build: inputs holding it
        then compare by identity, which matters for thousands of parts."""
        if value != self._shared:
            self._shared = value
        return self._shared

    def __contains__(self, key: str) -> bool:
        page, _, name = key.partition("#")
        return name in self._parts.get(page, {}) if name else page in self._pages

    def keep(self) -> None:
        """Forget what the latest build did not use: deleted pages, and the
        parts a page computed again no longer has. The parts of a page that
        was reused were not asked for, and are kept with it."""
        self._pages = {key: v for key, v in self._pages.items() if key in self._used}
        for kept in (self._parts, self._part_values):
            for page in [page for page in kept if page not in self._used]:
                del kept[page]
            for page, used in self._used_parts.items():
                if page in kept and len(used) < len(kept[page]):
                    kept[page] = {name: v for name, v in kept[page].items() if name in used}
        self._used, self._used_parts = set(), {}


@dataclass(frozen=True)
class Parts:
    """The rows of a page, one part for each map, for a memo that keeps parts.

    A template writes `{% call(run) per_map(items, "name") %}rows{% endcall %}`:
    the items (map ids, references to a map's steps or actions, or tuples
    led by a map id) go to the block in runs of one map, and each run's rows
    are rendered again only when that map (its entry and last edit), the
    shared inputs or the run itself changed. The n-th run of one map and
    name on a page is the page's part `name:map_id:n`. A build whose memo
    keeps no parts calls the block once with all the items, so it must write
    each item's rows as it would alone. (A call block, not a macro of the
    page's own: such a macro is kept in the page's context, which it refers
    to, a reference cycle that only the garbage collector frees.)
    """

    memo: PageMemo | None = None
    shared: tuple[Any, ...] = ()
    maps: Mapping[str, Entry[Map]] = field(default_factory=dict)
    edits: Mapping[str, Edit] = field(default_factory=dict)

    def of(self, page: str) -> Callable[[Iterable[Any], str, Any], Markup]:
        memo = self.memo
        seen: dict[tuple[str, str], int] = {}

        def part(memo: PageMemo, mid: str, run: list[Any], name: str, caller: Any) -> str:
            """A run's rows, kept as plain text: a `Markup` is one more object
            for the garbage collector to walk, thousands of times over."""
            n = seen[name, mid] = seen.get((name, mid), -1) + 1
            entry = self.maps.get(mid)
            inputs = (self.shared, entry, self.edits.get(entry.path) if entry else None, run)
            return memo.part(page, f"{name}:{mid}:{n}", inputs, lambda: str(caller(run)))

        def per_map(items: Iterable[Any], name: str, caller: Any) -> Markup:
            if memo is None or not memo.parts:  # nothing to keep: one call for all rows
                return Markup(caller(list(items)))
            return Markup("".join([part(memo, mid, list(run), name, caller) for mid, run in itertools.groupby(items, key=_map_id)]))

        return per_map


def _map_id(item: Any) -> str:
    return str(item if isinstance(item, str) else item[0] if isinstance(item, tuple) else item.map_id)


def _shared(catalog: Catalog, paths: Paths) -> tuple[Any, ...]:
    """What almost every page shows: team and persona names, team contacts,
    touchpoints, systems, and the date and policy that freshness is judged by."""
    return (catalog.today, catalog.settings, paths, tuple(catalog.teams.values()), tuple(catalog.personas.values()),
            tuple(catalog.touchpoints.values()), tuple(catalog.systems.values()), tuple(catalog.sources.values()),
            tuple(catalog.metrics.values()))


def _everything(shared: tuple[Any, ...], catalog: Catalog) -> tuple[Any, ...]:
    """The inputs of the pages that list every map (indexes, dashboards)."""
    return (shared, tuple(catalog.maps.values()), catalog.diagnostics, catalog.readings)


def _page(template: str, catalog: Catalog, paths: Paths, path: str, parts: Parts = Parts(), **context: Any) -> str:
    return render(
        template, path, catalog=catalog, paths=paths, refs=Refs(catalog, paths, path), hrefs=Refs(catalog, paths, path, html=True),
        per_map=parts.of(path),
        **context,
    )


def map_page(insights: Insights, entry: Entry[Map], paths: Paths = Paths(), edit: Edit | None = None) -> str:
    """A map page: header, badges, diagram, grid, ownership, evidence, plan."""
    catalog = insights.catalog
    m = entry.data
    context: dict[str, Any] = {"entry": entry, "m": m, "problems": catalog.problems(entry.path), "edit": edit}
    if m is not None:
        index = step_index(m)
        kpis = measures(catalog, entry.id)
        sources = catalog.sources_of(m)
        listed = [sources[sid] for s in m.sources if (sid := source_id(s)) in sources]
        cited: dict[str, list[str]] = {s.id: [] for s in listed}
        for stage in m.stages:
            for step in stage.steps:
                for ref in step.evidence:
                    cited.setdefault(ref, []).append(f"{stage.name} / {step.name}")
        team_names = {tid: e.title for tid, e in catalog.teams.items()}
        parent = catalog.maps.get(m.parent) if m.parent else None
        views = insights.per_map[entry.id][1]  # the map's steps in context and its actions
        # Each step's owner, as the cross-map views worked it out (by the step object).
        step_owner = {id(ref.step): ref.owner for ref in views.steps}
        # Each stage with its mean emotion, its owner and its steps' owners.
        stages = [(stage, mean, catalog.stage_owner(m, stage), [step_owner[id(step)] for step in stage.steps])
                  for stage, mean in stage_emotions(m)]
        context.update(
            freshness=insights.freshness[entry.id],
            coverage=percent(evidence_coverage(m)),
            stages=stages,
            lowest=lowest_moments(m),
            diagram=journey(m, lambda stage, step: team_names.get(o := step_owner[id(step)], o)).rstrip("\n"),
            cited=cited,
            source_titles={sid: s.title for sid, s in sources.items()},
            channels={tid: ", ".join(e.data.channels) for tid in {t for st in m.stages for step in st.steps for t in step.touchpoints}
                      if (e := catalog.touchpoints.get(tid)) is not None and e.data is not None},
            sources=listed + [s for sid, s in sources.items() if sid in cited and s not in listed],
            score=partial(score, m),
            lanes={**_lanes(m), "kpis": any(x.track.step for x in kpis)},
            grid=canvas(catalog, m),
            kpis=kpis,
            kpis_at=lambda stage, step=None: [x for x in kpis if x.track.stage == stage and x.track.step == step],
            branch_anchor=lambda label: f"stage-{at + 1}" if (at := find_target(m, index, label)) is not None else "",
            actions=views.actions,
            parent=parent,
            parent_stage_anchor=next((f"stage-{i + 1}" for i, s in enumerate(parent.data.stages) if s.name == m.parent_stage), None)
            if parent is not None and parent.data is not None else None,
            owners=_owners(catalog, entry.title, m, stages),
            children=insights.children.get(entry.id, []),
            futures=insights.redesigned_by.get(entry.id, []),
            changes=redesign(catalog, catalog.maps[m.redesigns], entry) if m.redesigns in catalog.maps else None,
            stage_anchor={stage.name: f"stage-{i + 1}" for i, stage in enumerate(m.stages)},
        )
    return FULL_WIDTH + _page("map.md", catalog, paths, entry.path, **context)


def _lanes(m: Map) -> dict[str, bool]:
    """The optional rows of a map's canvas and stage tables that some step fills."""
    steps = [step for stage in m.stages for step in stage.steps]
    return {
        **{lane: any(getattr(s, lane) for s in steps) for lane in ("actions", "thoughts", "feelings", "pain_points", "opportunities")},
        "path": any(s.optional or s.duration or s.branches for s in steps),
        "bright_spots": any(s.bright_spots for s in steps),
        "quotes": any(s.quotes for s in steps),
        "blueprint": any(s.frontstage or s.backstage or s.support for s in steps),
        "extensions": any(s.extensions for s in steps),
    }


def _owners(catalog: Catalog, title: str, m: Map, stages: list[tuple[Stage, float | None, str, list[str]]]) -> dict[str, dict[str, list[str]]]:
    """Who owns what on a map, one entry per team (the map's owner first):
    a reader looks for a team to contact, not for the owner of each row.
    `stages`: each stage with its mean emotion, its owner and its steps'."""
    owned: dict[str, dict[str, list[str]]] = {}

    def add(team: str, kind: str, name: str) -> None:
        owned.setdefault(team, {}).setdefault(kind, []).append(name)

    add(m.owner, "Map", title)
    for stage, _, owner, _ in stages:
        add(owner, "Stages", stage.name)
    for stage, _, _, step_owners in stages:
        for step, team in zip(stage.steps, step_owners, strict=True):
            add(team, "Steps", f"{stage.name} / {step.name}")
    for tid in dict.fromkeys(t for s in m.stages for st in s.steps for t in st.touchpoints):
        touchpoint = catalog.touchpoints.get(tid)
        if touchpoint is not None and touchpoint.data is not None:
            add(touchpoint.data.owner, "Touchpoints", touchpoint.title)
    return owned


def persona_page(insights: Insights, entry: Entry[Any], paths: Paths = Paths()) -> str:
    catalog = insights.catalog
    row = insights.coverage.matrix.get(entry.id, {})
    return _page("persona.md", catalog, paths, entry.path, entry=entry, p=entry.data,
                 problems=catalog.problems(entry.path), by_phase=row, own=insights.maps_of.get(entry.id, []),
                 takes_part=insights.takes_part.get(entry.id, []))


#: A team page lists at most this many maps in each of its listings. A team
#: in more maps gets them all on a page of their own, which search skips:
#: its page stays one a reader scans, and quick to index again under `serve`
#: (Material's search parser walks even the listings it leaves out).
TEAM_MAPS = 25


#: A page that lists steps or actions map by map (a touchpoint's, a
#: system's, a team's full listing) shows at most this many maps; the rest
#: follow on numbered pages (`touchpoints/ID/2/`). A reader pages instead of
#: scrolling past hundreds of rows, and under `serve` an edit renders again
#: only the page that lists the edited map, not every row of the listing.
PAGE_MAPS = 100


@dataclass(frozen=True)
class Pager:
    """One page of a listing cut into pages of `PAGE_MAPS` maps."""

    #: This page's number, from 1.
    number: int
    #: Every page of the listing, in order: the first is the listing's own path.
    paths: tuple[str, ...]
    #: Ids of the maps this page lists.
    maps: frozenset[str]
    #: How many maps the whole listing has.
    total: int

    @property
    def path(self) -> str:
        return self.paths[self.number - 1]

    @property
    def first(self) -> int:
        """The position of this page's first map in the listing, from 1."""
        return (self.number - 1) * PAGE_MAPS + 1

    @property
    def last(self) -> int:
        return min(self.number * PAGE_MAPS, self.total)


def pages_of(path: str, items: Iterable[T], key: Callable[[T], str]) -> list[tuple[Pager, list[T]]]:
    """The pages of a listing of these items (map ids, or references to a
    map's steps; `key` gives an item's map id), each page with its items:
    one page when they fit on one, else `path` first, then `path` without
    `.md` plus `/2.md`, `/3.md`... Maps go to pages in the order they first
    appear."""
    page_of: dict[str, int] = {}
    runs: list[list[T]] = [[]]
    for mid, run in itertools.groupby(items, key=key):
        n = page_of.get(mid)
        if n is None:
            n = page_of[mid] = len(page_of) // PAGE_MAPS
            if n == len(runs):
                runs.append([])
        runs[n] += run
    maps: list[set[str]] = [set() for _ in runs]
    for mid, n in page_of.items():
        maps[n].add(mid)
    paths = tuple(path if n == 1 else f"{path.removesuffix('.md')}/{n}.md" for n in range(1, len(runs) + 1))
    return [(Pager(n, paths, frozenset(maps[n - 1]), len(page_of)), run) for n, run in enumerate(runs, 1)]


@dataclass(frozen=True)
class TeamListings:
    """What a team page lists: its maps, the maps it contributes to, its
    stages and steps (a row per map) and its actions, each cut to its first
    `limit` maps."""

    maps: list[str]
    contributes_to: list[str]
    rows: list[tuple[str, list[Any], list[StepRef]]]
    actions: list[indexes.ActionRef]
    #: Whether any listing was cut.
    cut: bool

    @classmethod
    def of(cls, owned: indexes.Ownership, limit: int = TEAM_MAPS) -> TeamListings:
        """The lists of a team page: the first `limit` maps of each."""
        first = partial(_first_maps, limit=limit)
        rows = _by_map(owned, frozenset(sorted(_row_maps(owned))[:limit]))  # rows come in map id order
        return cls(first(owned.maps), first(owned.contributes_to), rows, first(owned.actions), cut=cls.long(owned, limit))

    @classmethod
    def only(cls, owned: indexes.Ownership, maps: frozenset[str]) -> TeamListings:
        """The lists with the items of these maps only: a page of the full listing."""
        keep = partial(_only_maps, maps=maps)
        return cls(keep(owned.maps), keep(owned.contributes_to), _by_map(owned, maps), keep(owned.actions), cut=False)

    @staticmethod
    def long(owned: indexes.Ownership, limit: int = TEAM_MAPS) -> bool:
        """Whether any listing of the team has more than `limit` maps (without making them)."""
        return any(len(ids) > limit for ids in (set(owned.maps), set(owned.contributes_to), _row_maps(owned), {a.map_id for a in owned.actions}))


def _first_maps(items: list[Any], limit: int) -> list[Any]:
    """The items of the first `limit` maps (items of one map come together)."""
    return _only_maps(items, frozenset(list(dict.fromkeys(map(_map_id, items)))[:limit]))


def _only_maps(items: list[Any], maps: frozenset[str]) -> list[Any]:
    return [item for item in items if _map_id(item) in maps]


def _involved(owned: indexes.Ownership) -> list[str]:
    """Ids of every map a team owns or has a part in, in id order: the order its full listing is paged in."""
    return sorted({*owned.maps, *owned.contributes_to, *_row_maps(owned), *(ref.map_id for ref in owned.actions)})


def _row_maps(owned: indexes.Ownership) -> set[str]:
    """Ids of the maps in which a team owns stages or steps: the rows of its stages-and-steps listing (`_by_map`)."""
    return {mid for mid, _ in owned.stages} | {ref.map_id for ref in owned.steps}


def team_page(insights: Insights, entry: Entry[Any], paths: Paths = Paths(), parts: Parts = Parts()) -> str:
    catalog = insights.catalog
    owned = insights.ownership.get(entry.id, indexes.Ownership())
    lists = TeamListings.of(owned)
    return _page("team.md", catalog, paths, entry.path, parts, entry=entry, t=entry.data, problems=catalog.problems(entry.path),
                 owned=owned, lists=lists, freshness=insights.freshness, limit=TEAM_MAPS,
                 listing=paths.team_listing(entry.id) if lists.cut else None)


def _team_inputs(insights: Insights, shared: tuple[Any, ...], e: Entry[Any], involved: list[str] | None = None) -> Any:
    """What a team's pages show: the team and every map that involves it
    (or, for a page of its full listing, the maps of that page)."""
    catalog = insights.catalog
    if involved is None:
        involved = _involved(insights.ownership.get(e.id, indexes.Ownership()))
    return (shared, e, catalog.problems(e.path), [catalog.maps[mid] for mid in involved])


def _by_map(owned: indexes.Ownership, maps: frozenset[str]) -> list[tuple[str, list[Any], list[StepRef]]]:
    """The stages and steps a team owns in `maps`, one row per map, in map
    order: only the rows a page shows. Under `serve` an edit renders one
    page of a listing, and grouping all of a team's maps there made about
    25,000 of the 60,000 objects a rebuild left to the garbage collector's
    oldest generation (which sets off its full collections)."""
    rows: dict[str, tuple[str, list[Any], list[StepRef]]] = {}
    for mid, stage in owned.stages:
        if mid in maps:
            rows.setdefault(mid, (mid, [], []))[1].append(stage)
    for ref in owned.steps:
        if ref.map_id in maps:
            rows.setdefault(ref.map_id, (ref.map_id, [], []))[2].append(ref)
    return [rows[mid] for mid in sorted(rows)]


@dataclass(frozen=True)
class Job:
    """A page to render: where it goes, what it shows (the inputs a memo
    compares) and how to render it. An entry page (a file of the author's)
    carries its entry's title; a page the site derives has none.

    Inputs are computed only when a memo asks: a one-off build compares
    none, so it needs neither them nor the views they come from."""

    path: str
    inputs: Callable[[], Any]
    render: Callable[[], str]
    title: str | None = None
    #: Reached from another page only, never listed in navigation (a
    #: team's full listing, the second and later pages of a listing).
    hidden: bool = False


def rendered(jobs: Iterable[Job], memo: PageMemo | None = None) -> Iterator[tuple[str, str]]:
    """Each job's path and page, rendered as it is asked for, so that a large
    site is never in memory whole; with a `memo`, a page is rendered again
    only when its inputs changed."""
    if memo is None:
        return ((j.path, j.render()) for j in jobs)
    return ((j.path, memo.value(j.path, j.inputs(), j.render)) for j in jobs)


def entry_jobs(
    insights: Insights, paths: Paths = Paths(), edits: Mapping[str, Edit] = {}, memo: PageMemo | None = None,
) -> list[Job]:
    """Every map, persona and team page.

    Their inputs: a map page shows its own entry, its parent and
    micro-journeys (and, like every page, the shared names of teams,
    personas and touchpoints); a persona page the maps of that persona; a
    team page the maps that involve the team. `memo` keeps the rows of team
    pages, if it keeps parts.
    """
    catalog = insights.catalog
    memo = memo if memo is not None else PageMemo()
    shared = memo.shared(_shared(catalog, paths))
    parts = Parts(memo, shared, catalog.maps, edits)

    def map_inputs(e: Entry[Map]) -> Any:
        m = e.data
        related = (catalog.maps.get(m.parent or ""), tuple(insights.children.get(e.id, ())),
                   catalog.maps.get(m.redesigns or ""), tuple(insights.redesigned_by.get(e.id, ()))) if m else ()
        return (shared, e, edits.get(e.path), catalog.problems(e.path), related, catalog.readings.get(e.id))

    def persona_inputs(e: Entry[Any]) -> Any:
        related = [catalog.maps[mid] for mid in [*insights.maps_of.get(e.id, []), *insights.takes_part.get(e.id, [])]]
        return (shared, e, catalog.problems(e.path), related)

    return [
        *(Job(e.path, partial(map_inputs, e), partial(map_page, insights, e, paths, edits.get(e.path)), e.title) for e in catalog.maps.values()),
        *(Job(e.path, partial(persona_inputs, e), partial(persona_page, insights, e, paths), e.title) for e in catalog.personas.values()),
        *(Job(e.path, partial(_team_inputs, insights, shared, e), partial(team_page, insights, e, paths, parts), e.title)
          for e in catalog.teams.values()),
    ]


def generated_jobs(
    insights: Insights, paths: Paths = Paths(), skip: Iterable[str] = (), edits: Mapping[str, Edit] = {},
    memo: PageMemo | None = None,
) -> list[Job]:
    """Every page the site derives, and `maps.json`, except those whose path
    is in `skip` (an author's own page of that name wins). Their inputs, as
    in `entry_jobs`: a touchpoint page shows the maps that use it, the other
    pages every map."""
    catalog = insights.catalog
    memo = memo if memo is not None else PageMemo()
    shared = memo.shared(_shared(catalog, paths))
    parts = Parts(memo, shared, catalog.maps, edits)

    def everything() -> tuple[Any, ...]:
        return _everything(shared, catalog)

    def board() -> dict[str, Any]:
        actions = insights.actions
        still = [a for a in actions if a.action.status in OPEN]
        # The open actions by quadrant, then those done or dropped: each a section, when it has any.
        sections = [(title, [a for a in still if a.quadrant == q]) for q, title in QUADRANTS.items()]
        sections.append(("Done and dropped", [a for a in actions if a.action.status not in OPEN]))
        return {"sections": [(title, sorted(items, key=lambda a: STATUSES.index(a.action.status))) for title, items in sections if items],
                "grid": Counter((a.action.effort, a.action.impact) for a in still),
                "status_counts": Counter(a.action.status for a in actions), "statuses": STATUSES}

    #: A step's row on the pages of its touchpoints, rendered once for all:
    #: the first pages are siblings (`Paths.touchpoint`), and so are the
    #: later ones, so their links are the same.
    rows: dict[tuple[int, bool], Markup] = {}

    def step_row(use: StepRef, later: bool, caller: Callable[[], Markup]) -> Markup:
        """`{% call step_row(use) %}row{% endcall %}`: the row, rendered once."""
        key = id(use), later  # the step refs live as long as `insights`
        row = rows.get(key)
        if row is None:
            row = rows[key] = caller()
        return row

    def touchpoint(tid: str, pager: Pager, uses: list[StepRef]) -> tuple[Any, dict[str, Any]]:
        use = insights.touchpoint_usage[tid]
        users = [catalog.maps[mid] for mid in dict.fromkeys(u.map_id for u in uses)]
        # The summary above the table counts every use, on every page.
        return ((shared, tid, users, pager, len(use.uses), use.mean_emotion),
                {"tid": tid, "tp": catalog.touchpoints[tid], "use": use, "uses": uses, "pager": pager,
                 "step_row": partial(step_row, later=pager.number > 1)})

    def team_listing(e: Entry[Any], pager: Pager, involved: list[str]) -> tuple[Any, dict[str, Any]]:
        owned = insights.ownership.get(e.id, indexes.Ownership())
        # `listings` makes the lists when the page is rendered, not when the memo only compares inputs.
        return ((_team_inputs(insights, shared, e, involved), pager),
                {"entry": e, "owned": owned, "listings": lambda: TeamListings.only(owned, pager.maps),
                 "freshness": insights.freshness, "pager": pager})

    def system(sid: str, pager: Pager, uses: list[StepRef]) -> tuple[Any, dict[str, Any]]:
        every = insights.system_usage.get(sid, [])
        users = [catalog.maps[mid] for mid in dict.fromkeys(u.map_id for u in uses)]
        return ((shared, sid, catalog.systems[sid], users, pager, len(every)),
                {"sid": sid, "system": catalog.systems[sid], "uses": uses, "pager": pager,
                 "steps": len(every), "in_maps": pager.total})

    def paged(path: str, template: str, items: Iterable[T], key: Callable[[T], str], spec: Callable[..., tuple[Any, dict[str, Any]]],
              *args: Any, hidden: bool = False) -> Iterator[tuple[str, str, Callable[[], tuple[Any, dict[str, Any]]], bool]]:
        """Each page of a listing (see `pages_of`), as `specs` has them; the pages after the first are hidden."""
        for pager, run in pages_of(path, items, key):
            yield pager.path, template, partial(spec, *args, pager, run), hidden or pager.number > 1

    #: (path, template, its inputs and context): computed once, when first asked for.
    single: list[tuple[str, str, Callable[[], tuple[Any, dict[str, Any]]]]] = [
        (paths.maps_index, "maps_index.md", lambda: (everything(), {
            "rows": [(mid, e, insights.freshness.get(mid)) for mid, e in sorted(catalog.maps.items(), key=lambda item: (item[1].title.lower(), item[0]))],
            "coverage_of": lambda m: percent(evidence_coverage(m))})),
        (paths.personas_index, "personas_index.md", lambda: (everything(), {"maps_of": insights.maps_of, "groups": [
            ("Customers", [(pid, e) for pid, e in sorted(catalog.personas.items()) if catalog.is_customer(pid)]),
            ("Employees and partners", [(pid, e) for pid, e in sorted(catalog.personas.items()) if not catalog.is_customer(pid)])]})),
        (paths.teams_index, "teams_index.md", lambda: (everything(), {"owned": insights.ownership})),
        (paths.touchpoints_index, "touchpoints_index.md", lambda: (everything(), {
            "usage": insights.touchpoint_usage, "problems": catalog.problems(paths.settings.touchpoints_file),
            # Where customers feel worst first; unmeasured and unused last, then by name.
            "order": sorted(insights.touchpoint_usage, key=lambda tid: (
                (m := insights.touchpoint_usage[tid].mean_emotion) is None, m or 0, catalog.touchpoints[tid].title.lower(), tid))})),
        (paths.glance, "glance.md", lambda: (everything(), {"g": glance(insights)})),
        (paths.coverage, "coverage.md", lambda: (everything(), {"coverage": insights.coverage})),
        (paths.freshness, "freshness.md", lambda: ((everything(), dict(edits)), {
            "rows": indexes.maps_by_urgency(catalog, insights.freshness), "broken": [e for e in catalog.maps.values() if e.data is None], "edits": edits,
            "g": glance(insights)})),
        (paths.actions, "actions.md", lambda: (everything(), board())),
        (paths.evidence, "evidence.md", lambda: (everything(), {
            "rows": [(mid, m, percent(evidence_coverage(m))) for mid, m in catalog.valid_maps()]})),
        (paths.wins, "wins.md", lambda: (everything(), {"wins": indexes.wins(catalog)})),
        (paths.tags, "tags.md", lambda: (everything(), {})),
    ]
    if catalog.metrics:  # a site without metrics.yml keeps the pages it had
        single.append((paths.metrics, "metrics.md", lambda: (everything(), {
            "by_metric": by_metric(catalog), "problems": catalog.problems(paths.settings.metrics_file)})))
    if catalog.systems:
        single.append((paths.systems_index, "systems_index.md", lambda: (everything(), {
            "usage": insights.system_usage, "problems": catalog.problems(paths.settings.systems_file)})))
    #: The same, and whether the page is hidden: listings come in pages.
    specs = [(path, template, spec, False) for path, template, spec in single]
    specs += [page for tid in sorted(catalog.touchpoints)
              for page in paged(paths.touchpoint(tid), "touchpoint.md", insights.touchpoint_usage[tid].uses, STEP_MAP, touchpoint, tid)]
    specs += [page for tid, e in sorted(catalog.teams.items()) if TeamListings.long(owned := insights.ownership.get(tid, indexes.Ownership()))
              for page in paged(paths.team_listing(tid), "team_listing.md", _involved(owned), str, team_listing, e, hidden=True)]
    specs += [page for sid in sorted(catalog.systems)
              for page in paged(paths.system(sid), "system.md", insights.system_usage.get(sid, []), STEP_MAP, system, sid)]

    def page(template: str, path: str, spec: Callable[[], tuple[Any, dict[str, Any]]], parts: Parts = parts) -> str:
        return (WIDE if template in WIDE_PAGES else LISTING) + _page(template, catalog, paths, path, parts, **spec()[1])

    jobs: list[Job] = []
    for path, template, spec, hidden in specs:
        if path not in skip:
            once = cache(spec)  # inputs and context from one call
            jobs.append(Job(path, partial(_inputs, once), partial(page, template, path, once), hidden=hidden))
    if paths.data not in skip:
        jobs.append(Job(paths.data, everything, lambda: catalog_json(insights, memo)))
    if paths.feed not in skip:
        jobs.append(Job(paths.feed, lambda: (everything(), dict(edits)),
                        lambda: atom(insights, edits, paths.site_name, paths.site_url, paths.directory_urls)))
    return jobs


def _inputs(spec: Callable[[], tuple[Any, dict[str, Any]]]) -> Any:
    return spec()[0]


def catalog_json(insights: Insights, memo: PageMemo | None = None) -> str:
    """The whole model, with derived figures, for other tools: one line of
    JSON (an indented dump of 1,000 maps took longer than the rest of it)."""
    catalog = insights.catalog
    memo = memo if memo is not None else PageMemo()

    def entries(items: dict[str, Entry[Any]]) -> dict[str, Any]:
        return {i: e.data.model_dump(mode="json") if e.data else None for i, e in sorted(items.items())}

    def _encode_map(mid: str, entry: Entry[Map]) -> str:
        return _encode(map_json(mid, entry))

    def map_json(mid: str, entry: Entry[Map]) -> dict[str, Any] | None:
        m = entry.data
        if m is None:
            return None
        f = insights.freshness[mid]
        derived = {
            "freshness": f.state,
            "next_review": f.next_review.isoformat() if f.next_review else None,
            "evidence_coverage": round(evidence_coverage(m), 4),
            "stage_emotion": {s.name: round(mean, 3) if mean is not None else None for s, mean in stage_emotions(m)},
            "kpis": [_kpi_json(x) for x in measures(catalog, mid)],
        }
        return {**m.model_dump(mode="json"), "derived": derived}

    maps = (
        (mid, memo.part(Paths.data, mid, (entry, catalog.today, catalog.settings, catalog.readings.get(mid), tuple(catalog.metrics.values())),
                        partial(_encode_map, mid, entry)))
        for mid, entry in catalog.maps.items()
    )
    usage = insights.touchpoint_usage
    data = {
        "build_date": catalog.today.isoformat(),
        "personas": entries(catalog.personas),
        "teams": entries(catalog.teams),
        "touchpoints": entries(catalog.touchpoints),
        "systems": entries(catalog.systems),
        "metrics": entries(catalog.metrics),
        "kpis": [_kpi_json(x) for x in measures(catalog, None)],
        "touchpoint_mean_emotion": {t: u.mean_emotion for t, u in usage.items()},
        "errors": [d.format() for d in catalog.errors],
    }
    return _object([("maps", _object(maps)), *((key, _encode(value)) for key, value in data.items())]) + "\n"


def _kpi_json(x: Measure) -> dict[str, Any]:
    """A KPI where it is measured, with every measurement and where each was written."""
    t = x.track
    return {"metric": t.metric, "stage": t.stage, "step": t.step, "target": t.target,
            "baseline": t.baseline.model_dump(mode="json") if t.baseline else None,
            "values": [{"date": p.date.isoformat(), "value": p.value, "source": p.source} for p in t.points],
            "change": t.change, "improving": x.improving, "on_target": x.on_target, "stale": x.stale}


def _encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _object(members: Iterable[tuple[str, str]]) -> str:
    """A JSON object, keys sorted, from members already encoded: each map
    is encoded once and kept in the memo (encoding them all again was most
    of writing `maps.json` after an edit)."""
    return "{" + ", ".join(f"{_encode(key)}: {value}" for key, value in sorted(members)) + "}"
