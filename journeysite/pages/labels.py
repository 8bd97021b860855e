"""Words and symbols that every page uses for the same states.

They are the templates' globals, not variables of each render: the macros
in `_badges.md` read them, and a template module that needs nothing from
the page it is imported into is made once, not once per page.
"""

from __future__ import annotations

from markupsafe import Markup

from journeysite.core.freshness import URGENCY
from journeysite.core.model import OPEN, PHASES

EMOTIONS = {1: "very negative", 2: "negative", 3: "neutral", 4: "positive", 5: "very positive"}
FRESHNESS = {
    "fresh": (Markup("&#x2714;"), "Fresh"),
    "due": (Markup("&#x25F7;"), "Review due"),  # a clock face that text fonts have (the emoji alarm clock needs an emoji font)
    "overdue": (Markup("&#x26A0;"), "Review overdue"),
    "unvalidated": ("?", "Never validated"),
}
EDIT_SOURCES = {
    "git": "Date of the last commit that changed the file. An edit is not a validation.",
    "working copy": "Changed since the last commit: the file's modification date. An edit is not a validation.",
    "file": "No git history here: the file's modification date. An edit is not a validation.",
}

GLOBALS = {
    "emotions": EMOTIONS, "freshness_badges": FRESHNESS, "edit_sources": EDIT_SOURCES,
    "phases": PHASES, "open_statuses": OPEN, "urgency": URGENCY,
}
