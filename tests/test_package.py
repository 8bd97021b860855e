"""The wheel as a team installs it: not the source tree, a fresh virtual
environment, a knowledge base of its own, and its map page in a browser."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this repository."""
    work = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work), str(REPO)], check=True,
                   capture_output=True)
    (built,) = work.glob("journeysite-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with the built wheel installed; its bin folder."""
    work = tmp_path_factory.mktemp("package")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("journeysite/py.typed", "journeysite/pages/templates/map.md", "journeysite/pages/assets/journeysite.css",
                   "journeysite/pages/assets/journeysite.js", "journeysite/cli/starter/workflow.yml",
                   "journeysite/cli/starter/content/maps/first-journey.md"):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(("tests/", "content/", "bench/"))]
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
    subprocess.run([str(work / "venv/bin/python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
                   check=True, capture_output=True)
    return work / "venv/bin"


def test_the_installed_wheel_starts_checks_and_builds_a_knowledge_base(installed: Path, tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PATH": f"{installed}{os.pathsep}{os.environ['PATH']}"}

    def run(*command: str, cwd: Path = tmp_path / "kb") -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)

    version = run(str(installed / "journeysite"), "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("journeysite ")
    assert run(str(installed / "journeysite"), "init", "kb", cwd=tmp_path).returncode == 0
    assert run(str(installed / "journeysite"), "mermaid").returncode == 0  # the cache the suite already filled
    check = run(str(installed / "journeysite"), "check")
    assert check.returncode == 0, check.stdout + check.stderr
    build = run(str(installed / "mkdocs"), "build", "--strict")
    assert build.returncode == 0, build.stderr
    # The team's repository holds none of our assets: they come from the package.
    assert not [p for p in (tmp_path / "kb").rglob("*") if p.suffix in (".css", ".js") and "site" not in p.parts]
    site = tmp_path / "kb/site"
    assert (site / "assets/journeysite/journeysite.css").is_file()
    seen = _open_map_page(site)
    assert seen["svg"] and seen["facts"] >= 4 and seen["badges"] >= 1
    assert "**" not in seen["text"] and "!!!" not in seen["text"]
    assert seen["outside"] == []


def _open_map_page(site: Path) -> dict[str, object]:
    from test_browser import CHROMIUM, FLAGS, JOURNEY_SVG, OPEN_SHADOW_ROOTS, _Quiet

    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Chromium is missing: .ci/run installs it with apt")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    requests: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            tab = browser.new_page()
            tab.add_init_script(OPEN_SHADOW_ROOTS)
            tab.on("request", lambda r: requests.append(r.url))
            tab.goto(base + "maps/first-journey/")
            tab.wait_for_function(JOURNEY_SVG)
            seen = {
                "svg": tab.evaluate(f"!!{JOURNEY_SVG}"),
                "facts": tab.locator(".js-facts li").count(),
                "badges": tab.locator(".js-badge").count(),
                "text": tab.inner_text("article"),
            }
            browser.close()
    finally:
        httpd.shutdown()
    seen["outside"] = [u for u in requests if not u.startswith(base) and not u.startswith("data:")]
    return seen


def test_pipx_installs_the_commands_a_team_runs(wheel: Path, tmp_path: Path) -> None:
    """`pipx install --include-deps journeysite` (as the docs say) puts
    `journeysite` and `mkdocs` on the PATH, in an environment of their own
    that builds a new knowledge base."""
    bin_dir = tmp_path / "bin"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(bin_dir),
           "PIPX_MAN_DIR": str(tmp_path / "man"), "PIPX_DEFAULT_PYTHON": sys.executable}
    done = subprocess.run([sys.executable, "-m", "pipx", "install", "--include-deps", str(wheel)], env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert (bin_dir / "journeysite").is_file() and (bin_dir / "mkdocs").is_file()

    def run(*command: str, cwd: Path = tmp_path / "kb") -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(bin_dir / command[0]), *command[1:]], cwd=cwd, env=env, capture_output=True, text=True)

    assert run("journeysite", "init", "kb", cwd=tmp_path).returncode == 0
    assert run("journeysite", "mermaid").returncode == 0  # the cache the suite already filled
    assert run("journeysite", "check").returncode == 0
    build = run("mkdocs", "build", "--strict")
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "kb/site/maps/first-journey/index.html").is_file()
