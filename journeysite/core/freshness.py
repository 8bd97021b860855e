"""How current a map is: a pure function of the map, its cadence and a date.

An edit is not a validation: only `validation.last_validated` counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from journeysite.core.model import Map

State = Literal["fresh", "due", "overdue", "unvalidated"]
#: Most urgent first: the order of dashboards.
URGENCY: tuple[State, ...] = ("overdue", "unvalidated", "due", "fresh")
#: How a label names each state before its detail.
_STATE_WORDS: dict[State, str] = {"overdue": "review overdue ", "unvalidated": "never validated: ", "due": "review due ", "fresh": "fresh: "}


@dataclass(frozen=True)
class Freshness:
    state: State
    last_validated: dt.date | None
    review_every: int
    next_review: dt.date | None
    #: Days until the next review; negative when overdue; None if never validated.
    days_left: int | None

    @property
    def label(self) -> str:
        return f"{_STATE_WORDS[self.state]}{self.detail}"

    @property
    def detail(self) -> str:
        """The label without the state, for beside a badge that names it."""
        if self.state == "unvalidated" or self.days_left is None:
            return "based on assumptions"
        if self.state == "overdue":
            return f"by {-self.days_left} days"
        return f"in {self.days_left} days" if self.state == "due" else f"next review in {self.days_left} days"


def freshness(m: Map, today: dt.date, review_every: int, due_window: int) -> Freshness:
    """fresh, due (inside `due_window` days of the review date), overdue or unvalidated."""
    every = m.review_every or review_every
    if m.validation is None:
        return Freshness("unvalidated", None, every, None, None)
    last = m.validation.last_validated
    next_review = last + dt.timedelta(days=every)
    days_left = (next_review - today).days
    state: State = "overdue" if days_left < 0 else "due" if days_left <= due_window else "fresh"
    return Freshness(state, last, every, next_review, days_left)
