"""The state of the knowledge base in a few numbers, for a manager's glance.

A map is worth keeping only when it is current, evidenced and acted on; these
figures say at once how far the whole knowledge base is from that.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from journeysite.core.indexes import Insights
from journeysite.core.model import OPEN


@dataclass(frozen=True)
class Glance:
    maps: int
    #: Maps by freshness state: fresh, due, overdue, unvalidated.
    freshness: dict[str, int]
    #: Share (0..1) of all steps that cite a source; None without steps.
    evidence: float | None
    open_actions: int
    quick_wins: int
    late_actions: int
    #: Ids of high-value customer personas without any map.
    unmapped: tuple[str, ...]


def glance(insights: Insights) -> Glance:
    catalog = insights.catalog
    valid = list(catalog.valid_maps())
    steps = [step for _, m in valid for stage in m.stages for step in stage.steps]
    evidenced = sum(1 for step in steps if step.evidence)
    open_actions = [a for a in insights.actions if a.action.status in OPEN]
    counts = Counter(f.state for f in insights.freshness.values())
    return Glance(
        maps=len(valid),
        freshness={state: counts.get(state, 0) for state in ("fresh", "due", "overdue", "unvalidated")},
        evidence=evidenced / len(steps) if steps else None,
        open_actions=len(open_actions),
        quick_wins=sum(1 for a in open_actions if a.quadrant == "quick-win"),
        late_actions=sum(1 for a in open_actions if a.late),
        unmapped=tuple(insights.coverage.uncovered_high_value),
    )
