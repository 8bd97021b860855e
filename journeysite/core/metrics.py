"""Per-map figures: evidence coverage, emotion per stage, lowest moments."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from journeysite.core.model import Map, Stage, Step


@dataclass(frozen=True)
class Moment:
    stage: Stage
    step: Step


def evidence_coverage(m: Map) -> float:
    """Share of steps (0..1) that cite at least one source."""
    steps = [step for stage in m.stages for step in stage.steps]
    return sum(1 for s in steps if s.evidence) / len(steps)


def stage_emotions(m: Map) -> list[tuple[Stage, float]]:
    """Each stage with the mean emotion of its steps, in customer order."""
    return [(stage, fmean(s.emotion for s in stage.steps)) for stage in m.stages]


def lowest_moments(m: Map) -> list[Moment]:
    """Every step at the map's lowest emotion score, in customer order."""
    low = min(step.emotion for stage in m.stages for step in stage.steps)
    return [Moment(stage, step) for stage in m.stages for step in stage.steps if step.emotion == low]


def percent(share: float) -> str:
    return f"{round(share * 100)} %"
