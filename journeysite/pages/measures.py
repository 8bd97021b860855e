"""How a KPI reads on a page: latest value against target, trend, staleness.

The figures come from `core.kpis`; this turns one track into the words,
signs and sparkline that map pages and the metrics page show alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from journeysite.core.catalog import Catalog
from journeysite.core.kpis import Track, amount
from journeysite.core.model import Better

#: Sparkline size in CSS pixels.
SPARK_WIDTH, SPARK_HEIGHT = 96, 24


@dataclass(frozen=True)
class Measure:
    """One track as a page shows it."""

    track: Track
    map_id: str | None
    metric_id: str
    #: The anchor of its stage on the map page ("" for the whole map).
    anchor: str
    #: The metric's name (its id when metrics.yml does not define it).
    name: str
    known: bool
    better: Better | None
    latest: str | None
    latest_date: dt.date | None
    target: str | None
    baseline: str | None
    #: What is left to reach the target ("6 %" to go), or "" when met or unknown.
    to_go: str
    on_target: bool | None
    #: The latest change, signed ("+3 %"), and the date it is counted from.
    change: str | None
    since: dt.date | None
    #: ▲, ▼ or = for the latest change (a character reference: see `render.py`).
    arrow: str
    improving: bool | None
    stale: bool
    #: Days after which a measurement is stale.
    stale_after: int
    #: SVG polyline points of the values (oldest first), and the target's height.
    spark: str
    spark_target: float | None


def measure(catalog: Catalog, track: Track, map_id: str | None) -> Measure:
    entry = catalog.metrics.get(track.metric)
    metric = entry.data if entry is not None else None
    unit = metric.unit if metric else ""
    better = metric.better if metric else None
    latest, previous, change = track.latest, track.previous, track.change
    entry_map = catalog.maps.get(map_id) if map_id else None
    m = entry_map.data if entry_map is not None else None
    days = catalog.review_days(m) if m is not None else catalog.settings.review_every
    anchor = next((f"stage-{i + 1}" for i, s in enumerate(m.stages) if s.name == track.stage), "") if m is not None else ""
    gap = None if latest is None or track.target is None else track.target - latest.value
    on_target = track.on_target(better) if better else None
    spark, spark_target = _spark(track)
    return Measure(
        track=track, map_id=map_id, metric_id=track.metric, anchor=anchor, name=entry.title if entry else track.metric, known=metric is not None, better=better,
        latest=amount(latest.value, unit) if latest else None, latest_date=latest.date if latest else None,
        target=amount(track.target, unit) if track.target is not None else None,
        baseline=f"{amount(track.baseline.value, unit)} on {track.baseline.date.isoformat()}" if track.baseline else None,
        to_go=amount(abs(gap), unit) if gap is not None and on_target is False else "", on_target=on_target,
        change=("+" if change > 0 else "") + amount(change, unit) if change is not None else None,
        since=previous.date if previous is not None else None,
        arrow="" if change is None else Markup("&#x25B2;") if change > 0 else Markup("&#x25BC;") if change < 0 else "=",
        improving=track.improving(better) if better else None,
        stale=track.stale(catalog.today, days), stale_after=days, spark=spark, spark_target=spark_target,
    )


def _spark(track: Track) -> tuple[str, float | None]:
    """A sparkline of the baseline and every value, scaled to include the
    target: two points at least, else none."""
    values = ([track.baseline.value] if track.baseline and (not track.points or track.baseline.date < track.points[0].date) else [])
    values += [p.value for p in track.points]
    if len(values) < 2:
        return "", None
    scale = [*values, *([track.target] if track.target is not None else [])]
    low, high = min(scale), max(scale)
    span = (high - low) or 1

    def y(value: float) -> float:
        return round(SPARK_HEIGHT - 2 - (value - low) / span * (SPARK_HEIGHT - 4), 1)

    step = (SPARK_WIDTH - 4) / (len(values) - 1)
    points = " ".join(f"{round(2 + i * step, 1)},{y(v)}" for i, v in enumerate(values))
    return points, y(track.target) if track.target is not None else None


def measures(catalog: Catalog, map_id: str | None) -> list[Measure]:
    """The KPIs of a map (None: organisation-wide) as its page shows them."""
    return [measure(catalog, track, map_id) for track in catalog.kpis(map_id)]


def by_metric(catalog: Catalog) -> dict[str, list[Measure]]:
    """Every place each metric is measured, for the metrics page: metrics
    of `metrics.yml` in the order of their names, each with its maps' KPIs
    (in map order) and then its organisation-wide measurements."""
    found: dict[str, list[Measure]] = {mid: [] for mid, _ in sorted(catalog.metrics.items(), key=lambda item: item[1].title.lower())}
    for mid, _ in sorted(catalog.valid_maps(), key=lambda item: item[0]):
        for m in measures(catalog, mid):
            found.setdefault(m.metric_id, []).append(m)
    for m in measures(catalog, None):
        found.setdefault(m.metric_id, []).append(m)
    return {metric: rows for metric, rows in found.items() if metric in catalog.metrics}

