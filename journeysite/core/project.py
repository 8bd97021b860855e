"""Find a knowledge base and its settings from a folder or a mkdocs.yml.

The CLI must work without importing MkDocs, so it reads `mkdocs.yml` as
plain YAML (tolerating MkDocs' `!ENV` and `!!python/name:` tags) and picks out
`docs_dir` and the `journeysite` plugin's options.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from journeysite.core.catalog import Catalog, build
from journeysite.core.loader import ParseCache
from journeysite.core.settings import Settings, SettingsError


class ProjectError(Exception):
    """A problem with the project setup (not with the content)."""


#: MkDocs' link checks, by the diagnostic code `journeysite check` gives
#: them, and their levels unless mkdocs.yml says otherwise (MkDocs 1.6).
LINK_CHECKS = {"JS210": ("not_found", "warn"), "JS211": ("anchors", "info"),
               "JS212": ("unrecognized_links", "info"), "JS213": ("absolute_links", "info")}


@dataclass(frozen=True)
class Project:
    content: Path
    settings: Settings
    #: The link checks (`LINK_CHECKS` codes) a strict build fails on.
    failing_links: frozenset[str] = frozenset(LINK_CHECKS)
    #: The mkdocs.yml it was found by, if any.
    config_file: Path | None = None
    #: MkDocs' `use_directory_urls`: `maps/x/` rather than `maps/x.html`.
    directory_urls: bool = True
    #: `site_name` and `site_url` of mkdocs.yml.
    site_name: str = "Customer journeys"
    site_url: str = ""

    def catalog(self, today: dt.date, cache: ParseCache | None = None) -> Catalog:
        """The knowledge base, read with this project's settings (`cache`:
        files parsed before are not parsed again)."""
        return build(self.content, today, self.settings, cache)


def build_date(fixed: dt.date | None, environ: Mapping[str, str] = os.environ) -> dt.date:
    """The date freshness is computed for: fixed, else SOURCE_DATE_EPOCH, else today."""
    if fixed is not None:
        return fixed
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError) as exc:
            raise ProjectError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from exc
    return dt.date.today()


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, turning tags meant for MkDocs into plain values
    (never constructing anything: every unknown tag becomes None)."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def find_project(path: Path) -> Project:
    """A content folder as it is, or the one a mkdocs.yml names."""
    if path.is_dir() and not (path / "mkdocs.yml").is_file():
        return Project(path, Settings())
    config_file = path / "mkdocs.yml" if path.is_dir() else path
    if not config_file.is_file():
        raise ProjectError(f"{config_file}: no such file (give a content folder or a mkdocs.yml)")
    config = read_config(config_file)
    try:
        settings = Settings.from_options(plugin_options(config.get("plugins")), str(config_file))
    except SettingsError as exc:
        raise ProjectError(str(exc)) from None
    content = config_file.parent / docs_dir(config)
    if not content.is_dir():
        raise ProjectError(f"{content}: the docs_dir of {config_file} does not exist")
    return Project(content, settings, _failing_links(config.get("validation")), config_file,
                   config.get("use_directory_urls", True) is not False, str(config.get("site_name") or "Customer journeys"),
                   str(config.get("site_url") or ""))


def read_config(config_file: Path) -> dict[str, Any]:
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader)  # noqa: S506 (tags become None)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ProjectError(f"{config_file}: cannot read it: {exc}") from exc
    if not isinstance(config, dict):
        raise ProjectError(f"{config_file}: not a MkDocs configuration (expected a mapping)")
    return config


def _failing_links(validation: Any) -> frozenset[str]:
    """The link checks set to `warn` in mkdocs.yml's `validation` (either its
    short form or `links:`), which a strict build fails on."""
    validation = validation if isinstance(validation, Mapping) else {}
    links = validation.get("links") if isinstance(validation.get("links"), Mapping) else {}
    return frozenset(code for code, (name, default) in LINK_CHECKS.items()
                     if links.get(name, validation.get(name, default)) == "warn")


def docs_dir(config: Mapping[str, Any]) -> str:
    """The content folder a mkdocs.yml names, relative to it."""
    return str(config.get("docs_dir") or "docs")


def plugin_options(plugins: Any) -> Mapping[str, Any] | None:
    """The journeysite plugin's options in a mkdocs.yml's `plugins`, as written."""
    items = plugins.items() if isinstance(plugins, dict) else (
        next(iter(p.items())) if isinstance(p, dict) and p else (p, {}) for p in plugins or [])
    for name, options in items:
        if name == "journeysite":
            if options is not None and not isinstance(options, Mapping):
                raise ProjectError(f"the journeysite plugin's options must be a mapping, got {options!r}")
            return options
    return None
