"""The map canvas: the whole journey as one grid, stages as column groups and
steps as columns, with the emotion curve drawn over the step columns.

What journey-mapping tools show first. The curve is computed here, in the
units of an SVG whose width is one unit per step column, so it lines up
with the grid at any zoom; the scores are also in the grid as text.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeysite.core.catalog import Catalog
from journeysite.core.metrics import score as actor_score
from journeysite.core.model import Map, Stage, Step

#: SVG units: each step column is COLUMN wide; scores 5..1 run from TOP to BOTTOM.
COLUMN, HEIGHT, TOP, BOTTOM = 100, 100, 12, 88


@dataclass(frozen=True)
class Curve:
    """One actor's emotion across the journey."""

    actor: str
    label: str
    #: The map's persona (drawn solid); other actors are dashed.
    primary: bool
    #: Polyline points, one list per run of scored steps: an unscored step is a gap.
    runs: tuple[str, ...]
    #: An SVG path of one zero-length stroke per scored step, which its round
    #: cap draws as a dot: one element for all of them, as a page's size and
    #: its search indexing grow with its elements.
    dots: str


@dataclass(frozen=True)
class Canvas:
    stages: tuple[tuple[Stage, str], ...]
    steps: tuple[tuple[Stage, Step], ...]
    curves: tuple[Curve, ...]

    @property
    def width(self) -> int:
        return len(self.steps) * COLUMN


def _y(score: int) -> float:
    return TOP + (5 - score) / 4 * (BOTTOM - TOP)


def canvas(catalog: Catalog, m: Map) -> Canvas:
    steps = tuple((stage, step) for stage in m.stages for step in stage.steps)
    actors = [m.persona, *m.actors]
    curves = []
    for actor in actors:
        runs: list[list[str]] = [[]]
        dots = []
        for i, (_, step) in enumerate(steps):
            score = actor_score(m, step, actor)
            if score is None:
                if runs[-1]:
                    runs.append([])
                continue
            x, y = f"{i * COLUMN + COLUMN / 2:g}", f"{_y(score):g}"
            runs[-1].append(f"{x},{y}")
            dots.append(f"M{x} {y}h0")
        if dots:
            entry = catalog.personas.get(actor)
            curves.append(Curve(actor, entry.title if entry else actor, actor == m.persona,
                                tuple(" ".join(run) for run in runs if run), "".join(dots)))
    return Canvas(tuple((stage, f"stage-{i + 1}") for i, stage in enumerate(m.stages)), steps, tuple(curves))
