"""KPIs where they are measured: a metric on a map, a stage or a step (or
organisation-wide), with its measurements from the map and from CSV files.

A map's `kpis` entry and the CSV rows that name the same metric and place
are one track; a CSV row at a place the map declares no KPI for starts a
track of its own (with no target), so exported data shows where it belongs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from journeysite.core.measurements import Reading
from journeysite.core.model import Better, Kpi, Map, Measurement, Stage, Step


@dataclass(frozen=True)
class Point:
    """One measurement, with the file (and line) it was written in."""

    date: dt.date
    value: int | float
    source: str


@dataclass(frozen=True)
class Track:
    """A metric measured at one place."""

    metric: str
    #: The stage and step names (None: the map itself, or no map).
    stage: str | None
    step: str | None
    target: int | float | None
    baseline: Measurement | None
    #: Measurements, oldest first.
    points: tuple[Point, ...]
    #: The declaration's extension fields (`x-...`).
    extensions: Mapping[str, Any] = field(default_factory=dict)

    @property
    def place(self) -> str:
        """"Stage / Step", "Stage", or "" for the whole map."""
        return f"{self.stage} / {self.step}" if self.step else self.stage or ""

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def previous(self) -> Point | Measurement | None:
        """What the latest value is compared with: the measurement before
        it, else the baseline."""
        return self.points[-2] if len(self.points) > 1 else self.baseline if self.points else None

    @property
    def change(self) -> int | float | None:
        """The latest value minus the one before it (None: nothing to compare)."""
        latest, previous = self.latest, self.previous
        return None if latest is None or previous is None else latest.value - previous.value

    def improving(self, better: Better) -> bool | None:
        """Whether the latest change went the better way (None: no change, or
        nothing to compare)."""
        change = self.change
        return None if not change else (change > 0) == (better == "higher")

    def on_target(self, better: Better) -> bool | None:
        """Whether the latest value meets the target (None: no target or no value)."""
        latest = self.latest
        if latest is None or self.target is None:
            return None
        return latest.value >= self.target if better == "higher" else latest.value <= self.target

    def stale(self, today: dt.date, days: int) -> bool:
        """Whether the latest measurement is older than `days` (the map's
        review cadence): a figure that old no longer says how things are."""
        latest = self.latest
        return latest is not None and (today - latest.date).days > days


@dataclass(frozen=True)
class Places:
    """The stages and steps of a map as measurement rows name them: spacing
    around a name does not count, and of two stages with one name (an error
    of its own, JS116) the first counts. `order` is each place's (stage,
    step) position on the page, the step -1 for the stage itself."""

    stages: dict[str, Stage]
    steps: dict[tuple[str, str], Step]
    order: dict[tuple[str, str], tuple[int, int]]

    @classmethod
    def of(cls, m: Map | None) -> Places:
        stages: dict[str, Stage] = {}
        steps: dict[tuple[str, str], Step] = {}
        order: dict[tuple[str, str], tuple[int, int]] = {}
        for i, stage in enumerate(m.stages if m is not None else ()):
            name = stage.name.strip()
            if name in stages:
                continue
            stages[name] = stage
            order[name, ""] = (i, -1)
            for j, step in enumerate(stage.steps):
                steps.setdefault((name, step.name.strip()), step)
                order.setdefault((name, step.name.strip()), (i, j))
        return cls(stages, steps, order)

    def stage(self, name: str) -> Stage | None:
        return self.stages.get(name.strip())

    def step(self, stage: str, step: str) -> Step | None:
        return self.steps.get((stage.strip(), step.strip()))


def tracks(m: Map | None, path: str, readings: Iterable[Reading]) -> tuple[list[Track], list[tuple[Reading, Point]]]:
    """The KPIs of map `m` (written in `path`; None: the organisation-wide
    measurements) merged with `readings`, which are this map's, in page
    order; and each reading that contradicts a value of the same day (the
    first value written is kept)."""
    places: dict[tuple[str, str, str], tuple[str | None, str | None, Kpi | None, dict[dt.date, Point]]] = {}
    named = Places.of(m)
    if m is not None:
        for _, at_stage, at_step, kpis in m.kpi_places():
            stage_name, step_name = (at_stage.name if at_stage else None), (at_step.name if at_step else None)
            for kpi in kpis:
                key = (kpi.metric, (stage_name or "").strip(), (step_name or "").strip())
                points = {v.date: Point(v.date, v.value, path) for v in kpi.values}
                places.setdefault(key, (stage_name, step_name, kpi, points))
    conflicts: list[tuple[Reading, Point]] = []
    for reading in readings:
        stage_key, step_key = (reading.stage or "").strip(), (reading.step or "").strip()
        stage, step = named.stages.get(stage_key), named.steps.get((stage_key, step_key))
        if m is not None and ((stage_key and stage is None) or (step_key and step is None)):
            continue  # no such place: reported by the catalog
        key = (reading.metric, stage_key, step_key)
        if key not in places:
            places[key] = (stage.name if stage else reading.stage, step.name if step else reading.step, None, {})
        points = places[key][3]
        point = Point(reading.date, reading.value, reading.where)
        known = points.setdefault(reading.date, point)
        if known.value != reading.value:
            conflicts.append((reading, known))
    keys = sorted(places, key=lambda k: named.order.get((k[1], k[2]), (-1, -1)))  # page order: the map, then stages and steps
    found = [Track(metric, stage, step, kpi.target if kpi else None, kpi.baseline if kpi else None,
                   tuple(sorted(points.values(), key=lambda p: p.date)), kpi.extensions if kpi else {})
             for metric, stage_key, step_key in keys for stage, step, kpi, points in [places[metric, stage_key, step_key]]]
    return found, conflicts


def number(value: int | float) -> str:
    """A value as people write it: 72, 71.5, 1,250, 0.35."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) >= 1 else f"{value:.3g}"
    return f"{int(value):,}"


def amount(value: int | float, unit: str) -> str:
    """A value with its unit: "79 %", "72 s"."""
    return f"{number(value)} {unit}"
