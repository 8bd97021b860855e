"""New maps, personas and teams from commented skeletons that pass the check.

An author starting a map should see every field the contract offers, with
what it means, and get a file that builds at once: the required values are
asked for (or given as options) and checked against the knowledge base
before anything is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from journeysite.core.catalog import Catalog
from journeysite.core.diagnostics import did_you_mean
from journeysite.core.loader import RESERVED_IDS
from journeysite.core.model import CHANNELS, PHASES, SLUG_PATTERN, Entry
from journeysite.core.settings import Settings
from journeysite.pages.render import render

LEVELS = ("high", "medium", "low")


@dataclass(frozen=True)
class Required:
    """A value the skeleton cannot do without."""

    name: str
    question: str
    #: The allowed values, from the knowledge base or the contract; None for free text.
    choices: Callable[[Catalog], list[str]] | None = None


KINDS: dict[str, tuple[Required, ...]] = {
    "map": (
        Required("title", "Title of the journey, in the customer's words"),
        Required("persona", "Persona (personas/<id>.md)", lambda c: sorted(c.personas)),
        Required("phase", "Lifecycle phase", lambda c: list(PHASES)),
        Required("owner", "Team accountable for the map (teams/<id>.md)", lambda c: sorted(c.teams)),
    ),
    "persona": (
        Required("name", "Name of the persona"),
        Required("value", "Value to the business", lambda c: list(LEVELS)),
    ),
    "team": (Required("name", "Name of the team"),),
    "touchpoint": (
        Required("name", "Name of the touchpoint, as customers know it"),
        Required("channel", "Channel", lambda c: list(CHANNELS)),
        Required("owner", "Team that owns it (teams/<id>.md)", lambda c: sorted(c.teams)),
    ),
}
#: What a required choice is picked from, to say what to create first.
FROM = {"persona": "persona", "owner": "team"}


#: Values that may be given for each kind besides the required ones.
OPTIONAL = {"map": ("parent", "parent_stage"), "persona": ("segment",), "team": ("function", "lead", "contact"), "touchpoint": ()}

#: What each option of `journeysite new` means, for its --help.
OPTION_HELP = {
    "title": "the journey's title, in the customer's words",
    "persona": "the persona's id (personas/ID.md)",
    "phase": "the lifecycle phase: " + ", ".join(PHASES),
    "owner": "the owning team's id (teams/ID.md)",
    "name": "the name people know it by",
    "value": "its value to the business: " + ", ".join(LEVELS),
    "channel": "the channel: " + ", ".join(CHANNELS),
    "parent": "the id of the map this micro-journey zooms into",
    "parent_stage": "the stage of that map it zooms into",
    "segment": "the customer segment it stands for",
    "function": "what the team does",
    "lead": "who leads the team",
    "contact": "where to reach the team: an e-mail address or chat channel",
}


class ScaffoldError(Exception):
    """The new file cannot be written as asked; the message says why."""


def target(kind: str, ident: str, content: Path, settings: Settings, catalog: Catalog) -> Path:
    """Where the new file goes; refuses a bad id or one that is taken."""
    if not re.fullmatch(SLUG_PATTERN, ident):
        raise ScaffoldError(f"'{ident}' is not a valid id: use lower-case letters, digits and hyphens")
    places: dict[str, tuple[str, Mapping[str, Entry[Any]]]] = {
        "map": (settings.maps_dir, catalog.maps),
        "persona": (settings.personas_dir, catalog.personas),
        "team": (settings.teams_dir, catalog.teams),
    }
    if kind == "touchpoint":
        if ident in catalog.touchpoints or ident in RESERVED_IDS:
            raise ScaffoldError(f"touchpoint '{ident}' already exists in {settings.touchpoints_file}" if ident in catalog.touchpoints
                                else f"'{ident}' is reserved for the touchpoints' index page")
        return content / settings.touchpoints_file
    folder, existing = places[kind]
    path = content / folder / f"{ident}.md"
    if ident in existing or path.exists():
        where = existing[ident].path if ident in existing else f"{folder}/{ident}.md"
        raise ScaffoldError(f"{where} already exists: journeysite new never overwrites a file")
    return path


def problem(field: Required, value: str, catalog: Catalog) -> str | None:
    """Why `value` will not do for `field`, or None."""
    if not value.strip():
        return f"{field.name} must not be empty"
    if field.choices is not None:
        allowed = field.choices(catalog)
        if not allowed and field.name in FROM:
            return empty(field)
        if value not in allowed:
            return f"unknown {field.name} '{value}'{did_you_mean(value, allowed)}; one of: {', '.join(allowed) or '(none yet)'}"
    return None


def empty(field: Required) -> str:
    """What to do when the knowledge base has nothing to pick `field` from."""
    kind = FROM[field.name]
    example = "--name 'First-time homeowner' --value high" if kind == "persona" else "--name 'Customer experience'"
    return f"the knowledge base has no {kind} yet: create one first, with `journeysite new {kind} ID {example}`"


def optional_problems(values: Mapping[str, str | None], catalog: Catalog) -> list[str]:
    """Optional references given on the command line must resolve too."""
    found = []
    parent = values.get("parent")
    if parent:
        if parent not in catalog.maps or catalog.maps[parent].data is None:
            found.append(f"unknown parent map '{parent}'{did_you_mean(parent, catalog.maps)}")
        else:
            stages = [s.name for s in catalog.maps[parent].data.stages]  # type: ignore[union-attr]
            stage = values.get("parent_stage")
            if stage and stage not in stages:
                found.append(f"map '{parent}' has no stage '{stage}'{did_you_mean(stage, stages)}")
    elif values.get("parent_stage"):
        found.append("--parent-stage needs --parent")
    return found


def skeleton(kind: str, values: Mapping[str, str | None], today: dt.date, ident: str = "") -> str:
    """The commented file for `kind`, with `values` filled in (a touchpoint:
    the entry to add to the registry)."""
    return render(f"new_{kind}.md", "", v=values, today=today, ident=ident, channels=CHANNELS)
