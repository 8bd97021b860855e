"""Find a knowledge base and its settings from a folder or a mkdocs.yml.

The CLI must work without importing MkDocs, so it reads `mkdocs.yml` as
plain YAML (tolerating MkDocs' `!ENV` and `!!python/name:` tags) and picks out
`docs_dir` and the `journeysite` plugin's options.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

import yaml

from .catalog import Catalog, Policy, build
from .loader import Layout, collector_paused


#: Plugin option that moves each part of the layout.
LAYOUT_OPTIONS = {"maps": "maps_dir", "personas": "personas_dir", "teams": "teams_dir", "touchpoints": "touchpoints_file"}


class ProjectError(Exception):
    """A problem with the project setup (not with the content)."""


@dataclass(frozen=True)
class Project:
    content: Path
    policy: Policy
    layout: Layout
    today: dt.date | None = None

    def catalog(self, today: dt.date) -> Catalog:
        """The knowledge base, read with this project's policy and layout
        (by the CLI, a process without threads: so in two processes)."""
        with collector_paused(freeze=True):  # the CLI keeps it to its end
            return build(self.content, today, self.policy, self.layout, in_two=True)


def build_date(fixed: dt.date | None, environ: Mapping[str, str] = os.environ) -> dt.date:
    """The date freshness is computed for: fixed, else SOURCE_DATE_EPOCH, else today."""
    if fixed is not None:
        return fixed
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError) as exc:
            raise ProjectError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from exc
    return dt.date.today()


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, turning tags meant for MkDocs into plain values."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def find_project(path: Path) -> Project:
    """A content folder as it is, or the one a mkdocs.yml names."""
    if path.is_dir() and not (path / "mkdocs.yml").is_file():
        return Project(path, Policy(), Layout())
    config_file = path / "mkdocs.yml" if path.is_dir() else path
    if not config_file.is_file():
        raise ProjectError(f"{config_file}: no such file (give a content folder or a mkdocs.yml)")
    config = read_config(config_file)
    options = _plugin_options(config.get("plugins"))
    content = config_file.parent / docs_dir(config)
    if not content.is_dir():
        raise ProjectError(f"{content}: the docs_dir of {config_file} does not exist")
    return Project(content, *settings_from(options))


def read_config(config_file: Path) -> dict[str, Any]:
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ProjectError(f"{config_file}: cannot read it: {exc}") from exc
    if not isinstance(config, dict):
        raise ProjectError(f"{config_file}: not a MkDocs configuration (expected a mapping)")
    return config


def docs_dir(config: Mapping[str, Any]) -> str:
    """The content folder a mkdocs.yml names, relative to it."""
    return str(config.get("docs_dir") or "docs")


def settings_from(options: Mapping[str, Any]) -> tuple[Policy, Layout, dt.date | None]:
    """Policy, layout and fixed date from the plugin's option names."""
    policy = Policy(**{f.name: options[f.name] for f in fields(Policy) if options.get(f.name) is not None})
    layout = Layout(**{name: options[option] for name, option in LAYOUT_OPTIONS.items() if options.get(option)})
    today = options.get("today")
    if today is not None and not isinstance(today, dt.date):
        raise ProjectError(f"journeysite option 'today' must be a date like 2026-09-14, got {today!r}")
    return policy, layout, today


def _plugin_options(plugins: Any) -> Mapping[str, Any]:
    items = plugins.items() if isinstance(plugins, dict) else (
        next(iter(p.items())) if isinstance(p, dict) else (p, {}) for p in plugins or [])
    for name, options in items:
        if name == "journeysite":
            return options or {}
    return {}
