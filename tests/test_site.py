"""Real builds of the example site, asserted on the parsed HTML."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import Tag
from conftest import REPO, Site, SiteProject, canvas_rows

CLAIM = "maps/first-home-claim/"


def heading(tag: Tag) -> str:
    """A heading's text without the permalink sign."""
    return tag.get_text().rstrip("¶")


def resolve(site: Site, page: str, href: str) -> Path:
    """The file a relative link on `page` points to (directory URLs)."""
    parts = urlsplit(href)
    base = (site.root / page).parent if page.endswith(".html") else site.root / page
    target = (base / unquote(parts.path)).resolve()
    return target / "index.html" if target.is_dir() else target


def test_strict_build_of_the_example_has_no_warnings(project: SiteProject) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project.root,
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert "journeysite: content/maps/renew-landlord-policies.md:10:19: JS302 (notice)" in result.stderr


def assert_links_resolve(site: Site) -> int:
    """Every relative link on every page reaches a file, and its #anchor an id there."""
    checked = 0
    for html in site.root.rglob("*.html"):
        page = html.relative_to(site.root).as_posix()
        if page == "404.html":  # served from any depth, so its links are root-absolute
            continue
        for a in site.html(page).select("a[href]"):
            href = a["href"]
            if urlsplit(href).scheme or href.startswith(("#", "mailto:")):
                continue
            target = resolve(site, page, href)
            assert target.exists(), f"{page}: broken link {href}"
            fragment = urlsplit(href).fragment
            if fragment and target.suffix == ".html":
                assert site.html(target.relative_to(site.root).as_posix()).find(id=fragment), f"{page}: no #{fragment} in {href}"
            checked += 1
    return checked


def test_every_internal_link_resolves(example_site: Site) -> None:
    assert assert_links_resolve(example_site) > 500


def test_links_resolve_without_directory_urls(project: SiteProject) -> None:
    """Links in the raw HTML tables are written by us, not rewritten by MkDocs."""
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "use_directory_urls: false\n", encoding="utf-8")
    site = project.build(strict=True)
    claim = site.article("maps/first-home-claim.html")
    assert claim.select_one(".js-canvas tbody a")["href"] == "../touchpoints/claims-hotline.html"
    assert assert_links_resolve(site) > 500


def test_links_in_front_matter_text_reach_their_page_wherever_the_text_is_shown(example_site: Site) -> None:
    """The link is written relative to the map's file; it is shown on the
    map page and on the touchpoint page, from another folder."""
    claim = (example_site.root / CLAIM / "index.html").resolve()
    for page in ("maps/repair-booking/", "touchpoints/repairer-booking/"):
        links = example_site.article(page).find_all("a", string="the claim journey")  # a map page shows it in its canvas too
        assert links and all(resolve(example_site, page, link["href"]) == claim for link in links), (page, [a["href"] for a in links])


def test_map_page_header_and_badges(example_site: Site) -> None:
    article = example_site.article(CLAIM)
    assert heading(article.h1) == "Make a first home-insurance claim"
    facts = {li.strong.get_text(): li for li in article.select(".js-facts li")}
    assert facts["Persona:"].a["href"] == "../../personas/first-time-homeowner/"
    assert facts["Phase:"].get_text(" ", strip=True) == "Phase: Own"
    assert " ".join(facts["Owner:"].get_text(" ", strip=True).split()).replace(" )", ")") == \
        "Owner: Claims (#claims-cx on chat, claims-cx@larkspur.example)"
    assert [a["href"] for a in facts["Owner:"].select("a")] == ["../../teams/claims/", "mailto:claims-cx@larkspur.example"]
    assert facts["Sponsor:"].get_text(" ", strip=True) == "Sponsor: Dana Ruiz, COO"
    assert [a.get_text() for a in facts["Contributors:"].select("a")] == ["Contact centre", "Digital", "Partner network"]
    badges = [b.get_text(" ", strip=True) for b in article.select(".js-badges .js-badge")]
    assert badges == ["\u2714 Fresh", "Last validated 2026-10-06 · interviews · 12 customers", "Evidence 90 % of steps", "End-to-end"]


def test_map_page_diagram_source(example_site: Site) -> None:
    (diagram,) = example_site.article(CLAIM).select("pre.mermaid")
    source = diagram.get_text()
    assert "\njourney\n    accTitle: Journey diagram\n" in source and "Make a first" not in source  # the heading names the map
    assert source.startswith("---\nconfig:\n  journey:\n    useMaxWidth: false\n")  # natural size: labels never shrink
    assert "      Call the claims hotline: 2: Contact centre\n" in source
    assert "      Book a repairer: 2: Partner network\n" in source
    assert source.count("    section ") == 4


def test_map_page_grid_ownership_evidence_plan(example_site: Site) -> None:
    article = example_site.article(CLAIM)
    headings = [heading(h) for h in article.select("h2, h3")]
    assert headings[:12] == ["Journey", "Why this map matters", "How we built it", "Measures", "Stages and steps",
                             "1. Report the damage", "2. Assess the claim", "3. Repair the home", "4. Close the claim",
                             "Ownership", "Evidence", "Action plan"]
    grid = article.select_one("#stage-1").find_next("table")
    assert [th.get_text() for th in grid.select("th")][1:] == ["Discover the damage", "Call the claims hotline", "Get a claim number"]
    rows = {tr.td.get_text(): [td.get_text(" ", strip=True) for td in tr.select("td")[1:]] for tr in grid.select("tbody tr")}
    assert rows["Evidence"][1] == "Claims hotline call reasons and wait times, Q2 2026 Claims CRM export, H1 2026"  # titles, not ids
    assert "Pain points" not in rows  # the canvas holds the lanes; a stage adds its detail
    lanes = canvas_rows(article)
    assert lanes["Score"][:3] == ["1 · very negative", "2 · negative", "3 · neutral"]
    assert lanes["Touchpoints"][1] == "Claims hotline (phone)"
    assert lanes["Pain points"][1] == "22-minute average wait on Mondays Has to repeat the policy number twice"
    ownership = article.find("h2", id="ownership").find_next("table")
    owners = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in ownership.select("tbody tr")]
    # One row per team, the map's owner first, with what it owns.
    assert owners[0][:2] == ["Claims", "#claims-cx on chat, claims-cx@larkspur.example"] and owners[0][2].startswith("Map: Make a first home-insurance claim")
    partners = next(row for row in owners if row[0] == "Partner network")
    assert partners[1] == "partners@larkspur.example" and "Repair the home / Book a repairer" in partners[2]
    contact_centre = next(row for row in owners if row[0] == "Contact centre")
    assert "Touchpoints: Claims hotline" in contact_centre[2]
    assert len({row[0] for row in owners}) == len(owners)
    evidence = article.find("h2", id="evidence").find_next("table")
    assert "Claims CRM export, H1 2026 ( claims-crm )" in evidence.get_text(" ", strip=True)
    assert evidence.select_one("a")["href"] == "https://intranet.larkspur.example/reports/claims-h1-2026"
    plan = article.find("h2", id="action-plan").find_next("table")
    link = plan.select_one("tbody tr td:nth-of-type(2) a")
    assert (link.get_text(), link["href"]) == ("Report the damage / Call the claims hotline", "./#stage-1")
    assert "No data on claims made through brokers before the first call" in article.get_text()
    wins = article.find("h2", id="wins").find_next("ul").get_text(" ", strip=True)
    assert wins.startswith("2026-09-18 · Closing letter now explains what the claim means at renewal")


def test_a_list_that_ends_the_generated_page_stays_a_list(example_site: Site) -> None:
    """The rule before the author's text, right after a list's last line,
    would make that line a heading (a setext heading in Markdown)."""
    content = REPO / "content" / "maps"
    for source in sorted(content.glob("*.md")):
        if source.name == "index.md":
            continue
        article = example_site.article(f"maps/{source.stem}/")
        assert not [h.get_text() for h in article.select("h2, h1") if h.get_text().lstrip().startswith("-")], source.name
        wins = article.find("h2", id="wins")
        if wins is not None:
            assert wins.find_next_sibling().name == "ul", source.name
        # Every example map has a text of its own, under its own heading right after the journey.
        headings = [h.get("id") for h in article.select("h2")]
        assert headings[0] == "journey" and headings[1] != "measures", source.name


def test_search_index_holds_the_tables_as_words(example_site: Site) -> None:
    """Search reads our raw tables as text: the canvas in the journey's
    section, each stage's detail in its own; the page itself has the tables."""
    index = json.loads((example_site.root / "search/search_index.json").read_text())
    sections = {d["location"]: d["text"] for d in index["docs"]}
    journey = sections[CLAIM + "#journey"]
    for words in ("22-minute average wait on Mondays", "Has to repeat the policy number twice", "Claims hotline"):
        assert words in journey, words
    # Not the diagram's Mermaid source, nor the captions every map page has (every map would match them).
    for words in ("accTitle", "Call the claims hotline: 1", "very negative", "scrolls sideways"):
        assert words not in journey, words
    stage = sections[CLAIM + "#stage-1"]
    assert "Claims CRM export, H1 2026" in stage and "Get a claim number" in stage and "Call the claims hotline" in stage
    assert "journeysite:" not in journey + stage and "data-js-raw" not in journey + stage
    assert "Repair the home / Book a repairer" in sections[CLAIM + "#ownership"]
    page = (example_site.root / CLAIM / "index.html").read_text()
    assert "journeysite:" not in page and page.count("<table") >= 6


def test_search_leaves_out_listings_of_what_other_pages_say(example_site: Site) -> None:
    """Search finds what authors wrote: a step on its map's page, a team by
    its own page's text. Pages the site derives (touchpoints, dashboards,
    indexes) only list that, so they are left out; a team page's listings
    too."""
    index = json.loads((example_site.root / "search/search_index.json").read_text())
    docs = {d["location"]: d for d in index["docs"]}
    derived = {loc.partition("#")[0] for loc in docs} & {"touchpoints/claims-hotline/", "touchpoints/", "maps/", "insights/freshness/",
                                                       "insights/actions/", "insights/evidence/", "insights/coverage/", "insights/wins/"}
    assert derived == set()
    assert "What we own" in {d["title"] for loc, d in docs.items() if loc.startswith("teams/claims/")}
    assert any("Claims hotline" in d["text"] for loc, d in docs.items() if loc.startswith(CLAIM))
    step = "Get a claim number"
    found = {loc.partition("#")[0] for loc, d in docs.items() if step in d["text"]}
    assert found == {CLAIM}
    # The listings themselves are on the pages, whole.
    rows = example_site.html("touchpoints/claims-hotline/").select("article table tbody tr")
    assert any(step in row.get_text() for row in rows)
    assert "data-search-exclude" in str(example_site.article("teams/claims/").find("h3", id="stages-and-steps").find_next("table"))


def test_map_page_links_to_its_source_for_editing(example_site: Site) -> None:
    (edit,) = example_site.html(CLAIM).select("article a.md-content__button")
    assert edit["href"] == "https://git.larkspur.example/cx/journeys/-/edit/main/content/maps/first-home-claim.md"
    assert edit["title"] == "Edit this page"
    # Generated pages have no source file, so no edit button.
    assert example_site.html("insights/freshness/").select("a.md-content__button") == []


def test_micro_journeys_link_both_ways(example_site: Site) -> None:
    parent = example_site.article(CLAIM)
    children = parent.find("h2", id="micro-journeys").find_next("ul")
    assert [a["href"] for a in children.select("a")] == ["../claim-photo-evidence/", "../repair-booking/"]
    child = example_site.article("maps/repair-booking/")
    crumb = child.select_one(".js-breadcrumb")
    assert crumb.get_text(" ", strip=True) == "Micro-journey of Make a first home-insurance claim \u203a Repair the home"
    assert [a["href"] for a in crumb.select("a")] == ["../first-home-claim/", "../first-home-claim/#stage-3"]
    assert "Micro-journey" in [b.get_text() for b in child.select(".js-badge")]


def test_unvalidated_and_overdue_maps_are_flagged(example_site: Site) -> None:
    unvalidated = example_site.article("maps/switch-to-landlord-cover/")
    assert unvalidated.select_one(".js-badge--unvalidated").get_text() == "? Never validated"
    assert "No customer has validated this map yet" in unvalidated.get_text()
    overdue = example_site.article("maps/renew-landlord-policies/")
    assert overdue.select_one(".js-badge--overdue").get_text() == "\u26a0 Review overdue"
    assert "was due for review on 2026-07-07 (every 120 days)" in overdue.get_text()


def test_all_maps_index(example_site: Site) -> None:
    rows = example_site.article("maps/").select("tbody tr")
    assert len(rows) == 9
    titles = [tr.td.get_text(" ", strip=True) for tr in rows]
    assert titles == sorted(titles, key=str.lower)  # by title, not by file name
    first = [td.get_text(" ", strip=True) for td in rows[1].select("td")]
    assert first == ["Buy home insurance for a first home", "First-time homeowner", "buy", "Sales and underwriting",
                     "\u2714 Fresh", "100 %", "2026-08-12"]
    touchpoints = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in example_site.article("touchpoints/").select("tbody tr")]
    means = [float(row[-1]) for row in touchpoints if row[-1] not in ("not measured", "not used")]
    assert means == sorted(means) and touchpoints[-1][-1] in ("not measured", "not used")  # where customers feel worst first


def test_persona_and_team_pages_gain_their_sections(example_site: Site) -> None:
    persona = example_site.article("personas/first-time-homeowner/")
    phases = [li.get_text(" ", strip=True) for li in persona.find("h2", id="journey-maps-by-phase").find_next("ul").select("li")]
    assert [p.split(":")[0] for p in phases] == ["Buy", "Own", "Advocate"]  # one line each, not one run-on paragraph
    assert phases[1].startswith("Own: Send photos of the damage , Make a first home-insurance claim , Book a repair with a network repairer")
    retiree = example_site.article("personas/downsizing-retiree/")
    assert "High-value persona without a map" in retiree.get_text()
    team = example_site.article("teams/sales/")
    maps = [li.get_text(" ", strip=True) for li in team.find("h3", id="maps").find_next("ul").select("li")]
    assert maps[0].startswith("Renew cover for several rental homes : \u26a0 Review overdue by 139 days")
    assert maps[1].startswith("Move rental homes to Larkspur landlord cover : ? Never validated")
    assert "Collect renewal dates of each home" in team.find("h3", id="stages-and-steps").find_next("table").get_text()
    assert "One renewal statement for all homes" in team.find("h3", id="actions").find_next("table").get_text()


def test_touchpoint_pages(example_site: Site) -> None:
    index = {tr.td.get_text(): [td.get_text(" ", strip=True) for td in tr.select("td")] for tr in example_site.article("touchpoints/").select("tbody tr")}
    # The storm map's handler scores the hotline 2: only the customers' scores (2, 3, 1) count.
    assert index["Claims hotline"] == ["Claims hotline", "phone", "Contact centre", "3", "2.0"]
    assert index["Live chat"][-1] == "not used"
    page = example_site.article("touchpoints/claims-hotline/")
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")][:4] for tr in page.select("tbody tr")]
    assert rows == [["Make a first home-insurance claim", "Report the damage", "Call the claims hotline", "2 · negative"],
                    ["Make a first home-insurance claim", "Report the damage", "Get a claim number", "3 · neutral"],
                    ["Settle a storm-damage claim (service blueprint)", "Report the storm damage", "Call on the morning after the storm",
                     "First-time homeowner: 1 · very negative Claims handler: 2 · negative"]]
    # A step with two touchpoints is on both pages (its row rendered once), linking to its map from each.
    for tid in ("claims-hotline", "claim-updates"):
        (row,) = [tr for tr in example_site.article(f"touchpoints/{tid}/").select("tbody tr") if "Get a claim number" in tr.get_text()]
        assert (example_site.root / "touchpoints" / tid / row.a["href"] / "index.html").resolve().is_file()


def test_insight_pages(example_site: Site) -> None:
    coverage = example_site.article("insights/coverage/")
    assert [a.get_text() for a in coverage.select(".admonition.warning a")] == ["Downsizing retiree"]
    freshness = [tr.td.get_text() for tr in example_site.article("insights/freshness/").select("tbody tr")]
    assert freshness[:2] == ["Renew cover for several rental homes", "Move rental homes to Larkspur landlord cover"]
    actions = example_site.article("insights/actions/")
    assert [heading(h) for h in actions.select("h2")] == [
        "Quick wins (low effort, high impact)", "Big bets (high effort, high impact)", "Balanced (medium effort or impact)",
        "Done and dropped"]  # no open fill-in
    # Open actions in the quadrants, the others apart; the counts and the effort x impact grid come first.
    closed = {tr.select_one("td:nth-of-type(5) .js-status").get_text() for tr in actions.find("h2", id="done-and-dropped").find_next("table").select("tbody tr")}
    assert closed <= {"done", "dropped"} and closed
    for table in actions.select("table")[1:-1]:
        assert not {tr.select_one("td:nth-of-type(5) .js-status").get_text() for tr in table.select("tbody tr")} & {"done", "dropped"}
    grid = actions.select_one("table.js-grid")
    cells = {tr.th.get_text(): [td.get_text() for td in tr.select("td")] for tr in grid.select("tbody tr")}
    assert cells["high impact"][0] == "5"  # the five open quick wins of "At a glance"
    assert sum(int(n) for row in cells.values() for n in row) == 17  # every open action
    counts = [s.get_text() for s in actions.select(".js-counts .js-status")]
    assert counts[0].startswith("idea: ") and len(counts) == 5
    assert example_site.html("insights/actions/").select_one(".md-sidebar--secondary[hidden]") is not None  # no table of contents
    quick = actions.find("h2").find_next("table").get_text()  # after the grid
    assert "Offer a call-back within one hour instead of hold" in quick
    # Within a quadrant, actions follow the workflow: ideas, planned, in progress, done, dropped.
    workflow = ["idea", "planned", "in-progress", "done", "dropped"]
    for table in actions.select("table")[1:]:
        statuses = [tr.select_one("td:nth-of-type(5) .js-status").get_text() for tr in table.select("tbody tr")]
        assert statuses == sorted(statuses, key=workflow.index), statuses
    # Six columns, in the width the hidden table of contents leaves; the due date sits under the status.
    assert [th.get_text() for th in actions.select("table")[1].select("th")] == [
        "Action", "Map · step", "Owner", "Effort / impact", "Status", "Metric"]
    booking = next(tr for tr in actions.select("tbody tr") if "Publish repairers' free slots for online booking" in tr.get_text())
    assert [td.get_text(" ", strip=True) for td in booking.select("td")[3:5]] == ["high / high", "planned due 2027-06-30"]
    evidence = example_site.article("insights/evidence/").get_text()
    assert "We do not know how landlords compare prices today" in evidence
    wins = [li.get_text(" ", strip=True) for li in example_site.article("insights/wins/").select("li")]
    assert wins[0].startswith("2026-10-20 · Receipt message after each upload")


def test_maps_json_and_tags(example_site: Site) -> None:
    data = json.loads((example_site.root / "maps.json").read_text())
    assert sorted(data["maps"]) == ["buy-first-home-insurance", "claim-photo-evidence", "first-home-claim",
                                    "recommend-larkspur", "renew-landlord-policies", "repair-booking", "storm-damage-claim", "storm-damage-claim-future",
                                    "switch-to-landlord-cover"]
    assert data["maps"]["first-home-claim"]["derived"]["freshness"] == "fresh"
    assert data["maps"]["first-home-claim"]["stages"][0]["steps"][1]["touchpoints"] == ["claims-hotline"]
    assert data["errors"] == [] and data["build_date"] == "2026-11-23"
    tags = example_site.article("tags/").get_text(" ", strip=True)
    assert "landlord" in tags and "Renew cover for several rental homes" in tags


HOSTILE_STEP = "Pay: now; #1 --> <b>x</b>"
HOSTILE_TITLE = "</title><script>alert(1)</script>"


def test_hostile_names_reach_the_diagram_escaped_and_the_page_as_text(project: SiteProject) -> None:
    kb = project.kb
    kb.edit("maps/first-home-claim.md", "title: Make a first home-insurance claim", f"title: '{HOSTILE_TITLE}'")
    kb.edit("maps/first-home-claim.md", "name: Call the claims hotline", f"name: '{HOSTILE_STEP}'")
    kb.edit("maps/first-home-claim.md", "step: Report the damage / Call the claims hotline", f"step: 'Report the damage / {HOSTILE_STEP}'")
    kb.edit("maps/first-home-claim.md", "thoughts: Will they even cover this?", "thoughts: '<img src=x onerror=alert(1)> **really**'")
    site = project.build(strict=True)
    html = site.html(CLAIM)
    assert html.title.get_text() == f"{HOSTILE_TITLE} - Larkspur customer journeys"
    assert not [s for s in html.select("script") if "alert" in s.get_text()]
    assert heading(html.select_one("article h1")) == HOSTILE_TITLE
    source = html.select_one("pre.mermaid").get_text()
    assert "#lt;/title#gt;" not in source and "alert(1)" not in source  # the title is not in the diagram at all
    assert "      Pay#58; now#59; #35;1 --#gt; #lt;b#gt;x#lt;/b#gt;: 2: Contact centre\n" in source
    article = html.select_one("article")
    assert not article.select("b, img[onerror]")
    assert HOSTILE_STEP in article.get_text()
    thoughts = article.select_one(".js-canvas").find("th", string="Thoughts").find_next_siblings("td")[1]
    assert thoughts.decode_contents() == "&lt;img src=x onerror=alert(1)&gt; <strong>really</strong>"
    nav = [a.get_text(" ", strip=True) for a in html.select("nav a")]
    assert HOSTILE_TITLE in nav


def test_broken_map_gets_an_error_box_and_fails_strict(project: SiteProject) -> None:
    project.kb.edit("maps/first-home-claim.md", "phase: own", "phase: owned")
    site = project.build()
    article = site.article(CLAIM)
    box = article.select_one(".admonition.failure")
    assert box.select_one(".admonition-title").get_text() == "1 problem in maps/first-home-claim.md: this page shows what could be read"
    assert box.li.get_text(" ", strip=True) == ("maps/first-home-claim.md:4:8 JS113 phase : "
                                                 "'owned' is not one of: buy, own, advocate (did you mean 'own'?)")
    assert heading(article.h1) == "Make a first home-insurance claim"
    assert "Why this map matters" in article.get_text()
    listed = site.article("maps/").get_text(" ", strip=True)
    assert "Make a first home-insurance claim \u2716 has errors" in listed
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    strict = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project.root,
                            capture_output=True, text=True, env=env)
    assert strict.returncode == 1
    assert ("WARNING -  journeysite: content/maps/first-home-claim.md:4:8: JS113 phase: "
            "'owned' is not one of: buy, own, advocate (did you mean 'own'?)") in strict.stderr
    assert "Traceback" not in strict.stderr


def test_a_one_off_build_renders_without_the_catalog_in_memory(project: SiteProject) -> None:
    """MkDocs holds every page to the end of a build; the catalog, the parse
    cache and the generated Markdown must not be held beside them."""
    import gc

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import BasePlugin

    from journeysite.core.model import Entry, Map

    held: list[int] = []

    class Probe(BasePlugin):  # type: ignore[type-arg]
        def on_env(self, env: object, config: object, files: object) -> object:  # after every page is read and rendered
            gc.collect()
            held.append(sum(isinstance(o, (Entry, Map)) for o in gc.get_objects()))
            return env

    config = load_config(str(project.root / "mkdocs.yml"))
    config.plugins["probe"] = Probe()
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    assert held == [0]
    assert Path(config.site_dir, "insights/freshness/index.html").is_file()


def test_one_plugin_object_builds_twice_the_same(project: SiteProject, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from journeysite.core import loader

    parsed: list[str] = []
    parse = loader._parse
    monkeypatch.setattr(loader, "_parse", lambda request: parsed.append(request[1]) or parse(request))

    config = load_config(str(project.root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    first = {p: p.read_bytes() for p in Path(config.site_dir).rglob("*") if p.is_file() and p.suffix in (".html", ".json")}
    parses = len(parsed)
    build(config)
    second = {p: p.read_bytes() for p in Path(config.site_dir).rglob("*") if p.is_file() and p.suffix in (".html", ".json")}
    assert len(parsed) == parses  # nothing changed: nothing re-parsed
    assert first.keys() == second.keys()
    assert [p for p in first if first[p] != second[p] and "sitemap" not in p.name] == []
    assert config.extra_javascript.count("assets/javascripts/mermaid.min.js") == 1

    project.kb.edit("maps/repair-booking.md", "emotion: 1", "emotion: 2")
    build(config)
    assert parsed[parses:] == ["maps/repair-booking.md"]  # only the edited map
    page = Path(config.site_dir, "touchpoints/repairer-booking/index.html").read_text()
    assert "Wait for the call</td> <td><span class=\"js-emotion js-emotion--2\"" in page


def test_serve_rebuilds_reuse_compiled_theme_templates_until_one_is_edited(project: SiteProject) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    override = project.root / "theme" / "main.html"
    override.write_text('{% extends "base.html" %}{% block announce %}Old banner{% endblock %}')
    config = load_config(str(project.root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    plugin = config.plugins["journeysite"]
    build(config)
    page = Path(config.site_dir, "maps/repair-booking/index.html")
    assert "Old banner" in page.read_text()
    (cache,) = plugin.compiled.by_settings.values()
    compiled = dict(cache.code)
    assert len(compiled) > 10  # Material's templates, ours among them
    override.write_text('{% extends "base.html" %}{% block announce %}New banner{% endblock %}')
    build(config)
    assert "New banner" in page.read_text() and "Old banner" not in page.read_text()
    changed = [key for key in compiled if cache.code[key] != compiled[key]]
    assert len(changed) == 1, "only the edited template was compiled again"


@pytest.mark.parametrize("engine", ["properdocs"])
def test_example_builds_with_properdocs(project: SiteProject, engine: str) -> None:
    result = subprocess.run([sys.executable, "-m", engine, "build", "--strict"], cwd=project.root, capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    html = (project.root / "site" / "maps" / "first-home-claim" / "index.html").read_text()
    assert "journey\n    accTitle: Journey diagram\n    accDescr: " in html and "Call the claims hotline: 2: Contact centre" in html


def test_missing_mermaid_is_a_clear_build_error(project: SiteProject, tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "JOURNEYSITE_CACHE": str(tmp_path / "empty-cache")}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=project.root, capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert ("Mermaid 11.17.2 is not installed, so journey diagrams cannot render. "
            "Run `journeysite mermaid` once (it needs npm and access to the npm registry).") in result.stderr
    assert "Traceback" not in result.stderr
    (tmp_path / "empty-cache" / "journeysite").mkdir(parents=True)
    (tmp_path / "empty-cache" / "journeysite" / "mermaid-11.17.2.min.js").write_text("alert('not mermaid')")
    tampered = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=project.root, capture_output=True, text=True, env=env)
    assert tampered.returncode == 1 and "is not Mermaid 11.17.2 (checksum mismatch)" in tampered.stderr


def test_navigation_can_list_only_index_pages(project: SiteProject) -> None:
    config = (project.root / "mkdocs.yml").read_text()
    (project.root / "mkdocs.yml").write_text(config.replace("  - journeysite:\n", "  - journeysite:\n      nav_entries: false\n", 1))
    site = project.build(strict=True)
    nav = [a["href"] for a in site.html("insights/freshness/").select("nav.md-nav--primary a.md-nav__link[href]")]
    assert "../../maps/" in nav and "../coverage/" in nav
    assert not [h for h in nav if "first-home-claim" in h or "claims-hotline" in h or "teams/claims" in h]
    # The entries are still built and linked from their index pages.
    assert (site.root / "maps/first-home-claim/index.html").is_file()
    assert site.article("maps/").select_one("a[href='../maps/first-home-claim/'], a[href='first-home-claim/']")


def test_dirty_rebuild_updates_every_page_that_depends_on_an_edited_map(project: SiteProject) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(project.root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)
    site = Site(Path(config.site_dir))
    untouched = site.root / "maps/buy-first-home-insurance/index.html"
    before = untouched.stat().st_mtime_ns
    # A generated page that does not show the edited map (the hotline is not in it).
    untouched_generated = site.root / "touchpoints/claims-hotline/index.html"
    before_generated = untouched_generated.stat().st_mtime_ns

    project.kb.edit("maps/repair-booking.md", "title: Book a repair with a network repairer", "title: Book a repair online")
    project.kb.edit("maps/repair-booking.md", "emotion: 1", "emotion: 4")
    build(config, dirty=True)

    assert heading(site.article("maps/repair-booking/").h1) == "Book a repair online"
    for page in ("maps/", "teams/partner-network/", "personas/first-time-homeowner/", "maps/first-home-claim/", "insights/freshness/"):
        assert "Book a repair online" in site.article(page).get_text(), page
    waits = [tr for tr in site.article("touchpoints/repairer-booking/").select("tbody tr") if "Wait for the call" in tr.get_text()]
    assert "4 · positive" in waits[0].get_text()
    assert json.loads((site.root / "maps.json").read_text())["maps"]["repair-booking"]["title"] == "Book a repair online"
    assert untouched.stat().st_mtime_ns == before  # a page that does not depend on the edit is not rebuilt
    assert untouched_generated.stat().st_mtime_ns == before_generated

    # A title of the same length changes only raw blocks, not where they sit
    # in a listing's Markdown (see `set_aside`): the listings are built again.
    project.kb.edit("maps/repair-booking.md", "title: Book a repair online", "title: Book a repair onlime")
    build(config, dirty=True)
    for page in ("maps/", "insights/freshness/", "touchpoints/repairer-booking/"):
        assert "Book a repair onlime" in site.article(page).get_text(), page


def test_team_page_facts(example_site: Site) -> None:
    facts = [li.get_text(" ", strip=True) for li in example_site.article("teams/contact-centre/").select(".js-facts li")]
    assert facts == ["Function: Customer service", "Lead: Sam Okafor", "Contact: contact-centre@larkspur.example"]
    assert example_site.article("teams/contact-centre/").select_one('.js-facts a[href="mailto:contact-centre@larkspur.example"]')


def test_at_a_glance_and_the_freshness_counts(example_site: Site) -> None:
    """A manager sees the state of the knowledge base in numbers, each a
    link to the page behind it; the freshness dashboard opens with its counts."""
    tiles = example_site.article("insights/").select(".js-glance a.js-tile")
    shown = {t.select_one(".js-tile__words").get_text(): t.select_one(".js-tile__number").get_text() for t in tiles}
    assert shown == {"journey maps": "9", "fresh": "7", "review due": "0", "review overdue": "1", "never validated": "1",
                     "of steps cite evidence": "91 %", "open actions": "17", "open quick wins": "5", "late action": "1",
                     "high-value persona without a map": "1"}
    for tile in tiles:
        assert (example_site.root / "insights" / tile["href"] / "index.html").resolve().is_file(), tile["href"]
    counts = [b.get_text() for b in example_site.article("insights/freshness/").select(".js-counts .js-badge")]
    assert counts == ["\u26a0 1 review overdue", "? 1 never validated", "\u25f7 0 review due", "\u2714 7 fresh"]
    rows = example_site.article("insights/freshness/").select("tbody tr")
    assert len(rows) == 9


def test_the_map_canvas_is_one_grid_with_the_curve_over_its_steps(example_site: Site) -> None:
    """Stages as column groups, steps as columns, every lane as a row with
    a header, and the curve's points at the centres of the step columns
    (unmeasured steps are gaps); the page gets the whole width."""
    article = example_site.article("maps/storm-damage-claim/")
    grid = article.select_one(".js-canvas table")
    stages = grid.select("thead tr:nth-of-type(1) th[scope=colgroup]")
    assert [(th.get_text(), th["colspan"]) for th in stages] == [("Report the storm damage", "2"), ("Assess the loss", "2"), ("Settle", "1")]
    assert stages[1].a["href"] == "#stage-2"
    steps = [th.get_text(" ", strip=True) for th in grid.select("thead tr:nth-of-type(2) th[scope=col]")][1:]
    assert steps == ["Call on the morning after the storm ★", "Send photos of the damage", "Wait for the adjuster's visit",
                     "Meet the adjuster at home ★", "Receive the settlement"]
    rows = [th.get_text().split("5 at the top")[0] for th in grid.select("tbody th[scope=row]")]
    assert rows == ["Emotion", "Score", "Actions", "Touchpoints", "Pain points", "Opportunities",  # no step has thoughts or feelings
                    "Frontstage", "Backstage", "Support"]
    svg = grid.select_one(".js-canvas__curve svg")
    assert svg["viewbox" if svg.has_attr("viewbox") else "viewBox"] == "0 0 500 100"
    customer = [p["points"] for p in svg.select("polyline.js-curve--1")]
    assert customer == ["50,88 150,50", "350,31 450,50"]  # 1 and 3, a gap (not measured), then 4 and 3
    handler = [p["points"] for p in svg.select("polyline.js-curve--2")]
    assert handler == ["50,69", "450,69"]  # the claims handler scored two steps apart: two runs, each a dot
    assert [d["d"] for d in svg.select("path.js-dot--3")] == ["M350 50h0"]  # the loss adjuster: one step
    assert [d["d"] for d in svg.select("path.js-dot--1")] == ["M50 88h0M150 50h0M350 31h0M450 50h0"]  # a dot per scored step
    assert "Claim progress messages (SMS and email) (sms, email)" in grid.get_text(" ", strip=True)
    html = example_site.html("maps/storm-damage-claim/")
    assert html.select_one(".md-sidebar--primary[hidden]") is not None and html.select_one(".md-sidebar--secondary[hidden]") is not None


def test_map_page_puts_the_authors_words_right_after_the_journey(example_site: Site) -> None:
    """Why the map matters is read before the generated detail, not after ~6,000 px of tables."""
    headings = [heading(h) for h in example_site.article(CLAIM).select("h2")]
    assert headings[:4] == ["Journey", "Why this map matters", "How we built it", "Measures"]
    assert headings[-1] == "Micro-journeys"
    # A text that starts without a heading gets one, so it does not read as part of the journey's section.
    intro = example_site.article("maps/buy-first-home-insurance/")
    about = intro.find("h2", id="about-this-map")
    assert about is not None and about.find_previous("h2").get("id") == "journey"
    assert about.find_next_sibling().get_text().startswith("The end-to-end buying journey of a first-time homeowner")


def test_a_team_in_more_maps_than_its_page_lists_gets_a_page_with_them_all(project: SiteProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """A team page lists its first TEAM_MAPS maps in each list and links to a
    listing of all of them (in pages of PAGE_MAPS maps), which search skips
    and navigation leaves out."""
    from journeysite.pages import views
    from journeysite.pages.views import TEAM_MAPS

    monkeypatch.setattr(views, "PAGE_MAPS", 10)

    source = project.root / "content" / "maps" / "recommend-larkspur.md"
    text = source.read_text(encoding="utf-8")
    for i in range(TEAM_MAPS + 1):
        (source.parent / f"recommend-copy-{i:03}.md").write_text(
            text.replace("title: Recommend Larkspur after a good claim", f"title: Recommend Larkspur, copy {i:03}"), encoding="utf-8")
    owned = sum(1 for f in source.parent.glob("*.md") if "\nowner: marketing\n" in f.read_text(encoding="utf-8"))
    hostile = "Marketing <img src=x onerror=alert(1)> *loud*"  # the team's name heads the new page: text, nothing else
    project.kb.edit("teams/marketing.md", "name: Marketing", f"name: '{hostile}'")
    site = project.build(strict=True)

    team = site.article("teams/marketing/")
    assert len(team.find("h3", id="maps").find_next("ul").select("li")) == TEAM_MAPS
    assert len(team.find("h3", id="stages-and-steps").find_next("table").select("tbody tr")) == TEAM_MAPS
    claims = site.article("teams/claims/")  # contributes to every copy
    assert len(claims.find("strong", string="Contributes to:").parent.select("a")) == TEAM_MAPS
    (more,) = team.select(".js-caption a")
    assert more["href"] == "all/" and more.get_text() == "all of them are on a page of their own"

    full = site.article("teams/marketing/all/")
    assert full.h1.get_text(" ", strip=True).startswith(f"{hostile}: every map")
    assert not full.select("img, em") and "alert" not in site.html("teams/marketing/all/").title.get_text().replace(hostile, "")
    # Every map the team owns or has a part in, ten a page, each on one page only.
    pages = ["teams/marketing/all/", "teams/marketing/all/2/", "teams/marketing/all/3/"]
    assert [a["href"] for a in full.select_one("nav.js-pager").select("a")] == ["2/", "3/"] and not (site.root / pages[0] / "4").exists()
    owned_items = [li.a["href"] for page in pages for li in site.article(page).find("h3", id="maps").find_next("ul").select("li")]
    assert len(owned_items) == len(set(owned_items)) == owned > TEAM_MAPS
    rows = [len(site.article(page).find("h3", id="stages-and-steps").find_next("table").select("tbody tr")) for page in pages]
    assert rows[:2] == [10, 10] and sum(rows) > TEAM_MAPS
    assert heading(site.article(pages[1]).h1).endswith("every map, page 2")
    index = json.loads((site.root / "search/search_index.json").read_text())
    assert not [d for d in index["docs"] if d["location"].startswith("teams/marketing/all/")]
    navigation = {a["href"].lstrip("./") for a in site.html("teams/").select(".md-nav a[href]")}
    assert not [href for href in navigation if "/all" in href]


def test_a_long_listing_comes_in_pages_that_link_to_each_other(project: SiteProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """A touchpoint or system page lists at most PAGE_MAPS maps; the rest
    follow on numbered pages, each listing its own maps once, linked both
    ways, and kept out of navigation and search."""
    from journeysite.pages import views

    monkeypatch.setattr(views, "PAGE_MAPS", 2)
    site = project.build(strict=True)
    users = ["claim-photo-evidence", "first-home-claim", "repair-booking", "storm-damage-claim-future", "storm-damage-claim"]
    addresses = ["touchpoints/claim-updates/", "touchpoints/claim-updates/2/", "touchpoints/claim-updates/3/"]
    listed = []
    for number, address in enumerate(addresses, 1):
        article = site.article(address)
        assert heading(article.h1) == "Claim progress messages (SMS and email)" + (f", page {number}" if number > 1 else "")
        assert "Used in 11 steps" in article.get_text(" ", strip=True), "the summary counts every page's steps"
        top, bottom = article.select("nav.js-pager")
        assert top.get_text(" ", strip=True) == bottom.get_text(" ", strip=True)
        assert top.get_text(" ", strip=True).startswith(f"Maps {2 * number - 1}\u2013{min(2 * number, 5)} of 5:"
                                                        if number < 3 else "Map 5 of 5:")
        assert top.select_one("[aria-current=page]").get_text() == str(number)
        links = {a.get_text(): a for a in top.select("a")}
        assert sorted(links) == [str(n) for n in range(1, 4) if n != number]
        for n, a in links.items():
            assert resolve(site, address, a["href"]) == resolve(site, addresses[int(n) - 1], "")
            assert a.get("rel") == (["next"] if int(n) == number + 1 else ["prev"] if int(n) == number - 1 else None)
        listed.append(list(dict.fromkeys(
            Path(urlsplit(a["href"]).path).name for a in article.select("table tbody tr td:first-child a"))))
    assert listed == [users[0:2], users[2:4], users[4:5]]

    one = site.article("touchpoints/claims-hotline/")
    assert not one.select("nav.js-pager") and not (site.root / "touchpoints/claims-hotline/2").exists()
    system = site.article("systems/claims-system/")
    assert "Supports" in system.get_text() and not system.select("nav.js-pager")
    navigation = {a["href"] for a in site.html("touchpoints/claim-updates/").select(".md-nav a[href]")}
    assert not [href for href in navigation if "claim-updates/2" in href or "claim-updates/3" in href]
    index = json.loads((site.root / "search/search_index.json").read_text())
    assert not [d for d in index["docs"] if d["location"].startswith("touchpoints/claim-updates/")]


def test_mkdocs_holds_each_raw_block_once(project: SiteProject) -> None:
    """MkDocs keeps every page's Markdown and HTML to the end of a build. The
    Markdown it gets has a reference line where each of our raw blocks was;
    only the HTML holds the block. An author's page that writes such a line
    gets nothing from another page; a block in an author's code block stays
    code."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import BasePlugin

    held: dict[str, str] = {}

    class Holds(BasePlugin):  # type: ignore[type-arg]
        def on_page_content(self, html: str, page: object, **kwargs: object) -> str:
            held[page.file.src_uri] = page.markdown  # type: ignore[attr-defined]
            return html

    (project.root / "content" / "notes.md").write_text('# Notes\n\n<div data-js-raw-ref="0:4000"></div>\n', encoding="utf-8")
    code = "<table data-js-raw>\n<tr><td>kept as code</td></tr>\n</table>\n"
    project.kb.write("maps/first-home-claim.md", (project.kb.root / "maps/first-home-claim.md").read_text(encoding="utf-8")
                     + f"\n## Code\n\n```html\n{code}```\n")
    config = load_config(str(project.root / "mkdocs.yml"), strict=True)
    config.plugins["holds"] = Holds()
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    site = Site(Path(config.site_dir))

    for page in ("maps/repair-booking.md", "touchpoints/claims-hotline.md", "insights/actions.md"):
        assert "data-js-raw-ref" in held[page] and "<td" not in held[page], page
    assert canvas_rows(site.article(CLAIM))["Touchpoints"][1] == "Claims hotline (phone)"
    assert site.article(CLAIM).find("h2", id="code").find_next("pre").get_text() == code
    assert "data-js-raw-ref" not in site.html(CLAIM).get_text() + str(site.html(CLAIM))
    assert len(site.article("touchpoints/claims-hotline/").select("tbody tr")) >= 3
    notes = site.article("notes/")
    assert not notes.select("td, tr, table") and notes.select_one("div[data-js-raw-ref]") is not None
