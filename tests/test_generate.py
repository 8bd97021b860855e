"""`journeysite generate`: the site as a plain docs folder that Zensical,
MkDocs and ProperDocs build without the plugin, with the same pages and links."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import REPO, TODAY, Site, SiteProject, copy_project, generated


def pages_and_links(site: Site) -> dict[str, set[str]]:
    """Every page of a site, with the site pages its article links to."""
    found = {}
    for page in sorted(site.root.rglob("index.html")):
        rel = page.relative_to(site.root).as_posix()
        url = "/" + rel.removesuffix("index.html")
        article = site.article(rel)
        links = set()
        for a in article.select("a[href]") if article else []:
            href = str(a["href"])
            if urlsplit(href).scheme or href.startswith("#") or "headerlink" in (a.get("class") or []):
                continue
            links.add(urlsplit(urljoin(url, href)).path)
        found[url] = links
    return found


def test_zensical_builds_the_same_pages_and_links_as_the_plugin(example_site: Site, zensical_site: Site) -> None:
    ours, theirs = pages_and_links(example_site), pages_and_links(zensical_site)
    assert len(ours) > 40
    # Zensical makes its own tags page, and its map pages do not link their tags to it.
    assert set(theirs) - {"/tags/"} == set(ours) - {"/tags/"}
    different = {page: (ours[page] ^ theirs[page]) - {"/tags/"} for page in ours if page != "/tags/"}
    assert {page: links for page, links in different.items() if links} == {}
    for page in theirs.values():
        for target in page:
            assert (zensical_site.root / target.lstrip("/") / "index.html").is_file() or (zensical_site.root / target.lstrip("/")).is_file(), target
    claim = zensical_site.article("maps/first-home-claim/")
    assert (claim.select_one("pre.mermaid") is not None and claim.select(".admonition") == []) or claim.select_one(".js-facts li")
    assert "**" not in claim.get_text() and "!!!" not in claim.get_text()


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_mkdocs_and_properdocs_build_the_generated_folder(tmp_path: Path, engine: str, example_site: Site) -> None:
    site = generated(copy_project(tmp_path), engine)
    assert set(pages_and_links(site)) == set(pages_and_links(example_site))
    assert (site.root / "maps.json").read_text() == (example_site.root / "maps.json").read_text()


def test_generate_never_clears_a_folder_it_did_not_write(project: SiteProject) -> None:
    other = project.root / "notes"
    other.mkdir()
    (other / "keep.md").write_text("mine\n")
    (project.root / "a-file").write_text("x")
    for out, message in (("notes", "not written by `journeysite generate`"), ("content/out", "must be outside the content folder"),
                         ("a-file", "a file, not a folder")):
        done = subprocess.run([sys.executable, "-m", "journeysite.cli", "generate", "--out", out], cwd=project.root, capture_output=True, text=True)
        assert done.returncode == 2 and message in done.stderr, done.stderr
    assert (other / "keep.md").read_text() == "mine\n"
    first = subprocess.run([sys.executable, "-m", "journeysite.cli", "generate", "--out", "build"], cwd=project.root, capture_output=True, text=True)
    again = subprocess.run([sys.executable, "-m", "journeysite.cli", "generate", "--out", "build"], cwd=project.root, capture_output=True, text=True)
    assert first.returncode == again.returncode == 0 and first.stdout == again.stdout


def test_a_broken_map_keeps_its_page_and_fails_generate(project: SiteProject) -> None:
    project.kb.edit("maps/first-home-claim.md", "phase: own", "phase: owned")
    done = subprocess.run([sys.executable, "-m", "journeysite.cli", "generate", "--out", "build"], cwd=project.root, capture_output=True, text=True)
    assert done.returncode == 1
    assert "content/maps/first-home-claim.md:4:8: JS113 phase:" in done.stderr
    assert "!!! failure" in (project.root / "build/maps/first-home-claim.md").read_text()


def test_pages_of_latin1_content_hold_no_wider_character(tmp_path: Path) -> None:
    """Python stores a string with one character above U+00FF at two or four
    bytes per character, and MkDocs holds every page: our symbols are
    character references."""
    sys.path.insert(0, str(REPO / "bench"))
    import synthetic

    from journeysite.core.catalog import build
    from journeysite.pages.generate import generate
    from journeysite.pages.views import Paths

    synthetic.write(tmp_path, 40)
    pages = dict(generate(build(tmp_path, TODAY), Paths(), {}).pages)
    symbols = {"&#x2714;", "&#x26A0;", "&#x25F7;"}  # fresh, overdue, due
    assert all(any(s in md for md in pages.values()) for s in symbols)
    assert {path: max(md) for path, md in pages.items() if max(md) > "\xff"} == {}


def test_the_generated_configuration_keeps_the_later_pages_of_a_listing_out_of_the_navigation(
        project: SiteProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """Zensical makes its navigation from the folder: `not_in_nav` keeps out
    of it the pages the plugin keeps out of MkDocs' (here, a touchpoint's
    listing in pages of two maps), while their links still work."""
    from journeysite.cli import main
    from journeysite.pages import views

    monkeypatch.setattr(views, "PAGE_MAPS", 2)
    monkeypatch.chdir(project.root)
    (project.root / "mkdocs.yml").write_text((project.root / "mkdocs.yml").read_text() + "not_in_nav: /drafts/*.md\n")
    assert main(["generate", "--out", "build/docs", "--config", "build/mkdocs.yml"]) == 0
    built = subprocess.run([str(Path(sys.executable).with_name("zensical")), "build", "--strict", "-f", "build/mkdocs.yml"],
                           cwd=project.root, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    site = Site(project.root / "build" / "site")
    later = ["touchpoints/claim-updates/2/", "touchpoints/claim-updates/3/"]
    for page in ["touchpoints/quote-email/", "touchpoints/claim-updates/", *later]:
        navigation = [a["href"] for a in site.html(page).select(".md-nav a[href]")]
        assert navigation and not [href for href in navigation if "claim-updates/2" in href or "claim-updates/3" in href], page
    pager = site.article(later[0]).select_one("nav.js-pager")
    assert [urljoin(f"/{later[0]}", a["href"]) for a in pager.select("a")] == ["/touchpoints/claim-updates/", f"/{later[1]}"]
    assert all((site.root / page / "index.html").is_file() for page in later)
    assert "/drafts/*.md" in (project.root / "build" / "mkdocs.yml").read_text(), "the project's own patterns stay"


def test_generate_watch_writes_again_only_what_changed(project: SiteProject, tmp_path: Path) -> None:
    """`generate --watch` beside `zensical serve`: after an edit, the pages
    that show it are written again and no other; a deleted map's page goes;
    and the folder is then what a new `generate` writes, byte for byte."""
    import queue
    import signal
    import threading

    watch = subprocess.Popen([sys.executable, "-m", "journeysite.cli", "generate", "--watch", "--out", "build"], cwd=project.root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.rstrip("\n")) for line in watch.stdout or ()], daemon=True).start()
    out = project.root / "build"

    def written() -> dict[str, int]:
        return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    try:
        first = lines.get(timeout=60)
        assert first.startswith("wrote ") and first.endswith(" files to build"), first
        before = written()
        project.kb.edit("maps/first-home-claim.md", "title: Make a first home-insurance claim", "title: Claim for the first time")
        again = lines.get(timeout=60)
        after = written()
        changed = {rel for rel in after if after[rel] != before.get(rel)}
        assert again == f"wrote {len(changed)} files to build", again
        assert {"maps/first-home-claim.md", "maps/index.md", "teams/claims.md", "personas/first-time-homeowner.md"} <= changed
        assert "Claim for the first time" in (out / "maps/index.md").read_text(encoding="utf-8")
        # A map the edit does not touch, our assets and the author's own files stay as they were.
        assert not changed & {"maps/renew-landlord-policies.md", "assets/journeysite/journeysite.css", "index.md"}
        assert len(changed) < len(after) / 2  # 25 of 70: the pages that list the map, its parts or its title
        (project.root / "content/maps/recommend-larkspur.md").unlink()
        removed = lines.get(timeout=60)
        assert removed.startswith("wrote ") and removed.endswith(", removed 1 file"), removed
        assert not (out / "maps/recommend-larkspur.md").exists()
    finally:
        watch.send_signal(signal.SIGINT)
        assert watch.wait(timeout=30) == 0
    assert "Traceback" not in (watch.stderr.read() if watch.stderr else "")
    fresh = subprocess.run([sys.executable, "-m", "journeysite.cli", "generate", "--out", str(tmp_path / "fresh")], cwd=project.root,
                           capture_output=True, text=True)
    assert fresh.returncode == 0, fresh.stderr
    mine, theirs = sorted(written()), sorted(p.relative_to(tmp_path / "fresh").as_posix() for p in (tmp_path / "fresh").rglob("*") if p.is_file())
    assert mine == theirs
    assert [rel for rel in mine if (out / rel).read_bytes() != (tmp_path / "fresh" / rel).read_bytes()] == []
