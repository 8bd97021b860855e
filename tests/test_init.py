"""`journeysite init` and `new` in a knowledge base of one's own, outside this repository."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "journeysite.cli", *args], cwd=cwd, capture_output=True, text=True, env=ENV, input="")


@pytest.fixture
def started(tmp_path: Path) -> Path:
    done = run("init", "acme-journeys", "--name", "Acme: journeys", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path / "acme-journeys"


def test_init_writes_a_knowledge_base_that_checks_and_builds(started: Path) -> None:
    files = sorted(p.relative_to(started).as_posix() for p in started.rglob("*") if p.is_file())
    assert files == [
        ".github/workflows/journeysite-reminders.yml", ".github/workflows/journeysite.yml", ".gitignore", ".journeysite/schemas/map.schema.json",
        ".journeysite/schemas/metrics.schema.json", ".journeysite/schemas/persona.schema.json", ".journeysite/schemas/sources.schema.json", ".journeysite/schemas/systems.schema.json", ".journeysite/schemas/team.schema.json",
        ".journeysite/schemas/touchpoints.schema.json", ".vscode/extensions.json", ".vscode/settings.json",
        ".vscode/tasks.json", "README.md", "content/index.md",
        "content/maps/first-journey.md", "content/personas/customer.md", "content/teams/customer-experience.md",
        "content/touchpoints.yml", "mkdocs.yml",
    ]
    assert 'site_name: "Acme: journeys"' in (started / "mkdocs.yml").read_text()
    # Nothing of ours is copied: no templates, stylesheets or scripts.
    assert not [f for f in files if f.endswith((".css", ".js", ".html"))]
    check = run("check", cwd=started)
    assert check.returncode == 0, check.stdout
    assert check.stdout.splitlines()[-1] == "1 map, 1 persona, 1 team, 2 touchpoints: 0 errors, 0 warnings, 1 notice"
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=started, capture_output=True, text=True, env=ENV)
    assert build.returncode == 0, build.stderr
    page = (started / "site/maps/first-journey/index.html").read_text()
    assert '<pre class="mermaid">' in page and "**Persona:**" not in page and "!!! warning" not in page
    assert "fonts.googleapis.com" not in page


def test_init_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    not_a_folder = run("init", "file.txt", cwd=tmp_path)
    assert not_a_folder.returncode == 2 and "a file, not a folder" in not_a_folder.stderr and "Traceback" not in not_a_folder.stderr


def test_init_starts_in_a_repository_of_ones_own(tmp_path: Path) -> None:
    """A team's repository already has files: those the starter does not
    write never stop `init`, and it touches none of them."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "LICENSE").write_text("MIT\n")
    done = run("init", ".", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "LICENSE").read_text() == "MIT\n" and (tmp_path / "content/maps/first-journey.md").is_file()
    assert "kept" not in done.stdout
    assert done.stdout.startswith("wrote 20 files here. Next:\n  journeysite mermaid")  # no `cd .`
    assert run("check", cwd=tmp_path).returncode == 0


def test_init_names_the_starter_files_already_there_and_force_keeps_them(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Mine\n")
    (tmp_path / "README.md").write_text("# Ours\n")
    (tmp_path / ".gitignore").symlink_to(tmp_path / "elsewhere")  # a broken link: writing would create its target
    done = run("init", ".", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "already has .gitignore, README.md, mkdocs.yml; --force" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitignore", "README.md", "mkdocs.yml"]  # nothing written
    forced = run("init", ".", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert "kept as they were: .gitignore, README.md, mkdocs.yml" in forced.stdout and "add `- journeysite` under `plugins:`" in forced.stdout
    assert (tmp_path / "mkdocs.yml").read_text() == "site_name: Mine\n" and (tmp_path / "README.md").read_text() == "# Ours\n"
    assert not (tmp_path / "elsewhere").exists()
    assert (tmp_path / "content/maps/first-journey.md").is_file() and (tmp_path / ".github/workflows/journeysite.yml").is_file()


def test_new_touchpoint_adds_to_the_registry_and_keeps_its_comments(started: Path) -> None:
    registry = started / "content/touchpoints.yml"
    before = registry.read_text()
    done = run("new", "touchpoint", "support-chat", "--name", "Support chat", "--channel", "chat", "--owner", "customer-experience", cwd=started)
    assert done.returncode == 0, done.stderr
    after = registry.read_text()
    assert after.startswith(before) and "# Every touchpoint a customer can meet" in after
    assert after.endswith("support-chat:\n  name: Support chat\n  # one of: web, app, email, phone, chat, in-person, mail, social, partner, sms, letter, kiosk, video, other\n"
                          "  channel: chat\n  owner: customer-experience\n")
    assert run("check", cwd=started).returncode == 0
    wrong = run("new", "touchpoint", "fax", "--name", "Fax", "--channel", "fax", "--owner", "customer-experience", cwd=started)
    assert wrong.returncode == 2 and "unknown channel 'fax'" in wrong.stderr
    again = run("new", "touchpoint", "website", "--name", "Web", "--channel", "web", "--owner", "customer-experience", cwd=started)
    assert again.returncode == 2 and "touchpoint 'website' already exists" in again.stderr
    assert registry.read_text() == after


def test_new_in_an_empty_knowledge_base_says_what_to_create_first(started: Path) -> None:
    for folder in ("personas", "teams"):
        for file in (started / "content" / folder).glob("*.md"):
            file.unlink()
    done = run("new", "map", "x", "--title", "X", "--phase", "buy", cwd=started)
    assert done.returncode == 2
    assert "missing --persona: the knowledge base has no persona yet: create one first, with `journeysite new persona ID" in done.stderr
    assert "missing --owner: the knowledge base has no team yet: create one first, with `journeysite new team ID" in done.stderr


def test_new_help_says_which_kind_each_option_is_for(tmp_path: Path) -> None:
    done = run("new", "--help", cwd=tmp_path)
    text = " ".join(done.stdout.split())  # argparse wraps lines at the terminal's width
    assert "--channel VALUE the channel: web, app, email" in text and "(for a new touchpoint)" in text
    assert "--owner VALUE the owning team's id (teams/ID.md) (for a new map or touchpoint)" in text
    assert "--phase VALUE the lifecycle phase: buy, own, advocate (for a new map)" in text


def test_the_editor_task_shows_each_saved_problem_where_it_is(started: Path) -> None:
    """`.vscode/tasks.json` runs `check --watch`: every save is checked
    again, and its problem matchers read each line at its file, line and
    column with its severity (a notice is not an error)."""
    (task,) = json.loads((started / ".vscode/tasks.json").read_text())["tasks"]
    matchers = {m["severity"]: m for m in task["problemMatcher"]}
    begins, ends = (re.compile(matchers["error"]["background"][k]) for k in ("beginsPattern", "endsPattern"))
    watch = subprocess.Popen([sys.executable, "-m", "journeysite.cli", *task["command"].split()[1:]], cwd=started,
                             stdout=subprocess.PIPE, text=True, env=ENV)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.rstrip("\n")) for line in watch.stdout or ()], daemon=True).start()

    def one_check() -> list[str]:
        assert begins.search(lines.get(timeout=60))
        shown = []
        while not ends.search(line := lines.get(timeout=60)):
            shown.append(line)
        return [*shown, line]

    def problems(shown: list[str]) -> set[tuple[str, str, str, str, str]]:
        found = set()
        for severity, matcher in matchers.items():
            p = matcher["pattern"]
            for line in shown:
                if match := re.match(p["regexp"], line):
                    found.add((severity, match[p["file"]], match[p["line"]], match[p["column"]], match[p["code"]]))
        return found

    try:
        first = one_check()
        assert first[-1].endswith("0 errors, 0 warnings, 1 notice")
        assert problems(first) == {("info", "content/maps/first-journey.md", "4", "1", "JS301")}
        map_file = started / "content/maps/first-journey.md"
        map_file.write_text(map_file.read_text().replace("persona: customer", "persona: nobody"))
        second = one_check()
        assert ("error", "content/maps/first-journey.md", "5", "10", "JS201") in problems(second)
        assert second[-1].endswith("1 error, 0 warnings, 1 notice")
    finally:
        watch.send_signal(signal.SIGINT)
        assert watch.wait(timeout=30) == 0
