"""Map -> Mermaid `journey` source, with every user string escaped.

Journey labels end at `:` `;` `#` `%` or a newline, and a line that starts
with a keyword (`section`, `title`, ...) changes meaning. Mermaid decodes
entity codes such as `#58;` inside labels, so every character that could end
or re-interpret a label becomes one; the diagram shows the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from journeysite.core.metrics import score
from journeysite.core.model import Map, Stage, Step

_SPECIAL = re.compile(r"[#:;%\"<>&,`=\\{}\[\]|]")
_KEYWORDS = ("journey", "title", "section", "acctitle", "accdescr", "click", "style", "classdef")
_ACTOR_UNSAFE = re.compile(r"[^\w .'()/+-]")
_NAMED = {"#": "#35;", ":": "#58;", ";": "#59;", "%": "#37;", '"': "#quot;", "<": "#lt;", ">": "#gt;"}
#: Drawn at its natural size (labels stay 14 px; a long journey scrolls inside
#: its frame instead of shrinking to unreadable text and leaving a blank band
#: below), with the gaps between steps and stages kept equal and narrow. The
#: page heading names the map, so the diagram has an accessible title instead
#: of a drawn one; both are constants, with nothing from content in them.
_HEADER = [
    "---", "config:", "  journey:", "    useMaxWidth: false", "    taskMargin: 16", "    diagramMarginX: 16", "---",
    "journey",
    "    accTitle: Journey diagram",
    "    accDescr: Emotion from 1, very negative, to 5, very positive, at each step of each stage",
]


def escape(text: str) -> str:
    """One Mermaid label that renders as `text` and can end nothing early."""
    flat = " ".join(text.split())  # newlines and runs of white space -> one space
    out = _SPECIAL.sub(lambda m: _NAMED.get(m.group(), f"#{ord(m.group())};"), flat)
    if out.lower().startswith(_KEYWORDS):
        out = f"#{ord(out[0])};{out[1:]}"
    return out or "#160;"


def actor(text: str) -> str:
    """An actor (the legend entry of a team), kept to letters, digits and plain
    punctuation: fuzzing showed that some runs of entity codes in an actor make
    Mermaid 11.17.2 draw an empty journey, although they work in labels. The
    owning team is also named, exactly, in the grid beside the diagram."""
    plain = _ACTOR_UNSAFE.sub(" ", text.replace("&", " and "))
    return escape(plain) if plain.strip() else "team"


def journey(m: Map, owner: Callable[[Stage, Step], str]) -> str:
    """The diagram: one section per stage, one task per step scored by emotion.

    `owner` names who owns a step (a team name): Mermaid draws one marker
    colour per actor, so the diagram shows ownership as well as emotion.
    """
    lines = list(_HEADER)
    for stage in m.stages:
        tasks = [f"      {escape(step.name)}: {emotion}: {actor(owner(stage, step))}"
                 for step in stage.steps if (emotion := score(m, step)) is not None]  # Mermaid needs a score
        if tasks:
            lines += [f"    section {escape(stage.name)}", *tasks]
    return "\n".join(lines) + "\n"
