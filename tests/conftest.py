"""Shared fixtures: a writable copy of the example knowledge base."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from journeysite.core.catalog import Catalog, build
from journeysite.core.diagnostics import Severity

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
TODAY = dt.date(2026, 11, 23)


@dataclass
class KnowledgeBase:
    """A copy of `content/` that a test may break, and ways to check it."""

    root: Path

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")

    def catalog(self, today: dt.date = TODAY) -> Catalog:
        return build(self.root, today)

    def errors(self, today: dt.date = TODAY) -> list[str]:
        """Formatted errors and warnings, as `journeysite check` prints them."""
        return [d.format() for d in self.catalog(today).diagnostics if d.severity is not Severity.INFO]


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    shutil.copytree(CONTENT, tmp_path / "content")
    return KnowledgeBase(tmp_path / "content")


@dataclass
class SiteProject:
    """A copy of the repository's site (mkdocs.yml, content, theme) to build."""

    root: Path

    @property
    def kb(self) -> KnowledgeBase:
        return KnowledgeBase(self.root / "content")

    def build(self, strict: bool = False) -> Site:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        config = load_config(str(self.root / "mkdocs.yml"), strict=strict)
        config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does
        build(config)
        return Site(Path(config.site_dir))


def canvas_rows(article: Any) -> dict[str, list[str]]:
    """The rows of a map page's canvas, by their header, as text per step."""
    grid = article.select_one(".js-canvas table")
    return {tr.th.get_text(" ", strip=True).split(" 5 at the top")[0]: [td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in grid.select("tbody tr")}


@dataclass
class Site:
    root: Path

    def html(self, page: str) -> BeautifulSoup:
        from bs4 import BeautifulSoup

        path = self.root / page
        if path.is_dir() or page.endswith("/"):
            path = path / "index.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def article(self, page: str) -> Tag:
        return self.html(page).select_one("article")


def copy_project(target: Path) -> SiteProject:
    for name in ("content", "theme"):
        shutil.copytree(REPO / name, target / name)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - journeysite:\n", f"  - journeysite:\n      today: {TODAY.isoformat()}\n", 1)
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    return SiteProject(target)


@pytest.fixture
def project(tmp_path: Path) -> SiteProject:
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The example built once (strict) for the tests that only read it."""
    return copy_project(tmp_path_factory.mktemp("example")).build(strict=True)


def generated(project: SiteProject, engine: str) -> Site:
    """The project's site through `journeysite generate` and `engine`, without the plugin."""
    import subprocess
    import sys

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "journeysite.cli", "generate", "--for", engine, "--out", "build/docs", "--config", "build/mkdocs.yml"],
                          cwd=project.root, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    command = [sys.executable, "-m", engine, "build", "--strict", "-f", "build/mkdocs.yml"]
    if engine == "zensical":
        command = [str(Path(sys.executable).with_name("zensical")), "build", "--strict", "-f", "build/mkdocs.yml"]
    built = subprocess.run(command, cwd=project.root, capture_output=True, text=True, env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Warning" not in built.stdout + built.stderr, built.stdout + built.stderr
    return Site(project.root / "build" / "site")


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The example through `journeysite generate` and Zensical, built once."""
    return generated(copy_project(tmp_path_factory.mktemp("zensical")), "zensical")
