"""One settings model: `mkdocs build` and `journeysite check` accept and
refuse the same options, with the same message and no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import SiteProject

from journeysite.core.settings import Settings, SettingsError


def both(project: SiteProject) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project.root, capture_output=True, text=True, env=env)
    check = subprocess.run([sys.executable, "-m", "journeysite.cli", "check"], cwd=project.root, capture_output=True, text=True, env=env)
    return build, check


def set_option(project: SiteProject, line: str) -> None:
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("      review_every: 90\n", f"      {line}\n", 1))


@pytest.mark.parametrize(("line", "message"), [
    ("review_every: ninety", "journeysite option 'review_every': input should be a valid integer, got 'ninety'"),
    ("review_every: 0", "journeysite option 'review_every': input should be greater than or equal to 1, got 0"),
    ("reveiw_every: 30", "unknown journeysite option 'reveiw_every' (did you mean 'review_every'?)"),
    ("maps_dir: ../../../../etc", "journeysite option 'maps_dir': value error, must be a relative path inside the content folder, without '..', got '../../../../etc'"),
    ("touchpoints_file: /etc/passwd", "journeysite option 'touchpoints_file': value error, must be a relative path inside the content folder"),
    ("today: next tuesday", "journeysite option 'today': input should be a valid date"),
])
def test_a_wrong_option_is_one_clear_message_in_build_and_check(project: SiteProject, line: str, message: str) -> None:
    set_option(project, line)
    build, check = both(project)
    assert build.returncode != 0 and check.returncode == 2
    assert message in check.stderr, check.stderr
    # MkDocs itself refuses an option name it was not told of, in its own words.
    assert (message if "unknown" not in message else "Unrecognised configuration name: reveiw_every") in build.stderr, build.stderr
    assert "Traceback" not in build.stderr + check.stderr


def test_options_as_written_in_the_example_are_valid(project: SiteProject) -> None:
    set_option(project, "review_every: 120")
    build, check = both(project)
    assert build.returncode == 0, build.stderr
    assert check.returncode == 0, check.stdout + check.stderr


def test_settings_are_frozen_and_refuse_what_mkdocs_would_coerce() -> None:
    settings = Settings.from_options({"review_every": 30, "nav_entries": False})
    assert (settings.review_every, settings.due_window, settings.nav_entries) == (30, 14, False)
    with pytest.raises(SettingsError, match="review_every"):
        Settings.from_options({"review_every": "30"})
    with pytest.raises(SettingsError, match="nav_entries"):
        Settings.from_options({"nav_entries": "sometimes"})
    with pytest.raises(ValueError, match="frozen"):
        settings.review_every = 1  # type: ignore[misc]


def test_a_configuration_that_breaks_our_pages_fails_check_and_strict_build(project: SiteProject) -> None:
    config = project.root / "mkdocs.yml"
    text = config.read_text()
    assert "  font: false\n" in text
    config.write_text(text.replace("  font: false\n", "  font:\n    text: Inter\n", 1))
    build, check = both(project)
    message = "theme.font makes every page load fonts from Google Fonts"
    assert build.returncode == 1 and message in build.stderr, build.stderr
    assert check.returncode == 1 and message in check.stdout, check.stdout


def test_a_teams_own_mermaid_fence_is_theirs_and_journey_diagrams_still_draw(project: SiteProject) -> None:
    """Map pages write their diagram as HTML, so a team may set the `mermaid`
    fence as it likes (here: for its own renderer); the plugin adds one only
    where there is none, and neither check nor a strict build objects."""
    config = project.root / "mkdocs.yml"
    own = "markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n        - name: mermaid\n          class: diagram\n"
    config.write_text(config.read_text().replace("markdown_extensions:\n", own, 1))
    project.kb.edit("personas/first-time-homeowner.md", "\n---\n", "\n---\n\n```mermaid\ngraph LR\n  a --> b\n```\n")
    build, check = both(project)
    assert build.returncode == 0, build.stderr
    assert check.returncode == 0, check.stdout
    site = project.root / "site"
    claim = BeautifulSoup((site / "maps/first-home-claim/index.html").read_text(), "html.parser")
    assert claim.select_one(".js-diagram pre.mermaid code").get_text().startswith("---\nconfig:")
    persona = BeautifulSoup((site / "personas/first-time-homeowner/index.html").read_text(), "html.parser")
    assert persona.select_one("pre.diagram") is not None and persona.select_one("pre.mermaid") is None


def test_material_default_fonts_are_turned_off_without_a_word(tmp_path: Path) -> None:
    """A mkdocs.yml with only the theme and the plugins keeps the site offline."""
    from conftest import CONTENT

    shutil.copytree(CONTENT, tmp_path / "content")
    (tmp_path / "mkdocs.yml").write_text("site_name: Ours\ndocs_dir: content\ntheme:\n  name: material\nplugins:\n  - search\n  - journeysite\n")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "site/maps/first-home-claim/index.html").read_text()
    assert "fonts.googleapis.com" not in page and "fonts.gstatic.com" not in page
    assert '<pre class="mermaid">' in page and "assets/journeysite/journeysite.css" in page
