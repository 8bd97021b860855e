"""Each kind of bad input, put into a copy of the example, is reported at its place."""

from __future__ import annotations

import time

import pytest
from conftest import KnowledgeBase

CLAIM = "maps/first-home-claim.md"
PHOTO = "maps/claim-photo-evidence.md"


def at(kb: KnowledgeBase, rel: str, needle: str, nth: int = 1) -> str:
    """`rel:line:col` of the nth occurrence of `needle` in the file.

    A `|` in the needle marks the exact column within it.
    """
    text = (kb.root / rel).read_text(encoding="utf-8")
    shift = max(needle.find("|"), 0)
    needle = needle.replace("|", "")
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    index += shift
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{rel}:{line}:{col}"


def test_example_content_is_clean(kb: KnowledgeBase) -> None:
    assert kb.errors() == []


def test_unknown_key_suggests_the_nearest(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "    goal: Get help quickly", "    gaol: Get help quickly")
    assert kb.errors() == [
        f"{at(kb, CLAIM, 'gaol')}: JS110 stages[0].gaol: unknown key 'gaol' (did you mean 'goal'?)"
    ]


def test_missing_required_field_points_at_its_parent(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "      - name: Discover the damage\n", "      - emotion_note: gone\n")
    errors = kb.errors()
    assert f"{at(kb, CLAIM, 'emotion_note')}: JS111 stages[0].steps[0].name: required field 'name' is missing" in errors


def test_a_step_without_emotion_is_not_measured_not_an_error(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "        emotion: 1\n", "", )
    assert kb.errors() == []


def test_missing_required_top_level_field(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "phase: own\n", "")
    assert kb.errors() == [f"{CLAIM}:2:1: JS111 phase: required field 'phase' is missing"]


@pytest.mark.parametrize(
    "old, new, needle, expected",
    [
        ("emotion: 1\n", "emotion: seven\n", "seven", "JS113 stages[0].steps[0].emotion: expected a score from 1 (very negative) to 5 (very positive), or one per actor like {customer: 2, loan-officer: 4}; got 'seven'"),
        ("emotion: 1\n", "emotion: true\n", "true", "JS113 stages[0].steps[0].emotion: expected a score from 1 (very negative) to 5 (very positive), or one per actor like {customer: 2, loan-officer: 4}; got True"),
        ("contributors: [contact-centre, digital, partner-network]", "contributors: digital", "digital\n",
         "JS112 contributors: expected a list, got 'digital'"),
        ("title: Make a first", "title:\n  - Make a first", "- Make", "JS112 title: expected text, got a list"),
        ("customers: 12", "customers: twelve", "twelve", "JS112 validation.customers: expected a whole number, got 'twelve'"),
    ],
)
def test_wrong_types(kb: KnowledgeBase, old: str, new: str, needle: str, expected: str) -> None:
    kb.edit(CLAIM, old, new)
    assert kb.errors() == [f"{at(kb, CLAIM, needle)}: {expected}"]


@pytest.mark.parametrize(
    "old, new, needle, expected",
    [
        ("emotion: 1\n", "emotion: 7\n", "emotion: |7", "JS113 stages[0].steps[0].emotion: expected a score from 1 (very negative) to 5 (very positive), or one per actor like {customer: 2, loan-officer: 4}; got 7"),
        ("emotion: 1\n", "emotion: 0\n", "emotion: |0", "JS113 stages[0].steps[0].emotion: expected a score from 1 (very negative) to 5 (very positive), or one per actor like {customer: 2, loan-officer: 4}; got 0"),
        ("customers: 12", "customers: -3", "-3", "JS113 validation.customers: must be at least 0, got the number -3"),
        ("phase: own", "phase: onw", "onw", "JS113 phase: 'onw' is not one of: buy, own, advocate (did you mean 'own'?)"),
        ("method: interviews", "method: focus-group", "focus-group",
         "JS113 validation.method: 'focus-group' is not one of: interviews, survey, usability-test, analytics, workshop, other"),
        ("persona: first-time-homeowner", "persona: First_Time", "First_Time",
         "JS113 persona: 'First_Time' is not a valid id: use lower-case letters, digits and hyphens"),
        ("url: https://intranet", "url: javascript:alert(1)//intranet", "javascript",
         "JS113 sources[0].url: 'javascript:alert(1)//intranet.larkspur.example/reports/claims-h1-2026' is not a web address: it must start with http://, https:// or mailto:"),
        ("  - name: Report the damage", "  - name: '  '", "'  '", "JS113 stages[0].name: must not be empty"),
    ],
)
def test_values_out_of_range_or_enumeration(kb: KnowledgeBase, old: str, new: str, needle: str, expected: str) -> None:
    kb.edit(CLAIM, old, new)
    assert kb.errors() == [f"{at(kb, CLAIM, needle)}: {expected}"]


def test_empty_stage_list(kb: KnowledgeBase) -> None:
    kb.write("maps/tiny.md", "---\ntitle: Tiny\npersona: small-landlord\nphase: buy\nowner: sales\nstages: []\n---\n")
    assert kb.errors() == ["maps/tiny.md:6:9: JS113 stages: must have at least one item"]


@pytest.mark.parametrize(
    "rel, old, new, needle, expected",
    [
        (CLAIM, "persona: first-time-homeowner", "persona: first-time-homeowners", "first-time-homeowners",
         "JS201 persona: unknown persona 'first-time-homeowners' (no personas/first-time-homeowners.md) (did you mean 'first-time-homeowner'?)"),
        (CLAIM, "owner: claims", "owner: claim", "owner: |claim\n",
         "JS202 owner: unknown team 'claim' (no teams/claim.md) (did you mean 'claims'?)"),
        (CLAIM, "contributors: [contact-centre, digital", "contributors: [contact-center, digital", "contact-center",
         "JS202 contributors[0]: unknown team 'contact-center' (no teams/contact-center.md) (did you mean 'contact-centre'?)"),
        (CLAIM, "touchpoints: [claims-hotline]", "touchpoints: [claim-hotline]", "claim-hotline",
         "JS203 stages[0].steps[1].touchpoints[0]: unknown touchpoint 'claim-hotline' (no 'claim-hotline' in touchpoints.yml) (did you mean 'claims-hotline'?)"),
        (CLAIM, "evidence: [hotline-calls, claims-crm]", "evidence: [hotline-call, claims-crm]", "hotline-call,",
         "JS204 stages[0].steps[1].evidence[0]: unknown source 'hotline-call': sources of this map are 'claims-crm', 'hotline-calls', 'nps-claims', 'claim-interviews' (did you mean 'hotline-calls'?)"),
        (PHOTO, "parent: first-home-claim", "parent: first-home-claims", "first-home-claims",
         "JS205 parent: unknown map 'first-home-claims' (no maps/first-home-claims.md) (did you mean 'first-home-claim'?)"),
        (PHOTO, "parent_stage: Assess the claim", "parent_stage: Assess the claims", "Assess the claims",
         "JS206 parent_stage: map 'first-home-claim' has no stage 'Assess the claims' (did you mean 'Assess the claim'?)"),
        (CLAIM, "step: Report the damage / Call the claims hotline", "step: Report the damage / Call the hotline", "Report the damage / Call the hotline",
         "JS207 actions[0].step: no stage or step 'Report the damage / Call the hotline' in this map; write a stage's name, or 'Stage / Step' (did you mean 'Report the damage / Call the claims hotline'?)"),
        ("maps/repair-booking.md", "(first-home-claim.md)", "(first-home-claims.md)", '"No way to chase',
         "JS209 (warning) stages[0].steps[1].pain_points[1]: link to 'first-home-claims.md': there is no maps/first-home-claims.md (did you mean 'first-home-claim.md'?)"),
        ("personas/first-time-homeowner.md", "Fast answers when something goes wrong",
         '"Fast answers when something goes wrong ([claims team](../teams/claim.md#contact))"', '"Fast answers',
         "JS209 (warning) needs[1]: link to '../teams/claim.md#contact': there is no teams/claim.md (did you mean '../teams/claims.md'?)"),
        # a link that only YAML's escapes write (the file holds no "](")
        ("personas/first-time-homeowner.md", "Fast answers when something goes wrong",
         '"Fast answers ([claims team]\\x28../teams/claim.md))"', '"Fast answers',
         "JS209 (warning) needs[1]: link to '../teams/claim.md': there is no teams/claim.md (did you mean '../teams/claims.md'?)"),
        ("touchpoints.yml", "owner: contact-centre", "owner: contactcentre", "contactcentre",
         "JS202 claims-hotline.owner: unknown team 'contactcentre' (no teams/contactcentre.md) (did you mean 'contact-centre'?)"),
    ],
)
def test_unknown_references(kb: KnowledgeBase, rel: str, old: str, new: str, needle: str, expected: str) -> None:
    kb.edit(rel, old, new)
    assert kb.errors() == [f"{at(kb, rel, needle)}: {expected}"]


DUPLICATES = """---
title: Twice
persona: small-landlord
phase: buy
owner: sales
sources:
  - {id: crm, type: crm, title: CRM}
  - {id: crm, type: crm, title: CRM again}
stages:
  - name: Look
    steps:
      - {name: Search, emotion: 3}
      - {name: Search, emotion: 2}
  - name: Look
    steps:
      - {name: Buy, emotion: 4}
---
"""


def test_duplicate_stage_step_and_source_names(kb: KnowledgeBase) -> None:
    kb.write("maps/twice.md", DUPLICATES)
    assert kb.errors() == [
        "maps/twice.md:8:10: JS118 sources[1].id: duplicate source id 'crm'",
        "maps/twice.md:13:16: JS117 stages[0].steps[1].name: duplicate step name 'Search' in stage 'Look'",
        "maps/twice.md:14:11: JS116 stages[1].name: duplicate stage name 'Look'",
    ]


def test_duplicate_ids_in_nested_folders(kb: KnowledgeBase) -> None:
    kb.write("maps/archive/first-home-claim.md", (kb.root / CLAIM).read_text())
    errors = kb.errors()
    assert "maps/first-home-claim.md:1:1: JS120 duplicate id 'first-home-claim': maps/archive/first-home-claim.md has the same file name" in errors


def test_file_name_must_be_an_id(kb: KnowledgeBase) -> None:
    (kb.root / "personas/small-landlord.md").rename(kb.root / "personas/Small Landlord.md")
    errors = kb.errors()
    assert "personas/Small Landlord.md:1:1: JS121 file name 'Small Landlord.md' is not a valid id: use lower-case letters, digits and hyphens" in errors


def test_duplicate_yaml_keys_are_caught(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "sponsor: Dana Ruiz, COO\n", "sponsor: Dana Ruiz, COO\nsponsor: Someone else\n")
    assert kb.errors() == [
        f"{at(kb, CLAIM, 'sponsor', 2)}: JS106 sponsor: duplicate key 'sponsor' (first at line 6); YAML would silently keep only the last"
    ]


def test_duplicate_touchpoint_ids(kb: KnowledgeBase) -> None:
    kb.edit("touchpoints.yml", "live-chat:", "claims-hotline:")
    first = at(kb, "touchpoints.yml", "claims-hotline").split(":")[1]
    assert kb.errors() == [
        f"{at(kb, 'touchpoints.yml', 'claims-hotline', 2)}: JS106 claims-hotline: duplicate key 'claims-hotline' (first at line {first}); YAML would silently keep only the last"
    ]


@pytest.mark.parametrize(
    "old, new, needle, expected",
    [
        ("last_validated: 2026-10-06", "last_validated: 2026-02-30", "2026-02-30",
         "JS114 validation.last_validated: invalid date '2026-02-30': day is out of range for month"),
        ("last_validated: 2026-10-06", "last_validated: 06/10/2026", "06/10/2026",
         "JS114 validation.last_validated: expected a date like 2026-09-14, got '06/10/2026'"),
        ("last_validated: 2026-10-06", "last_validated: 2026-12-01", "2026-12-01",
         "JS115 validation.last_validated: date 2026-12-01 is in the future (today is 2026-11-23)"),
        ("  - date: 2026-05-02", "  - date: 2027-05-02", "2027-05-02",
         "JS115 wins[0].date: date 2027-05-02 is in the future (today is 2026-11-23)"),
    ],
)
def test_invalid_and_future_dates(kb: KnowledgeBase, old: str, new: str, needle: str, expected: str) -> None:
    kb.edit(CLAIM, old, new)
    assert kb.errors() == [f"{at(kb, CLAIM, needle)}: {expected}"]


def test_parent_cycles(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "phase: own\n", "phase: own\nparent: repair-booking\n")
    errors = kb.errors()
    cycles = [e for e in errors if "JS208" in e]
    assert cycles == [f"{at(kb, CLAIM, 'repair-booking')}: JS208 parent: parent maps form a cycle: first-home-claim -> repair-booking -> first-home-claim"]


@pytest.mark.parametrize("closed", [False, True], ids=["chain", "cycle"])
def test_a_long_parent_chain_or_cycle_is_one_short_diagnostic(kb: KnowledgeBase, closed: bool) -> None:
    """3,000 maps each the parent of the next: a chain is valid; closed into
    a cycle it is one diagnostic of bounded length, not one per map."""
    n = 3000
    for i in range(n):
        parent = f"\nparent: chain-{(i + 1) % n:04d}" if closed or i + 1 < n else ""
        kb.write(f"maps/chain-{i:04d}.md", f"---\ntitle: Chain {i}\npersona: first-time-homeowner\nphase: own\nowner: claims{parent}\n"
                 "stages: [{name: S, steps: [{name: T, emotion: 3}]}]\n---\n")
    errors = [e for e in kb.errors() if e.startswith("maps/chain-")]
    if not closed:
        assert errors == []
        return
    assert errors == ["maps/chain-0000.md:6:9: JS208 parent: parent maps form a cycle: "
                      "chain-0000 -> chain-0001 -> chain-0002 -> ... 2995 more ... -> chain-2998 -> chain-2999 -> chain-0000"]


def test_parent_stage_needs_a_parent(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "phase: own\n", "phase: own\nparent_stage: Claim\n")
    assert kb.errors() == [f"{at(kb, CLAIM, 'Claim')}: JS119 parent_stage: parent_stage needs a parent map"]


@pytest.mark.parametrize(
    "content, expected",
    [
        ("# Just Markdown\n", "JS102 missing front matter: the file must start with a line '---'"),
        ("---\ntitle: Open\n", "JS103 unterminated front matter: no closing '---' line"),
        ("---\n- a list\n---\n", "JS107 front matter must be a mapping of keys, got a list"),
    ],
)
def test_front_matter_shape(kb: KnowledgeBase, content: str, expected: str) -> None:
    kb.write("maps/broken.md", content)
    line = "2:1" if "JS107" in expected else "1:1"
    assert kb.errors() == [f"maps/broken.md:{line}: {expected}"]


def test_yaml_syntax_error(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "sponsor: Dana Ruiz, COO", "sponsor: [Dana Ruiz, COO")
    (error,) = kb.errors()
    assert error == f"{at(kb, CLAIM, 'contributors|:')}: JS104 YAML syntax error: did not find expected ',' or ']'"


def test_not_utf8(kb: KnowledgeBase) -> None:
    kb.write("teams/legal.md", "---\nname: Recht und Compliance\nlead: J\u00fcrgen\n---\n".encode("latin-1"))
    assert kb.errors() == ["teams/legal.md:3:8: JS101 file is not valid UTF-8 (invalid start byte at byte 38)"]


def test_alias_bomb_is_rejected_quickly(kb: KnowledgeBase) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    kb.write("personas/bomb.md", "---\n" + "\n".join(levels) + "\n---\n")
    import tracemalloc

    start = time.perf_counter()
    tracemalloc.start()
    try:
        errors = kb.errors()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 10
    assert peak < 100 * 2**20  # the billion values are never built
    (bomb,) = [e for e in errors if "JS105" in e]
    assert "YAML aliases expand to more than 10000 extra values; refusing to expand them" in bomb
    assert bomb.startswith("personas/bomb.md:")


def test_errors_are_collected_across_files(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "phase: own", "phase: later")
    kb.edit("teams/claims.md", "name: Claims", "nmae: Claims")
    kb.edit("touchpoints.yml", "channel: phone", "channel: telephone")
    codes = sorted(e.split(": ")[1].split()[0] for e in kb.errors())
    assert codes == ["JS110", "JS111", "JS113", "JS113"]


def test_a_broken_map_is_still_listed(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "phase: own", "phase: later")
    catalog = kb.catalog()
    entry = catalog.maps["first-home-claim"]
    assert entry.data is None
    assert entry.title == "Make a first home-insurance claim"
    assert "## Why this map matters" in entry.body
    assert [d.code for d in catalog.problems(CLAIM)] == ["JS113"]


def test_control_characters_are_located(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "sponsor: Dana Ruiz, COO", "sponsor: Dana\x1fRuiz, COO")
    assert kb.errors() == [f"{at(kb, CLAIM, 'Dana|')}: JS104 YAML cannot contain the character '\\x1f' (U+001F)"]


def test_yaml_tags_beyond_plain_data_are_refused_at_their_place(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "tags: [claims, home]", "tags: !!set {claims, home}")
    assert kb.errors() == [f"{at(kb, CLAIM, '!!set')}: JS104 YAML tag '!!set' is not supported here: write plain text, lists and mappings"]


@pytest.mark.parametrize(("old", "new", "needle", "says"), [
    ("    goal: Get help quickly", "   goal: Get help quickly", "goal: Get help", "the keys of one item line up with its first key"),
    ("phase: own\n", "phase: own\n  sponsor: x\n", "sponsor: x", "line this key up with the keys above it"),
])
def test_indentation_mistakes_are_explained_as_indentation(kb: KnowledgeBase, old: str, new: str, needle: str, says: str) -> None:
    kb.edit(CLAIM, old, new)
    (error,) = kb.errors()
    assert "JS104" in error and says in error and "(YAML: " in error, error


def test_a_comma_that_splits_a_sentence_is_a_warning(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "opportunities: [Call-back instead of hold, Recognise the caller's number]",
            "opportunities: [Call back within the hour, not the next day, Recognise the caller's number]")
    warnings = [d.format() for d in kb.catalog().diagnostics if d.code == "JS124"]
    assert warnings == [f"{at(kb, CLAIM, 'not the next day')}: JS124 (warning) 'not the next day' became an item of its own: "
                        "a comma ends an item of [a, b]; put the item in quotes (\"a, b\") or write the list one '- item' a line"]
    # Ids and quoted items are never flagged.
    kb.edit(CLAIM, "[Call back within the hour, not the next day, Recognise", "[\"Call back within the hour, not the next day\", Recognise")
    assert [d for d in kb.catalog().diagnostics if d.code == "JS124"] == []


def test_an_unknown_id_without_a_close_match_lists_the_known_ones(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "owner: claims\nsponsor", "owner: underwriting\nsponsor")
    (error,) = kb.errors()
    assert error.endswith("JS202 owner: unknown team 'underwriting' (no teams/underwriting.md); the teams are "
                          "claims, contact-centre, digital, marketing, partner-network, sales")
