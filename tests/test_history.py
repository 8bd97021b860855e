"""'Last edited' comes from git history, with a fallback, and is not 'last validated'."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from conftest import TODAY, SiteProject
from gitrepos import GitRepo

from journeysite.git.history import Edit, last_edited

CLAIM = "maps/first-home-claim.md"


def facts(site_page) -> dict[str, str]:
    items = site_page.select(".js-facts li")
    return {li.strong.get_text().rstrip(":"): li.get_text(" ", strip=True).split(":", 1)[1].strip() for li in items}


def edited_title(site_page) -> str:
    return site_page.select_one(".js-facts .js-edited")["title"]


def test_map_pages_show_the_last_commit_apart_from_validation(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.commit("Example", date="2026-10-01T09:00:00")
    repo.kb.edit(CLAIM, "feelings: relieved", "feelings: calmer")
    repo.commit("Wording", date="2026-11-12T16:30:00")
    site = repo.site.build(strict=True)
    claim = site.article("maps/first-home-claim/")
    assert facts(claim)["Last edited"] == "2026-11-12 by Dana Ruiz"
    assert edited_title(claim).startswith("Date of the last commit")
    assert "Last validated 2026-10-06" in claim.select_one(".js-badge--validated").get_text()
    assert facts(site.article("maps/recommend-larkspur/"))["Last edited"] == "2026-10-01 by Dana Ruiz"
    dashboard = site.article("insights/freshness/")
    header = [th.get_text() for th in dashboard.select("thead th")]
    row = next(tr for tr in dashboard.select("tbody tr") if "first home-insurance claim" in tr.get_text())
    cell = row.select("td")[header.index("Last edited")]
    assert cell.get_text() == "2026-11-12"
    assert cell.select_one(".js-edited")["title"].startswith("Dana Ruiz: Date of the last commit")


def test_uncommitted_edits_and_no_git_fall_back_to_the_file(tmp_path: Path, project: SiteProject) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.commit("Example", date="2026-10-01T09:00:00")
    repo.kb.edit(CLAIM, "feelings: relieved", "feelings: calmer")
    stamp = dt.datetime(2026, 11, 20, 12).timestamp()
    os.utime(repo.kb.root / CLAIM, (stamp, stamp))
    edits = last_edited(repo.kb.root, [CLAIM, "maps/repair-booking.md"], TODAY)
    assert edits[CLAIM] == Edit(dt.date(2026, 11, 20), None, "working copy")
    assert edits["maps/repair-booking.md"] == Edit(dt.date(2026, 10, 1), "Dana Ruiz", "git")
    # Outside git: the file's date, never after the build date.
    future = dt.datetime(2027, 3, 1, 12).timestamp()
    os.utime(project.kb.root / CLAIM, (future, future))
    assert last_edited(project.kb.root, [CLAIM], TODAY) == {CLAIM: Edit(TODAY, None, "file")}
    claim = project.build().article("maps/first-home-claim/")
    assert facts(claim)["Last edited"] == TODAY.isoformat()
    assert edited_title(claim).startswith("No git history here")


def test_author_names_are_text(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.commit("Example")
    repo.kb.edit(CLAIM, "feelings: relieved", "feelings: calmer")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "y", "--author=*Mal* [lory](javascript:x) & co <m@x>")
    claim = repo.site.build().article("maps/first-home-claim/")
    assert facts(claim)["Last edited"].endswith("by *Mal* [lory](javascript:x) & co")
    assert claim.select_one(".js-facts em") is None and claim.select_one(".js-facts a[href^=javascript]") is None


def test_a_map_says_what_of_its_journey_changed_since_its_validation(tmp_path: Path) -> None:
    """The commit that last set `last_validated` is where the validation was
    recorded; later changes to stages, steps and emotions show on the map
    page and the dashboard, and rewording does not."""
    repo = GitRepo.create(tmp_path / "repo")
    repo.commit("Example", date="2026-10-01T09:00:00")
    repo.kb.edit(CLAIM, "last_validated: 2026-10-06", "last_validated: 2026-10-20")
    repo.commit("Validated with 12 customers", date="2026-10-20T09:00:00")
    repo.kb.edit(CLAIM, "feelings: relieved", "feelings: calmer")  # wording only
    repo.commit("Wording", date="2026-10-25T09:00:00")
    site = repo.site.build(strict=True)
    assert "Changed since validation" not in site.article("maps/first-home-claim/").get_text()
    assert not site.article("insights/freshness/").select(".js-changed")
    repo.kb.edit(CLAIM, "      - name: Call the claims hotline\n        emotion: 2", "      - name: Call the claims hotline\n        emotion: 4")
    repo.kb.edit(CLAIM, "      - name: Get a claim number\n", "      - name: Get a claim reference\n")  # a rename: wording
    repo.commit("Hotline is better now", date="2026-11-10T09:00:00")
    repo.kb.edit(CLAIM, "      - name: Rate the claim\n", "      - name: Rate the claim\n        optional: true\n")  # not the journey
    edits = last_edited(repo.kb.root, [CLAIM], TODAY, repo.kb.catalog())
    assert edits[CLAIM].validated_on == dt.date(2026, 10, 20)
    assert edits[CLAIM].since_validation == ("Report the damage / Call the claims hotline: 2 → 4",)
    site = repo.site.build(strict=True)
    claim = site.article("maps/first-home-claim/")
    warning = next(a for a in claim.select(".admonition.warning") if "Changed since validation" in a.get_text())
    assert "after the validation of 2026-10-20 was recorded (2026-10-20): Report the damage / Call the claims hotline: 2 → 4." in \
        warning.get_text(" ", strip=True)
    row = next(tr for tr in site.article("insights/freshness/").select("tbody tr") if "first home-insurance claim" in tr.get_text())
    marker = row.select_one(".js-changed")
    assert marker.get_text() == "✎ journey changed since validation (1 change)"
    assert marker["title"] == "Report the damage / Call the claims hotline: 2 → 4"
    assert last_edited(repo.kb.root, ["maps/repair-booking.md"], TODAY, repo.kb.catalog())["maps/repair-booking.md"].since_validation == ()


def test_what_changed_since_validation_is_text_on_every_page(tmp_path: Path) -> None:
    """Step names reach the "Changed since validation" box and the dashboard's
    marker title: a hostile one stays text."""
    from test_injection import IMG, scan

    repo = GitRepo.create(tmp_path / "repo")
    repo.kb.edit(CLAIM, "      - name: Call the claims hotline\n", f"      - name: '{IMG}\"'\n")
    repo.kb.edit(CLAIM, "step: Report the damage / Call the claims hotline", f"step: 'Report the damage / {IMG}\"'")
    repo.commit("Example", date="2026-10-01T09:00:00")
    repo.kb.edit(CLAIM, f"      - name: '{IMG}\"'\n        emotion: 2", f"      - name: '{IMG}\"'\n        emotion: 4")
    site = repo.site.build(strict=True)
    assert scan(site.root) == []
    warning = next(a for a in site.article("maps/first-home-claim/").select(".admonition.warning") if "Changed since validation" in a.get_text())
    assert f'Report the damage / {IMG}": 2 → 4' in warning.get_text()
    row = next(tr for tr in site.article("insights/freshness/").select("tbody tr") if "first home-insurance claim" in tr.get_text())
    assert row.select_one(".js-changed")["title"] == f'Report the damage / {IMG}": 2 → 4'
