"""Mermaid journey source: structure and escaping of every user string."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journeysite.core.model import Map
from journeysite.pages.mermaid import actor, escape, journey

HOSTILE = 'Pay: now; #1 --> <b>x</b>'


def test_escape_hostile_step_name() -> None:
    assert escape(HOSTILE) == "Pay#58; now#59; #35;1 --#gt; #lt;b#gt;x#lt;/b#gt;"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("%%{init: {'theme': 'dark'}}%%", "#37;#37;#123;init#58; #123;'theme'#58; 'dark'#125;#125;#37;#37;"),
        ("section Evil", "#115;ection Evil"),
        ("Title case", "#84;itle case"),
        ("click here", "#99;lick here"),
        ("two\nlines\r\n  spaced", "two lines spaced"),
        ("a, b", "a#44; b"),
        ("```", "#96;#96;#96;"),
    ],
)
def test_escape_cases(text: str, expected: str) -> None:
    assert escape(text) == expected


def test_journey_source_of_a_map() -> None:
    m = Map.model_validate({
        "title": "Claim: fast", "persona": "p", "phase": "own", "owner": "claims",
        "stages": [{"name": "Report", "steps": [{"name": HOSTILE, "emotion": 2}, {"name": "Wait", "emotion": 1}]}],
    })
    source = journey(m, lambda stage, step: "Contact centre, phones")
    assert source == (
        "---\nconfig:\n  journey:\n    useMaxWidth: false\n    taskMargin: 16\n    diagramMarginX: 16\n---\n"
        "journey\n"
        "    accTitle: Journey diagram\n"
        "    accDescr: Emotion from 1, very negative, to 5, very positive, at each step of each stage\n"
        "    section Report\n"
        "      Pay#58; now#59; #35;1 --#gt; #lt;b#gt;x#lt;/b#gt;: 2: Contact centre phones\n"
        "      Wait: 1: Contact centre phones\n"
    )


@given(st.text(min_size=1, max_size=200))
def test_escaped_labels_cannot_end_early(text: str) -> None:
    out = escape(text)
    # Only entity codes may contain '#' and ';'; nothing else that ends a label survives.
    assert not re.search(r"[:%\n\r,<>\"]", re.sub(r"#\w+;", "", out))
    assert re.sub(r"#\w+;", "", out).count("#") == 0
    assert not out.lower().startswith(("section", "title", "journey", "click", "acc"))


NAMED = {"quot": '"', "lt": "<", "gt": ">"}


@given(st.text(min_size=1, max_size=200))
def test_escaped_labels_show_the_original_text(text: str) -> None:
    decoded = re.sub(r"#(\w+);", lambda m: chr(int(m[1])) if m[1].isdigit() else NAMED[m[1]], escape(text))
    assert decoded == (" ".join(text.split()) or "\xa0")


@pytest.mark.parametrize("team, shown", [("R&D", "R and D"), ("Sales, marketing", "Sales marketing"),
                                         ("<b>#:%%\\[", "b"), ("Équipe été", "Équipe été"), ("%%", "team")])
def test_actors_keep_to_plain_characters(team: str, shown: str) -> None:
    assert actor(team) == shown
