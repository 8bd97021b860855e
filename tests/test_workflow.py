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
RUN_HERE = ("Check the maps", "Check the CODEOWNERS block", "Build the site", "Describe the change")


def steps(job: str = "journeys") -> dict[str, dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert set(workflow[True]) == {"pull_request", "push", "schedule", "workflow_dispatch"}  # YAML 1.1 reads the key `on` as True
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


def test_only_main_is_published_by_a_job_that_runs_nothing_of_it() -> None:
    """Publishing is opt-in (Pages of a private repository can be public),
    takes what main holds after review, never a pull request's files, and
    the job that may deploy runs no step of its own. A daily build keeps
    "review due" and "overdue" badges true."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow[True]["schedule"] == [{"cron": "23 5 * * *"}]
    only_main = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main' && vars.JOURNEYSITE_PUBLISH == 'pages'"
    assert steps()["Keep the site for publishing"]["if"] == "${{ " + only_main + " }}"
    publish = workflow["jobs"]["publish"]
    assert publish["if"] == "${{ " + only_main + " }}" and publish["needs"] == "journeys"
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s.get("uses") for s in publish["steps"]] == ["actions/deploy-pages@v4"] and not any("run" in s for s in publish["steps"])
    assert workflow["jobs"]["journeys"]["permissions"] == {"contents": "read"}  # uploading an artifact needs no write token


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
    # The build leaves the site where the publishing step takes it from.
    upload = found["Keep the site for publishing"]
    assert upload["with"]["path"] == "${{ runner.temp }}/site"
    assert "Make a first home-insurance claim" in (tmp_path / "site/maps/first-home-claim/index.html").read_text(encoding="utf-8")
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


REMINDERS = REPO / "journeysite/cli/starter/reminders.yml"
#: Stands in for the GitHub CLI: logs each call (with the files it reads) and
#: answers an issue listing from FAKE_ISSUES through the call's own --jq.
FAKE_GH = r'''#!/usr/bin/env python3
import json, os, subprocess, sys
args = sys.argv[1:]
files = {a: open(a.split("=@", 1)[1], encoding="utf-8").read() for a in args if "=@" in a}
with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({"args": args, "files": files}) + "\n")
if "--jq" in args and "/issues?" in " ".join(args):
    expr = args[args.index("--jq") + 1]
    sys.stdout.write(subprocess.run(["jq", "-r", expr], input=os.environ["FAKE_ISSUES"], capture_output=True, text=True, check=True).stdout)
'''


def test_the_reminders_workflow_keeps_one_issue_per_team(tmp_path: Path) -> None:
    """Run on a real knowledge base with a stand-in `gh`: the team with an
    issue gets it updated, a team without one gets a new one, and the
    issue of a team with nothing due any more is closed; issues and pull
    requests by others, even with the marker, are left alone."""
    workflow = yaml.safe_load(REMINDERS.read_text(encoding="utf-8"))
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"} and workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert jobs["due"]["permissions"] == {"contents": "read"} and jobs["issues"]["permissions"] == {"issues": "write"}
    assert not any(s.get("uses", "").startswith("actions/checkout") for s in jobs["issues"]["steps"])
    assert not [s for j in jobs.values() for s in j["steps"] if "${{" in s.get("run", "")]
    repo = GitRepo.create(tmp_path / "repo", subfolder="site")
    env = {**os.environ, **workflow["env"], "PROJECT": "site/mkdocs.yml", "RUNNER_TEMP": str(tmp_path), "NO_MKDOCS_2_WARNING": "1",
           "SOURCE_DATE_EPOCH": "1795392000"}  # 2026-11-23
    due_steps = {s.get("name"): s for s in jobs["due"]["steps"]}
    listed = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", due_steps["List what is due"]["run"]],
                            cwd=repo.root, env=env, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert [t["team"] for t in json.loads((tmp_path / "journeysite-due.json").read_text())] == ["claims", "sales"]

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    bot, marker = {"login": "github-actions[bot]"}, "<!-- journeysite-due:{} -->\n<!-- journeysite-due -->"
    issues = [
        {"number": 7, "user": bot, "body": marker.format("sales") + "\nold list"},
        {"number": 9, "user": bot, "body": marker.format("digital") + "\nold list"},
        {"number": 11, "user": {"login": "mallory"}, "body": marker.format("claims")},
        {"number": 12, "user": bot, "pull_request": {}, "body": marker.format("claims")},
    ]
    step = next(s for s in jobs["issues"]["steps"] if s.get("name") == "Open, update and close one issue per team")
    log = tmp_path / "gh.log"
    run_env = {**env, **step["env"], "GH_REPO": "larkspur/journeys", "GH_TOKEN": "x", "PATH": f"{bin_dir}:{os.environ['PATH']}",
               "FAKE_LOG": str(log), "FAKE_ISSUES": json.dumps(issues)}
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path, env=run_env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    writes = [c for c in calls if "--method" in c["args"]]
    made = [(c["args"][c["args"].index("--method") + 1], c["args"][c["args"].index("--method") + 2]) for c in writes]
    assert made == [("POST", "repos/larkspur/journeys/issues"), ("PATCH", "repos/larkspur/journeys/issues/7"),
                    ("POST", "repos/larkspur/journeys/issues/9/comments"), ("PATCH", "repos/larkspur/journeys/issues/9")]
    new, sales = writes[0], writes[1]
    assert "title=Journey maps to review: Claims" in new["args"] and "labels[]=journeysite-due" in new["args"]
    (body,) = new["files"].values()
    assert body.startswith("<!-- journeysite-due:claims -->\n<!-- journeysite-due -->\n## Claims")
    assert "Hotline wait on the morning after a storm" in body and "Sales" not in body
    (body,) = sales["files"].values()
    assert body.startswith("<!-- journeysite-due:sales -->") and "Renew cover for several rental homes" in body
    assert "state=closed" in writes[3]["args"]


def test_the_workflow_fails_a_pull_request_that_leaves_codeowners_stale(pull_request: GitRepo, tmp_path: Path) -> None:
    step = steps()["Check the CODEOWNERS block"]
    assert run_step(step, pull_request, tmp_path).returncode == 0  # no CODEOWNERS: nothing to check
    block = subprocess.run(["journeysite", "codeowners", "site/mkdocs.yml"], cwd=pull_request.root, capture_output=True, text=True, check=True)
    (pull_request.root / ".github").mkdir()
    (pull_request.root / ".github/CODEOWNERS").write_text("* @larkspur/cx-admins\n" + block.stdout)
    assert run_step(step, pull_request, tmp_path).returncode == 0
    pull_request.kb.edit("maps/repair-booking.md", "owner: partner-network", "owner: claims")
    stale = run_step(step, pull_request, tmp_path)
    assert stale.returncode == 1 and "has a stale journeysite block" in stale.stderr
