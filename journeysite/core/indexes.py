"""Cross-map views of a catalog: ownership, touchpoints, coverage, actions, wins.

Pure functions, sorted and deterministic, so generated pages are stable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from journeysite.core.catalog import Catalog
from journeysite.core.freshness import URGENCY, Freshness, freshness
from journeysite.core.metrics import customer_scores
from journeysite.core.model import OPEN, PHASES, Action, Entry, Map, Phase, Stage, Step, Win
from journeysite.core.validate import find_target, step_index


@dataclass(frozen=True)
class StepRef:
    """A step in context: which map and stage it belongs to, its owner, and
    its customers' scores (employees and partners never count)."""

    map_id: str
    map: Map
    stage: Stage
    step: Step
    owner: str
    scores: tuple[int, ...]


@dataclass(frozen=True)
class Target:
    """What an action improves: "Stage" or "Stage / Step", in which stage."""

    label: str
    stage: int


@dataclass(frozen=True)
class ActionRef:
    map_id: str
    map: Map
    action: Action
    quadrant: Quadrant
    #: The stages and steps it improves that exist (none: the whole map).
    targets: tuple[Target, ...]
    #: Past its due date and neither done nor dropped.
    late: bool


@dataclass
class Ownership:
    """Everything one team is accountable for, across all maps."""

    maps: list[str] = field(default_factory=list)
    contributes_to: list[str] = field(default_factory=list)
    stages: list[tuple[str, Stage]] = field(default_factory=list)
    steps: list[StepRef] = field(default_factory=list)
    touchpoints: list[str] = field(default_factory=list)
    actions: list[ActionRef] = field(default_factory=list)


@dataclass(frozen=True)
class TouchpointUse:
    uses: tuple[StepRef, ...]
    #: Customers' scores of those steps (shown on the touchpoint's page, the index and in maps.json).
    scores: tuple[int, ...] = ()

    @cached_property
    def mean_emotion(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None


Quadrant = Literal["quick-win", "big-bet", "fill-in", "thankless", "balanced"]
QUADRANTS: dict[Quadrant, str] = {
    "quick-win": "Quick wins (low effort, high impact)",
    "big-bet": "Big bets (high effort, high impact)",
    "balanced": "Balanced (medium effort or impact)",
    "fill-in": "Fill-ins (low effort, low impact)",
    "thankless": "Reconsider (high effort, low impact)",
}


def quadrant(action: Action) -> Quadrant:
    table: dict[tuple[str, str], Quadrant] = {
        ("low", "high"): "quick-win",
        ("high", "high"): "big-bet",
        ("low", "low"): "fill-in",
        ("high", "low"): "thankless",
    }
    return table.get((action.effort, action.impact), "balanced")


@dataclass(frozen=True)
class MapViews:
    """One map's share of the cross-map views: its stages and steps in
    context (in customer order), its actions and its freshness. It reads
    the map, the touchpoints (owners), the personas (who is a customer),
    the date and the settings, so `mkdocs serve` keeps it while those are
    unchanged (and each rebuild leaves the garbage collector fewer new
    objects)."""

    #: (map id, stage), as a team's ownership lists them.
    stages: tuple[tuple[str, Stage], ...]
    steps: tuple[StepRef, ...]
    actions: tuple[ActionRef, ...]
    freshness: Freshness


def map_views(catalog: Catalog, mid: str, m: Map) -> MapViews:
    steps = tuple(StepRef(mid, m, stage, step, catalog.step_owner(m, stage, step), tuple(customer_scores(m, step, catalog.is_customer)))
                  for stage in m.stages for step in stage.steps)
    index = step_index(m) if m.actions else {}
    actions = []
    for action in m.actions:
        targets = tuple(Target(label, at) for label in action.targets if (at := find_target(m, index, label)) is not None)
        late = action.due is not None and action.due < catalog.today and action.status in OPEN
        actions.append(ActionRef(mid, m, action, quadrant(action), targets, late))
    return MapViews(tuple((mid, stage) for stage in m.stages), steps, tuple(actions), map_freshness(catalog, m))


def map_freshness(catalog: Catalog, m: Map) -> Freshness:
    return freshness(m, catalog.today, catalog.settings.review_every, catalog.settings.due_window)


def ownership(catalog: Catalog, per_map: Mapping[str, tuple[Map, MapViews]]) -> dict[str, Ownership]:
    """Per team id (every team, even one that owns nothing yet), from
    every valid map's views (`Insights.per_map`)."""
    owned: dict[str, Ownership] = {tid: Ownership() for tid in catalog.teams}

    def of(team: str) -> Ownership:
        return owned.setdefault(team, Ownership())

    for mid, (m, views) in per_map.items():
        of(m.owner).maps.append(mid)
        for team in m.contributors:
            of(team).contributes_to.append(mid)
        for pair in views.stages:
            of(catalog.stage_owner(m, pair[1])).stages.append(pair)
        for ref in views.steps:
            of(ref.owner).steps.append(ref)
        for action_ref in views.actions:
            if action_ref.action.team is not None:  # not owned outside the organisation
                of(action_ref.action.team).actions.append(action_ref)
    for tid, entry in catalog.touchpoints.items():
        if entry.data is not None:
            of(entry.data.owner).touchpoints.append(tid)
    urgency = {mid: URGENCY.index(views.freshness.state) for mid, (_, views) in per_map.items()}
    for own in owned.values():
        own.maps.sort(key=lambda mid: (urgency[mid], mid))
    return dict(sorted(owned.items()))


def touchpoint_usage(catalog: Catalog, all_steps: list[StepRef]) -> dict[str, TouchpointUse]:
    """Every touchpoint (known or merely referenced) with the steps that use
    it and their customers' scores, from `Insights.steps`."""
    uses = _steps_naming(catalog.touchpoints, all_steps, lambda step: step.touchpoints)
    return {tid: TouchpointUse(tuple(refs), tuple(s for r in refs for s in r.scores)) for tid, refs in uses.items()}


def system_usage(catalog: Catalog, all_steps: list[StepRef]) -> dict[str, list[StepRef]]:
    """Every system (known or merely referenced) with the steps it supports."""
    return _steps_naming(catalog.systems, all_steps, lambda step: step.support)


def _steps_naming(known: Iterable[str], all_steps: list[StepRef], ids: Callable[[Step], Iterable[str]]) -> dict[str, list[StepRef]]:
    """Each id of a registry (and each id steps name that it lacks) with the
    steps that name it, by id."""
    uses: dict[str, list[StepRef]] = {ident: [] for ident in known}
    for ref in all_steps:
        for ident in dict.fromkeys(ids(ref.step)):
            uses.setdefault(ident, []).append(ref)
    return dict(sorted(uses.items()))


@dataclass(frozen=True)
class Coverage:
    #: persona id -> phase -> ids of the maps for that persona and phase.
    matrix: dict[str, dict[Phase, list[str]]]
    #: High-value personas that have no map at all.
    uncovered_high_value: list[str]


def coverage(catalog: Catalog) -> Coverage:
    """Customer personas by phase (employees and partners are not customers)."""
    matrix: dict[str, dict[Phase, list[str]]] = {pid: {p: [] for p in PHASES} for pid in sorted(catalog.personas) if catalog.is_customer(pid)}
    for mid, m in catalog.valid_maps():
        if m.persona in matrix:
            for phase in dict.fromkeys(m.phases):
                matrix[m.persona][phase].append(mid)
    uncovered = [
        pid for pid, row in matrix.items()
        if not any(row.values()) and (data := catalog.personas[pid].data) is not None and data.value == "high"
    ]
    return Coverage(matrix, uncovered)


def maps_by_urgency(catalog: Catalog, freshness: Mapping[str, Freshness]) -> list[tuple[str, Entry[Map], Freshness]]:
    """Valid maps (the keys of `freshness`, `Insights.freshness`), overdue
    and unvalidated first, then by next review date."""
    rows = [(mid, catalog.maps[mid], f) for mid, f in freshness.items()]
    far = dt.date.max
    return sorted(rows, key=lambda r: (URGENCY.index(r[2].state), r[2].next_review or far, r[0]))


def wins(catalog: Catalog) -> list[tuple[str, Map, Win]]:
    """Every success story, newest first."""
    rows = [(mid, m, w) for mid, m in catalog.valid_maps() for w in m.wins]
    return sorted(rows, key=lambda r: (-r[2].date.toordinal(), r[0], r[2].title))


class Insights:
    """Every cross-map view of one catalog, each computed once, on first use.

    A page shows a slice of these views; computing them per page would make
    a build quadratic in the number of maps.
    """

    def __init__(self, catalog: Catalog, previous: Insights | None = None) -> None:
        """`previous`: the last build's views under `mkdocs serve`, whose
        per-map parts are kept for every map that did not change (when
        nothing else they read did)."""
        self.catalog = catalog
        #: What a map's views read besides the map (see `MapViews`).
        self._reads = (catalog.today, catalog.settings, catalog.touchpoints, catalog.personas)
        # What the last build worked out, if it did (a cached property it read).
        self._kept = vars(previous).get("per_map", {}) if previous is not None and previous._reads == self._reads else {}

    @cached_property
    def per_map(self) -> dict[str, tuple[Map, MapViews]]:
        """Each valid map's views, by id, with the map they were made from."""
        kept, self._kept = self._kept, {}
        views = {}
        for mid, m in self.catalog.valid_maps():
            last = kept.get(mid)
            views[mid] = last if last is not None and last[0] is m else (m, map_views(self.catalog, mid, m))
        return views

    @cached_property
    def steps(self) -> list[StepRef]:
        """Every step of every valid map, in map id then customer order."""
        return [ref for _, views in self.per_map.values() for ref in views.steps]

    @cached_property
    def actions(self) -> list[ActionRef]:
        return [ref for _, views in self.per_map.values() for ref in views.actions]

    @cached_property
    def ownership(self) -> dict[str, Ownership]:
        return ownership(self.catalog, self.per_map)

    @cached_property
    def touchpoint_usage(self) -> dict[str, TouchpointUse]:
        return touchpoint_usage(self.catalog, self.steps)

    @cached_property
    def coverage(self) -> Coverage:
        return coverage(self.catalog)

    @cached_property
    def system_usage(self) -> dict[str, list[StepRef]]:
        return system_usage(self.catalog, self.steps)

    @cached_property
    def redesigned_by(self) -> dict[str, list[Entry[Map]]]:
        """Future-state maps by the id of the current map they redesign."""
        return self._maps_by(lambda m: m.redesigns)

    @cached_property
    def maps_of(self) -> dict[str, list[str]]:
        """Ids of the maps of each persona, whatever its kind."""
        out: dict[str, list[str]] = {}
        for mid, m in self.catalog.valid_maps():
            out.setdefault(m.persona, []).append(mid)
        return out

    @cached_property
    def takes_part(self) -> dict[str, list[str]]:
        """Ids of the maps each persona takes part in as one of their `actors`."""
        out: dict[str, list[str]] = {}
        for mid, m in self.catalog.valid_maps():
            for actor in dict.fromkeys(m.actors):
                out.setdefault(actor, []).append(mid)
        return out

    @cached_property
    def children(self) -> dict[str, list[Entry[Map]]]:
        """Micro-journeys by the id of the map they zoom into."""
        return self._maps_by(lambda m: m.parent)

    def _maps_by(self, key: Callable[[Map], str | None]) -> dict[str, list[Entry[Map]]]:
        """Valid maps grouped by the map id `key` names in each (if any)."""
        out: dict[str, list[Entry[Map]]] = {}
        for entry in self.catalog.maps.values():
            if entry.data is not None and (ident := key(entry.data)):
                out.setdefault(ident, []).append(entry)
        return out

    @cached_property
    def freshness(self) -> dict[str, Freshness]:
        return {mid: views.freshness for mid, (_, views) in self.per_map.items()}
