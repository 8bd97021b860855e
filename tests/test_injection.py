"""The injection corpus: hostile values in every field, id, key and file name
a pull request can write, built into a real site and scanned.

Threat model (docs/security.md): PR authors are semi-trusted, PR branches run
in CI, every employee reads the site. Nothing a PR writes may run in a
reader's browser, leave the site or scratch folders, or read outside the
content folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import TODAY, KnowledgeBase, SiteProject

CLAIM = "maps/first-home-claim.md"
#: Runs script wherever it lands as HTML.
IMG = "<img src=x onerror=alert(1)>"
TITLE_BREAK = f"Harmless</title>{IMG}"


def hostile(project: SiteProject) -> None:
    """Write the corpus into the project's content: each case where it stands."""
    kb = project.kb
    tp = kb.root / "touchpoints.yml"
    tp.write_text(tp.read_text().replace("name: Claims hotline", f"name: '{TITLE_BREAK}'", 1)
                  + "'javascript:alert(1)':\n  name: Bad id\n  channel: web\n  owner: claims\n"
                  + f"'{IMG}':\n  name: Tag id\n  channel: web\n  owner: claims\n")
    kb.edit(CLAIM, "tags: [claims, home]", f"tags: [claims, '{IMG}']")
    body = kb.root / "personas/first-time-homeowner.md"
    body.write_text(body.read_text() + f"\n{IMG}\n\nInline <b onmouseover=alert(1)>bold</b> and `<code>` and\n\n```html\n<b>shown</b>\n```\n")
    kb.edit("teams/claims.md", "name: Claims", f"name: 'Claims {IMG}'")
    kb.edit("personas/first-time-homeowner.md", "name: First-time homeowner", f"name: 'Homeowner {TITLE_BREAK}'")
    # A broken map: keys and values reach its error box.
    kb.write("maps/broken-keys.md", "---\ntitle: Broken keys\npersona: first-time-homeowner\nphase: own\nowner: claims\n"
             "stages: [{name: S, steps: [{name: T, emotion: 3}]}]\n"
             "\"k`{: tabindex=1 autofocus onfocus=alert(1) }`\": 1\n"
             f"\"{IMG}\": 2\n---\n")
    # File and folder names.
    kb.write(f"personas/x{IMG}.md", "---\nname: Odd file\nvalue: low\n---\n")
    kb.write(f"notes/{IMG}/page.md", "# Notes\n\nA page in a folder with a hostile name.\n")
    kb.write("notes/heading.md", "# Hello &lt;img src=x onerror=alert(1)&gt;\n\nTitle from the heading.\n")
    kb.write("notes/[x](javascript:alert(1)).md", "# Link in a file name\n")
    kb.write('notes/x" onmouseover="alert(1).md', "# Quote in a file name\n")
    # The blueprint's fields: lanes, quotes, branches, system names, extension keys and values.
    storm = "maps/storm-damage-claim.md"
    kb.edit(storm, "frontstage: The handler takes", f"frontstage: {IMG} The handler takes")
    kb.edit(storm, "backstage: The handler types", f"backstage: {IMG} The handler types")
    kb.edit(storm, "text: I was holding a bucket", f"text: {IMG} I was holding a bucket")
    kb.edit(storm, "who: Customer, interview 3", f"who: '{TITLE_BREAK}'")
    kb.edit(storm, "when: Damage under 2,500 pounds", f"when: '{IMG}'")
    kb.edit(storm, "bright_spots: [Uploading", f"bright_spots: ['{IMG}', Uploading")
    kb.edit(storm, "x-journey-id: CX-STORM-04", f"x-journey-id: '{IMG}'\n        'x-{IMG}': [1, '{IMG}']")
    kb.edit(storm, "x-programme: Storm readiness 2027", f"x-programme: {{'{IMG}': '{TITLE_BREAK}'}}\nx-{IMG}: 1")
    # Metrics and measurements: names, units and descriptions; a CSV row's cells.
    metrics = kb.root / "metrics.yml"
    metrics.write_text(metrics.read_text().replace("name: Claims satisfaction", f"name: '{TITLE_BREAK}'")
                       .replace('unit: "%"', f"unit: '{IMG}'", 1).replace("description: Share of claimants", f"description: {IMG} Share of claimants"))
    survey = kb.root / "metrics/claims-survey.csv"
    survey.write_text(survey.read_text() + f'claims-csat,2026-10-01,80,storm-damage-claim,"{IMG}",\n')
    systems = kb.root / "systems.yml"
    systems.write_text(systems.read_text().replace("name: Loss-adjuster portal", f"name: '{TITLE_BREAK}'")
                       + f"'{IMG}':\n  name: Tag id\n  owner: claims\n")


def scan(site: Path) -> list[str]:
    """Every place in the built site where content became live HTML."""
    found = []
    for page in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        rel = page.relative_to(site).as_posix()
        for tag in soup.find_all(True):
            live = [a for a in tag.attrs if a.lower().startswith("on") or a.lower() == "autofocus"]
            if live:
                found.append(f"{rel}: <{tag.name} {live}>")
            href = str(tag.get("href", "")).strip().lower()
            if href.startswith("javascript:"):
                found.append(f"{rel}: <{tag.name} href={href}>")
            if tag.name == "img" and tag.get("src") == "x":
                found.append(f"{rel}: <img src=x>")
    return found


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_project

    project = copy_project(tmp_path_factory.mktemp("hostile"))
    hostile(project)
    site = project.build(strict=False)
    return site.root


def test_nothing_from_content_runs_on_any_page(hostile_site: Path) -> None:
    assert len(list(hostile_site.rglob("*.html"))) > 40
    assert scan(hostile_site) == []


def test_titles_show_hostile_text_as_text(hostile_site: Path) -> None:
    titles = {p.relative_to(hostile_site).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").title
              for p in hostile_site.rglob("*.html")}
    assert titles["touchpoints/claims-hotline/index.html"].get_text().startswith(TITLE_BREAK)
    assert titles["notes/heading/index.html"].get_text().startswith("Hello <img src=x onerror=alert(1)>")
    assert titles["personas/first-time-homeowner/index.html"].get_text().startswith(f"Homeowner {TITLE_BREAK}")


def test_tags_are_text_on_pages_tags_index_and_search(hostile_site: Path) -> None:
    page = BeautifulSoup((hostile_site / "maps/first-home-claim/index.html").read_text(), "html.parser")
    assert IMG in [t.get_text(strip=True) for t in page.select(".md-tag")]
    index = json.loads((hostile_site / "search/search_index.json").read_text())
    tags = {tag for doc in index["docs"] for tag in doc.get("tags", [])}
    assert IMG not in tags and "&lt;img src=x onerror=alert(1)&gt;" in tags
    assert not any("<img" in doc["title"] for doc in index["docs"])


def test_metrics_show_hostile_text_as_text(hostile_site: Path) -> None:
    page = BeautifulSoup((hostile_site / "insights/metrics/index.html").read_text(), "html.parser")
    text = page.select_one("article").get_text(" ")
    assert TITLE_BREAK in text and f"unit: {IMG}" in text and f"{IMG} Share of claimants" in text
    storm = BeautifulSoup((hostile_site / "maps/storm-damage-claim/index.html").read_text(), "html.parser")
    assert f"79 {IMG}" in storm.find("h2", id="measures").find_next("table").get_text(" ")


def test_blueprint_fields_show_hostile_text_as_text(hostile_site: Path) -> None:
    page = BeautifulSoup((hostile_site / "maps/storm-damage-claim/index.html").read_text(), "html.parser")
    text = page.select_one("article").get_text(" ")
    for shown in (f"{IMG} The handler takes", f"{IMG} The handler types", f"{IMG} I was holding a bucket", TITLE_BREAK,
                  f"x-journey-id: {IMG}", f'x-{IMG}: [1, "{IMG}"]', f"x-{IMG}"):
        assert shown in text, shown
    system = BeautifulSoup((hostile_site / "systems/adjuster-portal/index.html").read_text(), "html.parser")
    assert system.title.get_text().startswith(TITLE_BREAK)
    assert not list(hostile_site.glob("systems/<img*"))
    data = json.loads((hostile_site / "maps.json").read_text())
    assert data["maps"]["storm-damage-claim"][f"x-{IMG}"] == 1  # kept as data, for tools that escape it themselves


def test_invalid_and_reserved_ids_get_no_page(hostile_site: Path) -> None:
    assert not list(hostile_site.glob("touchpoints/javascript*"))
    assert not list(hostile_site.glob("touchpoints/<img*"))
    touchpoints = BeautifulSoup((hostile_site / "touchpoints/index.html").read_text(), "html.parser")
    assert "Claims hotline" not in touchpoints.get_text() and "Harmless" in touchpoints.get_text()


def test_an_id_cannot_write_outside_the_site(project: SiteProject, tmp_path: Path) -> None:
    """`mkdocs build --dirty` wrote generated pages to scratch files named by
    their id: `../../` in a touchpoint id wrote a README elsewhere."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "README.md").write_text("untouched\n")
    tp = project.kb.root / "touchpoints.yml"
    depth = "../" * 12
    tp.write_text(tp.read_text() + f"'{depth}{elsewhere.relative_to('/')}/README':\n  name: Escape\n  channel: web\n  owner: claims\n")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--dirty"], cwd=project.root, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "JS113" in done.stderr
    assert (elsewhere / "README.md").read_text() == "untouched\n"
    site = project.root / "site"
    assert [p for p in site.rglob("*") if not p.resolve().is_relative_to(site.resolve())] == []


def test_symlinks_out_of_the_content_folder_are_neither_read_nor_published(project: SiteProject, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=hunter2\n")
    kb = project.kb.root
    (kb / "leak.md").symlink_to(secret)
    (kb / "maps" / "linked.md").symlink_to(secret)
    (kb / "leaked-dir").symlink_to(tmp_path)
    (tmp_path / "maps-elsewhere").mkdir()
    (tmp_path / "maps-elsewhere" / "stolen.md").write_text("---\ntitle: TOKEN=hunter2\n---\n")
    (kb / "maps" / "linked-folder").symlink_to(tmp_path / "maps-elsewhere")  # a map in a folder linked out
    (kb / "same-place.md").symlink_to(kb / "index.md")  # inside: fine
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    check = subprocess.run([sys.executable, "-m", "journeysite.cli", "check", "--today", TODAY.isoformat()],
                           cwd=project.root, capture_output=True, text=True, env=env)
    assert check.returncode == 1
    for rel in ("leak.md", "maps/linked.md", "leaked-dir", "maps/linked-folder"):
        assert f"content/{rel}:1:1: JS122 symbolic link to a place outside the content folder" in check.stdout, check.stdout
    assert "same-place.md" not in check.stdout and "hunter2" not in check.stdout
    strict = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project.root, capture_output=True, text=True, env=env)
    assert strict.returncode == 1 and "JS122" in strict.stderr
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=project.root, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    site = project.root / "site"
    published = [p.read_bytes() for p in site.rglob("*") if p.is_file()]
    assert not any(b"hunter2" in data for data in published)
    assert (site / "same-place/index.html").is_file()


def test_a_pull_request_cannot_make_diff_read_outside_the_repository(tmp_path: Path) -> None:
    from gitrepos import GitRepo, journeysite

    secret = tmp_path / "secret"
    (secret / "maps").mkdir(parents=True)
    (secret / "maps" / "stolen.md").write_text("---\ntitle: TOKEN=hunter2\n---\n")
    repo = GitRepo.create(tmp_path / "repo")
    repo.commit("Example")
    config = repo.site.root / "mkdocs.yml"
    original = config.read_text()
    for option in ("maps_dir: ../../../../../../../../..{0}/maps", "touchpoints_file: {0}/maps/stolen.md"):
        config.write_text(original.replace("      review_every: 90\n", "      " + option.format(secret) + "\n", 1))
        repo.commit("Point the layout elsewhere")
        done = journeysite("diff", "HEAD~1", "HEAD", "--project", "handbook/journeys/mkdocs.yml", cwd=repo.root)
        assert done.returncode == 2 and "must be a relative path inside the content folder" in done.stderr, done.stderr
        assert "hunter2" not in done.stdout + done.stderr and "Traceback" not in done.stderr
    config.write_text(original)
    repo.commit("Restore")
    config.write_text(original.replace("docs_dir: content", f"docs_dir: {secret}", 1))
    repo.commit("Point docs_dir elsewhere")
    for revs in (("HEAD~1", "HEAD"), ("HEAD~1",)):
        done = journeysite("diff", *revs, "--project", "handbook/journeys/mkdocs.yml", cwd=repo.root)
        assert done.returncode == 2 and "is outside the repository" in done.stderr, done.stderr
        assert "hunter2" not in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_export_ignore_cannot_hide_an_added_map(tmp_path: Path) -> None:
    from gitrepos import GitRepo, journeysite

    repo = GitRepo.create(tmp_path / "repo")
    repo.commit("Example")
    claim = repo.kb.root / CLAIM
    (repo.kb.root / "maps/hidden-map.md").write_text(claim.read_text().replace("title: Make a first home-insurance claim", "title: Hidden map"))
    (repo.root / ".gitattributes").write_text("hidden-map.md export-ignore\n")
    (repo.kb.root / "maps/outside.md").symlink_to("/etc/passwd")
    repo.commit("Add a map the archive would leave out")
    done = journeysite("diff", "HEAD~1", "HEAD", "--project", "handbook/journeys/mkdocs.yml", "--today", "2026-11-23", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    assert "### Added: Hidden map" in done.stdout
    assert "root:" not in done.stdout


@pytest.mark.parametrize("value", ["a\n::error file=x::forged", "a\r\n::warning::forged", "\x1b[2Ja", "a\u2028::error::x"])
def test_no_value_starts_a_line_of_its_own_in_check_output(project: SiteProject, value: str) -> None:
    project.kb.edit(CLAIM, "phase: own", f"phase: {json.dumps(value)}")
    for fmt in ("text", "github"):
        done = subprocess.run([sys.executable, "-m", "journeysite.cli", "check", "--format", fmt, "--today", TODAY.isoformat()],
                              cwd=project.root, capture_output=True, text=True)
        assert done.returncode == 1
        lines = done.stdout.splitlines()
        assert not [line for line in lines if "forged" in line and not line.startswith(("content/", "::error file=content/"))]
        assert "\x1b" not in done.stdout and "\u2028" not in done.stdout


def test_ids_with_a_trailing_newline_and_reserved_ids_are_refused(kb: KnowledgeBase) -> None:
    tp = kb.root / "touchpoints.yml"
    tp.write_text(tp.read_text() + '"hotline\\n":\n  name: Newline\n  channel: web\n  owner: claims\nindex:\n  name: Index\n  channel: web\n  owner: claims\n')
    catalog = kb.catalog()
    assert "hotline\n" not in catalog.touchpoints and "index" not in catalog.touchpoints
    messages = [d.format() for d in catalog.diagnostics if d.code == "JS113"]
    assert any("'hotline\\n' is not a valid id" in m for m in messages), messages
    assert any("'index' is reserved" in m for m in messages), messages


def test_aliases_cannot_amplify_text(kb: KnowledgeBase) -> None:
    """A 56 KB file whose one 20,000-character string is used 9,000 times
    would be a 180 MB page and search index."""
    text = "---\ntitle: &t " + "x" * 20_000 + "\npersona: first-time-homeowner\ngaps: [" + ", ".join(["*t"] * 9000) + "]\n---\n"
    kb.write("maps/amplified.md", text)
    (error,) = [e for e in kb.errors() if e.startswith("maps/amplified.md")]
    assert error == "maps/amplified.md:4:7: JS105 YAML aliases expand to more than 100,000 extra characters of text; refusing to expand them"
    kb.write("maps/amplified.md", "---\nx: &t some words\ny: [*t, *t, *t]\n---\n")
    assert not any("JS105" in e for e in kb.errors())


def test_raw_html_in_bodies_is_text_unless_the_site_allows_it(project: SiteProject) -> None:
    body = project.kb.root / "teams/claims.md"
    body.write_text(body.read_text() + "\n<p class=\"allowed\">Raw <b>HTML</b></p>\n\nAnd `<code>`.\n")
    page = BeautifulSoup((project.build().root / "teams/claims/index.html").read_text(), "html.parser")
    assert page.select("p.allowed") == [] and '<p class="allowed">Raw <b>HTML</b></p>' in page.get_text()
    assert "<code>" in [c.get_text() for c in page.select("article code")]
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("      review_every: 90\n", "      review_every: 90\n      raw_html: true\n", 1))
    page = BeautifulSoup((project.build().root / "teams/claims/index.html").read_text(), "html.parser")
    assert page.select_one("p.allowed b").get_text() == "HTML"


#: Every free-text field of the content model, by name.
TEXT_FIELDS = {"title", "name", "goal", "actions", "thoughts", "feelings", "pain_points", "opportunities", "gaps", "notes", "sponsor",
               "metric", "result", "segment", "quote", "goals", "needs", "lead", "function", "contact"}


def poisoned(value: object, key: str = "") -> object:
    """`value` with the payload added to every free-text field (and to both
    names of an action's `step`, so the map stays valid)."""
    if key == "kpis":  # ids and numbers (a KPI's `metric` is an id, an action's is text)
        return value
    if isinstance(value, dict):
        return {k: poisoned(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [poisoned(v, key) for v in value]
    if isinstance(value, str) and key == "step":
        return " / ".join(f"{part} {IMG}" for part in value.split(" / "))
    if isinstance(value, str) and key in TEXT_FIELDS:
        return f"{value} {IMG} `x` *y* [z](javascript:alert(1)) {{: onclick=alert(1) }}"
    return value


def test_every_text_field_of_maps_personas_and_teams_is_inert(project: SiteProject) -> None:
    import yaml

    for rel in ("maps/first-home-claim.md", "personas/first-time-homeowner.md", "teams/claims.md"):
        path = project.kb.root / rel
        front, body = path.read_text().split("\n---\n", 1)
        data = poisoned(yaml.safe_load(front.removeprefix("---\n")))
        path.write_text("---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body)
    site = project.build(strict=False).root
    assert scan(site) == []
    page = BeautifulSoup((site / "maps/first-home-claim/index.html").read_text(), "html.parser")
    assert page.title.get_text().startswith(f"Make a first home-insurance claim {IMG}")
    assert f"Get help quickly and know what to do next {IMG}" in page.get_text()
