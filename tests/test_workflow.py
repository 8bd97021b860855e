"""The documented GitHub Actions workflow, its steps run on a real pull-request branch."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from gitrepos import GitRepo

WORKFLOW = REPO / "journeysite/cli/starter/workflow.yml"
RUN_HERE = ("Check the maps", "Build the site", "Describe the change")


def steps(job: str = "journeys") -> dict[str, dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert set(workflow[True]) == {"pull_request", "push"}  # YAML 1.1 reads the key `on` as True
    assert workflow["permissions"] == {"contents": "read"}
    for each in workflow["jobs"].values():
        # Expressions pasted into scripts are an injection risk (a branch name is
        # user input): values reach scripts through env only.
        assert not [s["name"] for s in each["steps"] if "${{" in s.get("run", "")]
    return {step.get("name", step.get("uses")): step for step in workflow["jobs"][job]["steps"]}


def test_the_pull_requests_code_runs_without_a_write_token() -> None:
    """A PR's mkdocs.yml can run Python (`hooks:`): the job that builds it
    has a read-only token and no stored git credentials; the job that may
    write runs nothing from the PR."""
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    assert jobs["journeys"]["permissions"] == {"contents": "read"}
    assert steps()["actions/checkout@v4"]["with"]["persist-credentials"] is False
    comment = jobs["comment"]
    assert comment["needs"] == "journeys" and comment["permissions"] == {"pull-requests": "write"}
    uses = [s.get("uses", "") for s in comment["steps"]]
    assert not any(u.startswith("actions/checkout") for u in uses)
    assert not any(word in s.get("run", "") for s in comment["steps"] for word in ("mkdocs", "journeysite ", "pip "))


def test_the_comment_step_updates_only_its_own_comment() -> None:
    """A comment by someone else that starts with the marker must not be the
    one the workflow updates (the update would fail, and the step with it)."""
    mine = steps("comment")["Comment on the pull request"]["env"]["MINE"]
    comments = [
        {"id": 1, "user": {"login": "mallory"}, "body": "<!-- journeysite-diff -->\nlooks official"},
        {"id": 2, "user": {"login": "github-actions[bot]"}, "body": "<!-- journeysite-diff -->\n## Journey maps"},
        {"id": 3, "user": {"login": "github-actions[bot]"}, "body": "Another bot comment"},
        {"id": 4, "user": {"login": "mallory"}, "body": "<!-- journeysite-diff --> again"},
    ]
    done = subprocess.run(["jq", "-r", mine], input=json.dumps(comments), capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["2"]


def run_step(step: dict, repo: GitRepo, tmp: Path) -> subprocess.CompletedProcess[str]:
    """As the runner does: `bash -eo pipefail`, with the workflow's env and GitHub's variables."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    env = {**os.environ, **workflow["env"], "PROJECT": "site/mkdocs.yml", "GITHUB_BASE_REF": "main",
           "RUNNER_TEMP": str(tmp), "GITHUB_STEP_SUMMARY": str(tmp / "summary.md"), "NO_MKDOCS_2_WARNING": "1",
           "SOURCE_DATE_EPOCH": "1795392000"}  # 2026-11-23
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                          cwd=repo.root, env=env, capture_output=True, text=True)


@pytest.fixture
def pull_request(tmp_path: Path) -> GitRepo:
    """A clone with `origin/main` and a checked-out feature branch, as actions/checkout leaves it."""
    upstream = GitRepo.create(tmp_path / "upstream", subfolder="site")
    upstream.commit("Knowledge base")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(upstream.root), str(clone)], check=True)
    repo = GitRepo(clone, upstream.site.__class__(clone / "site"))
    repo.git("checkout", "-q", "-b", "feature")
    return repo


def test_the_workflow_checks_builds_and_describes_a_pull_request(pull_request: GitRepo, tmp_path: Path) -> None:
    found = steps()
    assert found["actions/checkout@v4"]["with"]["fetch-depth"] == 0
    pull_request.kb.edit("maps/first-home-claim.md", "      - name: Call the claims hotline\n        emotion: 2",
                         "      - name: Call the claims hotline\n        emotion: 3")
    pull_request.commit("Hotline is better")
    for name in RUN_HERE:
        result = run_step(found[name], pull_request, tmp_path)
        assert result.returncode == 0, f"{name}: {result.stdout}{result.stderr}"
    comment = (tmp_path / "journeysite-diff.md").read_text(encoding="utf-8")
    assert comment.startswith("<!-- journeysite-diff -->\n## Journey maps: 0 added, 1 changed, 0 removed")
    assert "- Report the damage / Call the claims hotline: 2 → **3** ↑" in comment
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == comment
    assert "comments" in steps("comment")["Comment on the pull request"]["run"]


def test_a_broken_map_fails_the_check_with_an_annotation(pull_request: GitRepo, tmp_path: Path) -> None:
    pull_request.kb.edit("maps/first-home-claim.md", "phase: own", "phase: owned")
    pull_request.commit("Typo")
    found = steps()
    check = run_step(found["Check the maps"], pull_request, tmp_path)
    assert check.returncode == 1
    assert re.search(r"^::error file=site/content/maps/first-home-claim.md,line=4,col=8,title=JS113::phase: ", check.stdout, re.M)
    assert run_step(found["Build the site"], pull_request, tmp_path).returncode == 1
    described = run_step(found["Describe the change"], pull_request, tmp_path)
    assert described.returncode == 0
    assert "> 1 error in the knowledge base after this change" in (tmp_path / "journeysite-diff.md").read_text(encoding="utf-8")


def test_no_documented_command_combines_strict_with_quiet() -> None:
    """MkDocs 1.6 counts no warnings under `-q`, so `--strict -q` passes on
    broken content: no command we tell people to run may combine them."""
    import re

    from conftest import REPO

    files = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md")), *sorted((REPO / "docs").rglob("*.yml"))]
    commands = [line for f in files for line in f.read_text(encoding="utf-8").splitlines() if "mkdocs build" in line or "mkdocs serve" in line]
    assert any("--strict" in c for c in commands)
    assert [c for c in commands if "--strict" in c and re.search(r"(^|\s)(-q|--quiet)(\s|$)", c)] == []
