"""The Atom feed: maps added, validated, overdue and wins, newest first,
well-formed whatever the content holds, each entry linking to its page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import Site, SiteProject
from gitrepos import GitRepo

A = "{http://www.w3.org/2005/Atom}"


def entries(site_root: Path) -> list[tuple[str, str, str, str]]:
    feed = ET.parse(site_root / "feed.xml").getroot()  # noqa: S314 (the feed the test just built)
    return [(str(e.find(f"{A}category").get("term")), str(e.findtext(f"{A}title")), str(e.findtext(f"{A}updated")),  # type: ignore[union-attr]
             str(e.find(f"{A}link").get("href"))) for e in feed.findall(f"{A}entry")]  # type: ignore[union-attr]


def test_the_feed_lists_what_happened_newest_first_with_working_links(example_site: Site) -> None:
    found = entries(example_site.root)
    assert found[0] == ("validated", "Validated: Settle a storm-damage claim in days, not weeks (future state)", "2026-11-10T00:00:00Z",
                        "maps/storm-damage-claim-future/")
    assert ("overdue", "Review overdue: Renew cover for several rental homes", "2026-07-07T00:00:00Z",
            "maps/renew-landlord-policies/") in found
    assert ("win", "Win: Receipt message after each upload", "2026-10-20T00:00:00Z", "maps/claim-photo-evidence/") in found
    assert [when for _, _, when, _ in found] == sorted((when for _, _, when, _ in found), reverse=True)
    for _, _, _, href in found:
        assert (example_site.root / href / "index.html").is_file(), href
    assert example_site.article("insights/").find("a", string="Atom feed")["href"] == "../feed.xml"


def test_the_feed_is_well_formed_whatever_a_title_holds(project: SiteProject) -> None:
    project.kb.edit("maps/claim-photo-evidence.md", "title: Receipt message after each upload",
                    'title: "Receipt </title><script>alert(1)</script> & \\x01 done"')
    (_, title, _, _) = next(e for e in entries(project.build().root) if e[0] == "win")
    assert title == "Win: Receipt </title><script>alert(1)</script> &  done"  # text, the control character dropped


def test_the_feed_names_maps_added_from_git_and_the_site_address(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.kb.edit("../mkdocs.yml", "site_name: Larkspur customer journeys", "site_name: Larkspur customer journeys\nsite_url: https://cx.larkspur.example/journeys/")
    repo.commit("Example", date="2026-10-01T09:00:00")
    repo.kb.write("maps/new-journey.md", (repo.kb.root / "maps/recommend-larkspur.md").read_text().replace(
        "title: Recommend Larkspur after a good claim", "title: A new journey"))
    repo.commit("A new map", date="2026-11-21T09:00:00")
    site = repo.site.build(strict=True)
    feed = ET.parse(site.root / "feed.xml").getroot()  # noqa: S314 (the feed the test just built)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}base") == "https://cx.larkspur.example/journeys/"
    assert entries(site.root)[0] == ("added", "New map: A new journey", "2026-11-21T00:00:00Z", "maps/new-journey/")
