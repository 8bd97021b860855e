"""Hostile and broken input: nothing lost, nothing injected, bounded cost."""

from __future__ import annotations

import json
import re
import time

import pytest
from conftest import REPO, TODAY, KnowledgeBase, SiteProject

CLAIM = "maps/first-home-claim.md"


def test_every_diagnostic_code_is_documented() -> None:
    emitted = set()
    for source in (REPO / "journeysite").rglob("*.py"):
        emitted |= set(re.findall(r'"(JS\d{3})"', source.read_text()))
    documented = set(re.findall(r"^\| (JS\d{3}) \|", (REPO / "docs/errors.md").read_text(), re.M))
    assert len(emitted) > 25
    assert emitted - documented == set(), "codes the core emits but docs/errors.md does not list"
    assert documented - emitted == set(), "codes docs/errors.md lists but nothing emits"


BROKEN = {
    "maps/latin1.md": "---\ntitle: Caf\xe9 claims\npersona: small-landlord\n---\n".encode("latin-1"),
    "maps/no-front-matter.md": b"# Just a heading\n\nSome notes.\n",
    "maps/unterminated.md": b"---\ntitle: Open\n",
    "personas/broken-yaml.md": b"---\nname: [Unclosed\n---\nBody\n",
    "teams/Bad Name.md": b"---\nname: Bad name\n---\n",
}


def test_nothing_is_lost(project: SiteProject) -> None:
    """Every file under content/ gets a page or a diagnostic that names it."""
    for rel, raw in BROKEN.items():
        project.kb.write(rel, raw)
    site = project.build()
    from journeysite.core.catalog import build

    catalog = build(project.kb.root, TODAY)
    named = {d.path for d in catalog.diagnostics}
    for file in sorted(p for p in project.kb.root.rglob("*") if p.is_file()):
        rel = file.relative_to(project.kb.root).as_posix()
        if rel == "sources.yml":  # no pages: its entries show on the maps that list them (test_blueprint)
            assert catalog.sources and not [d for d in catalog.diagnostics if d.path == rel]
            continue
        if rel == "metrics.yml":  # a section each on the metrics page
            metrics = site.article("insights/metrics/")
            assert catalog.metrics and all(metrics.find("h2", id=ident) for ident in catalog.metrics)
            continue
        if rel.endswith(".csv"):  # measurements: published as they are, and shown on the maps they measure (test_kpis)
            assert (site.root / rel).is_file() and any(r.path == rel for rows in catalog.readings.values() for r in rows)
            continue
        if rel in ("touchpoints.yml", "systems.yml"):
            for ident in (catalog.touchpoints if rel == "touchpoints.yml" else catalog.systems):
                assert (site.root / rel.removesuffix(".yml") / ident / "index.html").is_file(), ident
            continue
        page = site.root / (rel[:-3] + "/index.html" if not rel.endswith("index.md") else rel[:-3] + ".html")
        assert page.is_file() or rel in named, f"{rel}: no page and no diagnostic"
    for rel in BROKEN:
        assert rel in named, rel
    latin = site.article("maps/latin1/")
    assert "JS101" in latin.select_one(".admonition.failure").get_text()
    listed = site.article("maps/").get_text(" ", strip=True)
    for ident in ("latin1", "no-front-matter", "unterminated"):
        assert f"{ident} \u2716 has errors" in listed, ident


def test_javascript_url_is_an_error_and_never_a_link(project: SiteProject) -> None:
    project.kb.edit(CLAIM, "url: https://intranet.larkspur.example/reports/claims-h1-2026", "url: javascript:alert(document.cookie)")
    assert any("JS113 sources[0].url: 'javascript:alert(document.cookie)' is not a web address" in e for e in project.kb.errors())
    site = project.build()
    assert not [a for a in site.html("maps/first-home-claim/").select("a[href]") if a["href"].lower().startswith("javascript")]


@pytest.mark.parametrize("name", ["%%{init: {'securityLevel': 'loose'}}%%", "click Call call alert(1)", "section Evil", "a --> b: 5: x"])
def test_mermaid_directives_in_names_stay_labels(kb: KnowledgeBase, name: str) -> None:
    from journeysite.pages.mermaid import journey

    kb.edit(CLAIM, "name: Call the claims hotline", f"name: {json.dumps(name)}")
    kb.edit(CLAIM, "step: Report the damage / Call the claims hotline", "step: Report the damage / Get a claim number")
    m = kb.catalog().maps["first-home-claim"].data
    assert m is not None and m.stages[0].steps[1].name == name
    lines = journey(m, lambda stage, step: "Team").splitlines()
    start = lines.index("journey")  # after the constant config block
    step_line = lines[start + 5]  # journey, accTitle, accDescr, section, first step, this step
    label = step_line.strip().rsplit(": ", 2)[0]
    assert ":" not in label and "%" not in label and not label.lower().startswith(("click", "section"))
    assert len(lines) == start + 3 + 4 + 10  # journey, accTitle, accDescr, 4 sections, 10 steps: nothing added


def test_markdown_links_render_and_images_do_not_load(project: SiteProject) -> None:
    project.kb.edit(CLAIM, "actions: Finds a leak under the bathroom floor late on a Sunday",
                    "actions: 'See [the guide](https://example.org/leaks) ![tracker](https://evil.example/pixel.png) [bad](javascript:alert(1))'")
    site = project.build(strict=True)
    cell = site.article("maps/first-home-claim/").select_one(".js-canvas").find("th", string="Actions").find_next_sibling("td")
    assert [a["href"] for a in cell.select("a")] == ["https://example.org/leaks", "https://evil.example/pixel.png"]
    assert cell.select("img") == []
    assert "[bad](javascript:alert(1))" in cell.get_text()


def test_html_an_author_shows_in_a_code_block_stays_as_written(project: SiteProject) -> None:
    """The plugin sets its own raw tables aside from Markdown; an author's
    table, list or paragraph in a code block is not one of them."""
    shown = "<table>\n<tr><td>cell</td></tr>\n</table>\n<ul>\n<li>item</li>\n</ul>\n<p>\npara\n</p>"
    path = project.kb.root / CLAIM
    path.write_text(path.read_text(encoding="utf-8") + f"\n```html\n{shown}\n```\n", encoding="utf-8")
    site = project.build(strict=True)
    assert site.article("maps/first-home-claim/").select("pre code")[-1].get_text().strip() == shown


def test_very_long_names_are_refused_clearly(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "name: Call the claims hotline", "name: " + "x" * 10_000)
    (error,) = kb.errors()
    assert error.endswith("JS113 stages[0].steps[1].name: is longer than 500 characters")


@pytest.mark.parametrize(("depth", "shape"), [(45, "list"), (45, "mapping"), (5000, "list"), (5000, "mapping"), (200_000, "list")])
def test_deeply_nested_yaml_is_refused_with_one_code(kb: KnowledgeBase, depth: int, shape: str) -> None:
    """Our limit, libyaml's own (PyYAML >= 6.0.4) and Python's stack all
    give the same diagnostic, whichever is reached first."""
    value = "[" * depth + "]" * depth if shape == "list" else "{a: " * depth + "1" + "}" * depth
    kb.write("maps/deep.md", f"---\ntitle: {value}\n---\n")
    (error,) = [e for e in kb.errors() if e.startswith("maps/deep.md")]
    assert error.startswith("maps/deep.md:2:")
    assert error.endswith("JS105 YAML nested more than 40 levels deep")


@pytest.mark.parametrize("variant", ["crlf", "bom", "both"])
def test_crlf_and_bom_are_read_as_usual(kb: KnowledgeBase, variant: str) -> None:
    raw = (kb.root / CLAIM).read_bytes()
    if variant in ("crlf", "both"):
        raw = raw.replace(b"\n", b"\r\n")
    if variant in ("bom", "both"):
        raw = b"\xef\xbb\xbf" + raw
    kb.write(CLAIM, raw)
    assert kb.errors() == []
    assert kb.catalog().maps["first-home-claim"].data.stages[0].steps[1].name == "Call the claims hotline"


def test_tab_indentation_is_located(kb: KnowledgeBase) -> None:
    kb.edit(CLAIM, "  last_validated: 2026-10-06", "\tlast_validated: 2026-10-06")
    (error,) = kb.errors()
    assert error == f"{CLAIM}:10:1: JS104 YAML syntax error: a tab cannot indent YAML; use spaces"


def test_zero_width_and_right_to_left_text_is_kept(project: SiteProject) -> None:
    name = "Call\u200b the \u202ehotline\u202c \u05e2\u05d1\u05e8\u05d9\u05ea"
    project.kb.edit(CLAIM, "name: Call the claims hotline", f"name: \"{name}\"")
    project.kb.edit(CLAIM, "step: Report the damage / Call the claims hotline", f"step: \"Report the damage / {name}\"")
    site = project.build(strict=True)
    assert name in site.article("maps/first-home-claim/").get_text()


def test_ids_differing_only_by_case(kb: KnowledgeBase) -> None:
    kb.write("teams/Claims.md", "---\nname: Claims again\n---\n")
    kb.edit(CLAIM, "owner: claims", "owner: Claims")
    errors = kb.errors()
    assert "teams/Claims.md:1:1: JS121 file name 'Claims.md' is not a valid id: use lower-case letters, digits and hyphens" in errors
    assert any("JS113 owner: 'Claims' is not a valid id" in e for e in errors)


def big_map(steps: int) -> str:
    lines = ["---", "title: Huge", "persona: small-landlord", "phase: own", "owner: sales", "stages:", "  - name: All", "    steps:"]
    lines += [f"      - {{name: Step {i} with a longer name to take space, emotion: 3, actions: Something happens here}}" for i in range(steps)]
    return "\n".join([*lines, "---", ""])


def test_a_50000_step_map_fails_fast_and_clearly(kb: KnowledgeBase) -> None:
    import tracemalloc

    kb.write("maps/huge.md", big_map(50_000))
    start = time.perf_counter()
    tracemalloc.start()
    try:
        errors = [e for e in kb.errors() if e.startswith("maps/huge.md")]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 60  # tracemalloc slows Python about threefold
    assert peak < 400 * 2**20, f"peak {peak / 2**20:.0f} MiB for a 5 MB file"
    assert errors == ["maps/huge.md:9:7: JS113 stages[0].steps: has 50000 items; at most 100 are allowed (split the map into micro-journeys)"]


def test_a_5_mb_map_is_read_within_seconds(kb: KnowledgeBase) -> None:
    body = "\n".join(f"Paragraph {i}: " + "research notes " * 30 for i in range(12_000))
    kb.write("maps/long-notes.md", (kb.root / CLAIM).read_text() + body)
    assert (kb.root / "maps/long-notes.md").stat().st_size > 5_000_000
    start = time.perf_counter()
    assert [e for e in kb.errors() if "long-notes" in e] == []
    assert time.perf_counter() - start < 10


def test_a_10_mb_file_is_refused_before_parsing(kb: KnowledgeBase) -> None:
    kb.write("maps/giant.md", "---\ntitle: x\n---\n" + "y" * 10_500_000)
    start = time.perf_counter()
    assert "maps/giant.md:1:1: JS100 cannot read file: file is 10.5 MB; the limit is 8 MiB" in kb.errors()
    assert time.perf_counter() - start < 5


def test_thousands_of_unknown_keys_give_bounded_output(kb: KnowledgeBase) -> None:
    keys = "".join(f"unknown{i}: 1\n" for i in range(64_000))
    kb.edit(CLAIM, "sponsor:", keys + "sponsor:")
    errors = [e for e in kb.errors() if e.startswith(CLAIM)]
    assert len(errors) == 51
    assert errors[0] == f"{CLAIM}:6:1: JS110 unknown0: unknown key 'unknown0'"
    assert errors[-1] == f"{CLAIM}:56:1: JS110 unknown50: and 63950 more problems in this entry: fix the ones above first"
