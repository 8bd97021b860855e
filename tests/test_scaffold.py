"""`journeysite new`: skeletons that pass the check, on real git repositories."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import TODAY
from gitrepos import GitRepo, journeysite

from journeysite.core.catalog import build


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.create(tmp_path / "repo", subfolder="site")
    repo.commit("Example knowledge base")
    return repo


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def errors_of(repo: GitRepo, rel: str) -> list[str]:
    return [d.format() for d in build(repo.kb.root, TODAY).problems(rel)]


def test_new_map_passes_check_and_shows_up_in_the_diff(repo: GitRepo) -> None:
    title = 'Report stolen keys: "urgent" # at night'
    result = journeysite("new", "map", "stolen-keys", "--title", title, "--persona", "first-time-homeowner",
                         "--phase", "own", "--owner", "claims", "--parent", "first-home-claim",
                         "--parent-stage", "Report the damage", cwd=repo.site.root)
    assert result.returncode == 0, result.stderr
    path = repo.kb.root / "maps/stolen-keys.md"
    assert result.stdout.strip().endswith("wrote content/maps/stolen-keys.md: fill it in, preview it with `mkdocs serve`, then open a pull request")
    data = front_matter(path)
    assert data["title"] == title
    assert (data["persona"], data["phase"], data["owner"], data["parent"], data["parent_stage"]) == (
        "first-time-homeowner", "own", "claims", "first-home-claim", "Report the damage")
    assert "# validation:" in path.read_text(encoding="utf-8"), "the skeleton documents the optional fields"
    assert errors_of(repo, "maps/stolen-keys.md") == []
    check = journeysite("check", "--today", TODAY.isoformat(), cwd=repo.site.root)
    assert check.returncode == 0, check.stdout
    repo.commit("New map")
    out = journeysite("diff", "HEAD~1", "HEAD", "--project", "site/mkdocs.yml", cwd=repo.root).stdout
    assert "### Added: Report stolen keys: \"urgent\" # at night" in out


@pytest.mark.parametrize(("kind", "args", "expected"), [
    ("persona", ["--name", "Gig worker", "--value", "high", "--segment", "Self-employed, 20-35"],
     {"name": "Gig worker", "value": "high", "segment": "Self-employed, 20-35", "goals": [], "needs": []}),
    ("team", ["--name", "IT operations", "--contact", "#it-ops"], {"name": "IT operations", "contact": "#it-ops"}),
])
def test_new_persona_and_team_pass_check(repo: GitRepo, kind: str, args: list[str], expected: dict) -> None:
    result = journeysite("new", kind, "newcomer", *args, cwd=repo.site.root)
    assert result.returncode == 0, result.stderr
    rel = f"{kind}s/newcomer.md"
    assert front_matter(repo.kb.root / rel) == expected
    assert errors_of(repo, rel) == []


def test_refuses_to_overwrite(repo: GitRepo) -> None:
    path = repo.kb.root / "teams/claims.md"
    before = path.read_bytes()
    result = journeysite("new", "team", "claims", "--name", "Claims again", cwd=repo.site.root)
    assert result.returncode == 2
    assert result.stderr.strip() == "journeysite: teams/claims.md already exists: journeysite new never overwrites a file"
    assert path.read_bytes() == before


def test_without_a_terminal_missing_and_wrong_values_fail_clearly(repo: GitRepo) -> None:
    result = journeysite("new", "map", "lost-keys", "--phase", "owen", "--owner", "claim", "--lead", "Sam", cwd=repo.site.root)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "journeysite: cannot write content/maps/lost-keys.md:",
        "  --lead does not apply to a map",
        "  missing --title",
        "  missing --persona (one of: claims-handler, downsizing-retiree, first-time-homeowner, loss-adjuster, small-landlord, student-renter)",
        "  --phase: unknown phase 'owen' (did you mean 'own'?); one of: buy, own, advocate",
        "  --owner: unknown owner 'claim' (did you mean 'claims'?); one of: claims, contact-centre, digital, marketing, partner-network, sales",
    ]
    assert not (repo.kb.root / "maps/lost-keys.md").exists()
    bad = journeysite("new", "map", "Lost_Keys", cwd=repo.site.root)
    assert bad.returncode == 2 and "'Lost_Keys' is not a valid id" in bad.stderr
    orphan = journeysite("new", "map", "x", "--title", "X", "--persona", "student-renter", "--phase", "buy",
                         "--owner", "sales", "--parent", "first-home-claim", "--parent-stage", "Repair", cwd=repo.site.root)
    assert "map 'first-home-claim' has no stage 'Repair'" in orphan.stderr


def test_in_a_terminal_it_asks_for_what_is_missing(repo: GitRepo) -> None:
    """A real pseudo-terminal: wrong answers are explained and asked again."""
    answers = iter(["Report a burst pipe", "nobody", "3", "own", "claims"])
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "journeysite.cli", "new", "map", "burst-pipe"],
                               cwd=repo.site.root, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    transcript = b""
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                transcript += os.read(master, 4096)
            except OSError:
                break
            if transcript.rstrip().endswith(b":"):
                os.write(master, next(answers).encode() + b"\n")
    process.wait(timeout=10)
    os.close(master)
    text = transcript.decode()
    assert process.returncode == 0, text
    assert "Title of the journey, in the customer's words:" in text
    assert "unknown persona 'nobody'" in text and "  3. first-time-homeowner" in text
    data = front_matter(repo.kb.root / "maps/burst-pipe.md")
    assert (data["title"], data["persona"], data["phase"], data["owner"]) == ("Report a burst pipe", "first-time-homeowner", "own", "claims")
    assert errors_of(repo, "maps/burst-pipe.md") == []
