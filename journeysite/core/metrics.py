"""Per-map figures: evidence coverage, emotion per stage, lowest moments.

A step's emotion may be absent (not measured) or given per actor; figures
leave out what was not measured rather than count it as neutral.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from statistics import fmean

from journeysite.core.model import Map, Stage, Step


@dataclass(frozen=True)
class Moment:
    stage: Stage
    step: Step


def score(m: Map, step: Step, actor: str | None = None) -> int | None:
    """The step's emotion for `actor` (default: the map's persona, its
    primary actor, whom a single score is for); None when not measured."""
    actor = actor or m.persona
    emotion = step.emotion
    return emotion.get(actor) if isinstance(emotion, dict) else emotion if actor == m.persona else None


def customer_scores(m: Map, step: Step, is_customer: Callable[[str], bool]) -> list[int]:
    """The step's scores of customers: employee and partner personas never
    count in customer figures."""
    emotion = step.emotion
    if isinstance(emotion, dict):
        return [value for actor, value in emotion.items() if is_customer(actor)]
    return [emotion] if emotion is not None and is_customer(m.persona) else []


def evidence_coverage(m: Map) -> float:
    """Share of steps (0..1) that cite at least one source."""
    steps = [step for stage in m.stages for step in stage.steps]
    return sum(1 for s in steps if s.evidence) / len(steps)


def stage_emotions(m: Map) -> list[tuple[Stage, float | None]]:
    """Each stage with the mean emotion of its measured steps (None: none
    measured), in customer order."""
    out: list[tuple[Stage, float | None]] = []
    for stage in m.stages:
        scores = [s for s in (score(m, step) for step in stage.steps) if s is not None]
        out.append((stage, fmean(scores) if scores else None))
    return out


def lowest_moments(m: Map) -> list[Moment]:
    """Every measured step at the map's lowest emotion score, in customer order."""
    scores = [s for stage in m.stages for step in stage.steps if (s := score(m, step)) is not None]
    if not scores:
        return []
    low = min(scores)
    return [Moment(stage, step) for stage in m.stages for step in stage.steps if score(m, step) == low]


def percent(share: float) -> str:
    return f"{round(share * 100)} %"
