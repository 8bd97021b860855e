"""What is late, by owning team: the reminders that keep maps alive.

Maps are only worth keeping when they are current, so each team hears about
its own maps whose validation is due, overdue or missing, and the late
actions and stale KPI measurements on them. Pure: a catalog in, reminders out.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeysite.core.catalog import Catalog
from journeysite.core.freshness import URGENCY, Freshness
from journeysite.core.indexes import ActionRef, Insights
from journeysite.core.kpis import Track
from journeysite.core.model import Entry, Map

#: Freshness states a team is reminded of.
REMINDED = ("overdue", "unvalidated", "due")


@dataclass(frozen=True)
class MapDue:
    entry: Entry[Map]
    freshness: Freshness
    #: Actions on the map past their due date, neither done nor dropped.
    late: tuple[ActionRef, ...]
    #: KPIs whose latest value is older than the map's review cadence.
    stale: tuple[Track, ...] = ()


@dataclass(frozen=True)
class TeamDue:
    team: str
    #: The team's name, or its id when no team file has it.
    name: str
    contact: str | None
    maps: tuple[MapDue, ...]


def due(catalog: Catalog, insights: Insights | None = None) -> list[TeamDue]:
    """Each team with maps to review, or late actions or stale KPIs on its
    maps, most urgent map first; teams by name."""
    insights = insights or Insights(catalog)
    late: dict[str, list[ActionRef]] = {}
    for ref in insights.actions:
        if ref.late:
            late.setdefault(ref.map_id, []).append(ref)
    teams: dict[str, list[MapDue]] = {}
    for mid, entry in catalog.maps.items():
        f = insights.freshness.get(mid)
        if entry.data is None or f is None:
            continue
        days = catalog.review_days(entry.data)
        stale = tuple(t for t in catalog.kpis(mid) if t.stale(catalog.today, days))
        if f.state in REMINDED or mid in late or stale:
            teams.setdefault(entry.data.owner, []).append(MapDue(entry, f, tuple(late.get(mid, ())), stale))
    out = []
    for tid, maps in teams.items():
        team = catalog.teams.get(tid)
        maps.sort(key=lambda d: (URGENCY.index(d.freshness.state), d.freshness.days_left or 0, d.entry.id))
        out.append(TeamDue(tid, team.title if team else tid, team.data.contact if team and team.data else None, tuple(maps)))
    return sorted(out, key=lambda t: (t.name.lower(), t.team))
