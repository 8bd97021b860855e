"""`journeysite diff` on real temporary git repositories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import KnowledgeBase
from gitrepos import GitRepo, journeysite

CLAIM = "maps/first-home-claim.md"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """The example site in `handbook/journeys/` of a repository, committed once."""
    repo = GitRepo.create(tmp_path / "repo")
    repo.commit("Example knowledge base")
    return repo


def diff(repo: GitRepo, *revs: str, project: str = "handbook/journeys/mkdocs.yml", cwd: Path | None = None) -> str:
    result = journeysite("diff", *revs, "--project", project, "--today", "2026-11-23", cwd=cwd or repo.root)
    assert result.returncode == 0, result.stderr
    return result.stdout


def bullets(markdown: str) -> list[str]:
    return [line[2:] for line in markdown.splitlines() if line.startswith("- ")]


def test_no_change_says_so(repo: GitRepo) -> None:
    out = diff(repo, "HEAD", "HEAD")
    assert out.startswith("<!-- journeysite-diff -->\n## Journey maps: no changes\n")
    assert "Compared HEAD (" in out and " in handbook/journeys/content;" in out
    assert not bullets(out)


def test_emotions_pain_points_and_opportunities(repo: GitRepo) -> None:
    repo.kb.edit(CLAIM, "      - name: Call the claims hotline\n        emotion: 2", "      - name: Call the claims hotline\n        emotion: 4")
    repo.kb.edit(CLAIM, "      - name: Meet the loss adjuster\n        emotion: 2", "      - name: Meet the loss adjuster\n        emotion: 1")
    repo.kb.edit(CLAIM, "pain_points: [22-minute average wait on Mondays, Has to repeat the policy number twice]",
                 "pain_points: [Has to repeat the policy number twice, Hold music is loud]")
    repo.kb.edit(CLAIM, "opportunities: [Call-back instead of hold, Recognise the caller's number]",
                 "opportunities: [Call-back instead of hold]")
    repo.commit("Hotline after the call-back pilot")
    out = diff(repo, "HEAD~1", "HEAD")
    assert "## Journey maps: 0 added, 1 changed, 0 removed" in out
    assert "### Changed: Make a first home-insurance claim\n\nmaps/first-home-claim.md\n" in out
    assert bullets(out) == [
        "Report the damage / Call the claims hotline: 2 → **4** ↑",
        "Assess the claim / Meet the loss adjuster: 2 → **1** ↓",
        "**added** Report the damage / Call the claims hotline: Hold music is loud",
        "**removed** Report the damage / Call the claims hotline: 22-minute average wait on Mondays",
        "**removed** Report the damage / Call the claims hotline: Recognise the caller's number",
    ]
    sections = [line for line in out.splitlines() if line.startswith("**") and line.endswith("**")]
    assert sections == ["**Emotions**", "**Pain points**", "**Opportunities**"]


def test_stages_added_removed_renamed_and_reordered(repo: GitRepo) -> None:
    text = (repo.kb.root / CLAIM).read_text(encoding="utf-8")
    head, stages = text.split("\nstages:\n", 1)
    stages, tail = stages.split("\nactions:\n", 1)
    blocks = ["  - name: " + b + "\n" for b in ("\n" + stages).split("\n  - name: ")[1:]]
    report, assess, repair, _close = blocks
    assess = assess.replace("name: Assess the claim\n", "name: Assess the claim and the damage\n", 1)
    new_stage = "  - name: Tell friends\n    steps:\n      - name: Post a review\n        emotion: 5\n"
    # Repair moves before Assess, Close goes, a new stage ends the journey.
    (repo.kb.root / CLAIM).write_text(head + "\nstages:\n" + report + repair + assess + new_stage + "actions:\n" + tail, encoding="utf-8")
    repo.commit("Restructure the claim journey")
    lines = bullets(diff(repo, "HEAD~1", "HEAD"))
    assert "**renamed** stage: Assess the claim → Assess the claim and the damage" in lines
    assert "**added** stage: Tell friends" in lines
    assert "**removed** stage: Close the claim" in lines
    assert ("**reordered** stages: Report the damage → Assess the claim and the damage → Repair the home"
            " ⇒ Report the damage → Repair the home → Assess the claim and the damage") in lines
    assert "**added** step: Tell friends / Post a review (emotion 5)" in lines
    assert "**removed** step: Close the claim / Get paid" in lines
    # The renamed stage's steps are the same steps, not removed and added.
    assert not any("Send photos of the damage" in line for line in lines if "step:" in line)


def test_steps_added_removed_renamed_reordered_and_moved(repo: GitRepo) -> None:
    kb = repo.kb
    kb.edit(CLAIM, "- name: Get a claim number\n", "- name: Receive a claim number\n")
    # Swap "Send photos" and "Meet the loss adjuster" within Assess the claim.
    text = (kb.root / CLAIM).read_text(encoding="utf-8")
    start = text.index("      - name: Send photos of the damage")
    middle = text.index("      - name: Meet the loss adjuster")
    end = text.index("      - name: Receive the decision")
    text = text[:start] + text[middle:end] + text[start:middle] + text[end:]
    # Move "Have the repair done" to Close the claim, drop "Book a repairer", add a step.
    start = text.index("      - name: Book a repairer")
    end = text.index("  - name: Close the claim")
    repair_done = text[text.index("      - name: Have the repair done"):end]
    text = text[:start] + repair_done.replace("Have the repair done", "Pick a repair slot online", 1).replace("emotion: 4", "emotion: 3", 1) + text[end:]
    text = text.replace("  - name: Close the claim\n    goal: Be paid and be done\n    steps:\n",
                        "  - name: Close the claim\n    goal: Be paid and be done\n    steps:\n" + repair_done, 1)
    (kb.root / CLAIM).write_text(text, encoding="utf-8")
    repo.commit("Steps")
    lines = bullets(diff(repo, "HEAD~1", "HEAD"))
    assert "**renamed** step in Report the damage: Get a claim number → Receive a claim number" in lines
    assert ("**reordered** steps of Assess the claim: Send photos of the damage → Meet the loss adjuster → Receive the decision"
            " ⇒ Meet the loss adjuster → Send photos of the damage → Receive the decision") in lines
    assert "**moved** step Have the repair done: from Repair the home to Close the claim" in lines
    assert "**removed** step: Repair the home / Book a repairer" in lines
    assert "**added** step: Repair the home / Pick a repair slot online (emotion 3)" in lines


def test_owners_validation_and_actions(repo: GitRepo) -> None:
    kb = repo.kb
    kb.edit(CLAIM, "owner: claims\n", "owner: digital\n")
    kb.edit(CLAIM, "    goal: Know that the claim is accepted and how much will be paid\n",
            "    goal: Know that the claim is accepted and how much will be paid\n    owner: claims\n")
    kb.edit("maps/renew-landlord-policies.md", "last_validated: 2026-03-09", "last_validated: 2026-11-10")
    kb.edit(CLAIM, "status: planned", "status: in-progress")
    kb.edit(CLAIM, "actions:\n", "actions:\n  - title: Text the adjuster's arrival time\n    owner: partner-network\n"
            "    effort: low\n    impact: medium\n    status: idea\n")
    repo.commit("Owners, validation, actions")
    out = diff(repo, "HEAD~1", "HEAD")
    lines = bullets(out)
    assert "map owner: Claims → **Digital**" in lines  # owners by name, not id
    assert "owner of stage Assess the claim: none → **Claims**" in lines
    assert "last validated: 2026-03-09 → **2026-11-10**" in lines
    assert "freshness: overdue → **fresh** ↑" in lines
    assert "**added** Text the adjuster's arrival time: idea, owner partner-network, effort low, impact medium" in lines
    status = [line for line in lines if line.startswith("status of ")]
    assert status and all(line.endswith("planned → **in-progress**") for line in status)
    assert "### Changed: Renew cover for several rental homes" in out


def test_maps_added_removed_and_renamed_files(repo: GitRepo) -> None:
    kb = repo.kb
    shutil.copy(kb.root / "maps/switch-to-landlord-cover.md", kb.root / "maps/insure-a-holiday-let.md")
    kb.edit("maps/insure-a-holiday-let.md", "title: ", "title: Insure a holiday let - ")
    repo.git("rm", "-q", "handbook/journeys/content/maps/recommend-larkspur.md")
    repo.git("mv", "handbook/journeys/content/maps/repair-booking.md", "handbook/journeys/content/maps/book-a-repair.md")
    kb.edit("maps/book-a-repair.md", "emotion: 1", "emotion: 2")
    repo.commit("Add, remove, rename")
    out = diff(repo, "HEAD~1", "HEAD")
    assert "## Journey maps: 1 added, 1 changed, 1 removed" in out
    added = out[out.index("### Added: Insure a holiday let"):]
    assert added.split("\n\n")[1].startswith("maps/insure-a-holiday-let.md: Small landlord · buy, own · owner sales · ")
    assert added.split("\n\n")[1].endswith("never validated: based on assumptions")
    assert "### Removed: Recommend Larkspur after a good claim\n\nmaps/recommend-larkspur.md\n" in out
    assert "maps/book-a-repair.md (was maps/repair-booking.md)" in out
    assert any(line.endswith(": 1 → **2** ↑") for line in bullets(out))
    assert "### Added: Book a repair" not in out and "### Removed: Book a repair" not in out


def test_new_errors_are_listed_with_repository_paths(repo: GitRepo) -> None:
    repo.kb.edit(CLAIM, "persona: first-time-homeowner", "persona: first-time-homeowners")
    repo.commit("Typo")
    out = diff(repo, "HEAD~1", "HEAD")
    assert "> 1 error in the knowledge base after this change (before: 0)." in out
    assert ("> - handbook/journeys/content/maps/first-home-claim.md:3:10: JS201 persona: unknown persona "
            "'first-time-homeowners' (no personas/first-time-homeowners.md) (did you mean 'first-time-homeowner'?)") in out
    fixed = diff(repo, "HEAD", "HEAD~1")
    assert "This change fixes the 1 error of the knowledge base." in fixed


def test_working_tree_from_a_subfolder_and_moved_content_folder(repo: GitRepo) -> None:
    site = repo.site.root
    # No HEAD: the files as they are now, run from inside the site.
    repo.kb.edit(CLAIM, "emotion: 1", "emotion: 2")
    out = diff(repo, "HEAD", project="mkdocs.yml", cwd=site)
    assert "with working tree in handbook/journeys/content;" in out
    assert "Report the damage / Discover the damage: 1 → **2** ↑" in bullets(out)
    # Moving the whole content folder is no change to the knowledge base.
    repo.git("checkout", "-q", "--", ".")
    (site / "content").rename(site / "kb")
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("docs_dir: content", "docs_dir: kb"), encoding="utf-8")
    repo.commit("Move the content folder")
    moved = diff(repo, "HEAD~1", "HEAD")
    assert "## Journey maps: no changes" in moved and "in handbook/journeys/kb;" in moved


def test_a_base_without_the_knowledge_base_adds_every_map(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo", subfolder="")
    (repo.root / "README.md").write_text("hello\n", encoding="utf-8")
    repo.git("add", "README.md")
    repo.git("commit", "-q", "-m", "empty")
    repo.commit("Knowledge base")
    out = diff(repo, "HEAD~1", "HEAD", project="mkdocs.yml")
    assert "## Journey maps: 9 added, 0 changed, 0 removed" in out
    assert "**added** persona: Small landlord (small-landlord)" in bullets(out)


def test_user_text_is_inert_in_the_comment(repo: GitRepo) -> None:
    repo.kb.edit(CLAIM, "pain_points: [Does not know", "pain_points: ['<img src=x onerror=alert(1)> *bold* @dana [x](javascript:y) `c`', Does not know")
    repo.commit("Hostile")
    line = next(line for line in bullets(diff(repo, "HEAD~1", "HEAD")) if "onerror" in line)
    assert line == ("**added** Report the damage / Discover the damage: &lt;img src=x onerror=alert(1)&gt; "
                    "\\*bold\\* \\@dana \\[x\\](javascript:y) \\`c\\`")


def test_bad_revision_and_no_repository_fail_clearly(repo: GitRepo, tmp_path: Path) -> None:
    result = journeysite("diff", "no-such-branch", "--project", "handbook/journeys/mkdocs.yml", cwd=repo.root)
    assert result.returncode == 2
    assert result.stderr.strip() == f"journeysite: 'no-such-branch' is not a commit in {repo.root}"
    alone = tmp_path / "alone"
    shutil.copytree(repo.site.root, alone)
    result = journeysite("diff", "HEAD", cwd=alone)
    assert result.returncode == 2 and "not inside a git repository" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_reorganisation_pairs_renamed_maps_with_bounded_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """30 of 60 maps renamed and edited, 5 removed: each renamed map is
    found, each map is walked once, and pairs cost one set intersection."""
    import sys

    from conftest import REPO, TODAY

    from journeysite.core import changes
    from journeysite.core.catalog import build

    sys.path.insert(0, str(REPO / "bench"))
    import synthetic

    before, after = tmp_path / "before", tmp_path / "after"
    synthetic.write(before, 60)
    shutil.copytree(before, after)
    for n in range(30):
        old = after / "maps" / f"map-{n:05d}.md"
        text = old.read_text().replace(f"title: Journey {n} ", f"title: Journey {n} (reworked) ", 1)
        text = text.replace("        feelings: ", "        feelings: tired and ", 1)
        (after / "maps" / f"moved-{n:05d}.md").write_text(text)
        old.unlink()
    for n in range(30, 35):
        (after / "maps" / f"map-{n:05d}.md").unlink()
    walked: list[str] = []
    scored: list[int] = []
    features, jaccard = changes._features, changes._jaccard
    monkeypatch.setattr(changes, "_features", lambda e: walked.append(e.id) or features(e))
    monkeypatch.setattr(changes, "_jaccard", lambda a, b: scored.append(1) or jaccard(a, b))

    result = changes.diff(build(before, TODAY), build(after, TODAY))

    renamed = {(c.old_path, c.path) for c in result.maps if c.old_path}
    assert renamed == {(f"maps/map-{n:05d}.md", f"maps/moved-{n:05d}.md") for n in range(30)}
    assert sorted(c.id for c in result.maps if c.kind == "removed") == [f"map-{n:05d}" for n in range(30, 35)]
    assert sorted(walked) == sorted({*walked}) and len(walked) == 35 + 30  # every removed and added map, once
    assert len(scored) <= 35 * 30


def test_a_validation_moved_back_or_only_redated_is_visible(kb: KnowledgeBase) -> None:
    from journeysite.core.changes import diff

    before = kb.catalog()
    kb.edit("maps/first-home-claim.md", "last_validated: 2026-10-06", "last_validated: 2026-11-20")
    (change,) = diff(before, kb.catalog()).maps
    assert [(x.subject, x.after) for x in change.sections["Validation"]][-1] == (
        "⚠ validation", "only the date changed (no method, customers or notes, nothing on the map): say in the notes what customers confirmed")
    kb.edit("maps/first-home-claim.md", "customers: 12", "customers: 14")
    (change,) = diff(before, kb.catalog()).maps
    assert "⚠ validation" not in [x.subject for x in change.sections["Validation"]]  # a real validation says who took part
    kb.edit("maps/first-home-claim.md", "last_validated: 2026-11-20", "last_validated: 2026-05-01")
    (change,) = diff(before, kb.catalog()).maps
    assert ("⚠ last validated moved back", "2026-10-06", "2026-05-01", "↓") in [
        (x.subject, x.before, x.after, x.trend) for x in change.sections["Validation"]]


def test_edited_text_shows_the_words_that_changed(kb: KnowledgeBase) -> None:
    """A reviewer reads which words changed; a reworded pain point is one
    change, not a removal and an addition; marks survive hostile text."""
    from journeysite.core.changes import diff
    from journeysite.pages.render import render

    before = kb.catalog()
    kb.edit(CLAIM, "feelings: relieved", "feelings: relieved and *calm*")
    kb.edit(CLAIM, "Has to repeat the policy number twice", "Has to repeat the policy number three times")
    result = diff(before, kb.catalog())
    (change,) = result.maps
    feelings = next(x for x in change.sections["Other"] if x.subject.startswith("feelings of"))
    assert feelings.words == ((" ", "relieved "), ("+", "and *calm*"))
    (pain,) = change.sections["Pain points"]
    assert (pain.kind, pain.words) == ("changed", ((" ", "… repeat the policy number "), ("-", "twice"), ("+", "three times")))
    body = render("diff.md", "", d=result, base=type("S", (), {"name": "main", "commit": "", "content": ""})(),
                  head=type("S", (), {"name": "HEAD", "commit": "", "content": "", "catalog": kb.catalog()})())
    assert "relieved **and \\*calm\\***" in body  # the author's asterisks are text, ours mark what was added
    assert "… repeat the policy number ~~twice~~**three times**" in body  # four words of context
