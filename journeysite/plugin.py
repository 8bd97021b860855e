"""MkDocs glue: load the catalog with the files, render pages from views.

Per-build state is reset in `on_config`, because MkDocs keeps one plugin
object across `mkdocs serve` rebuilds. The only state kept between builds is
the parse cache, keyed by file content.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .catalog import Catalog, build
from .config import JourneysiteConfig
from .diagnostics import Severity
from .loader import ParseCache
from .project import ProjectError, build_date, settings_from
from .vendor import SITE_PATH, MermaidMissing, installed_script
from .views import Paths, generated_pages, map_page, persona_page, team_page

log = get_plugin_logger(__name__)


class JourneysitePlugin(BasePlugin[JourneysiteConfig]):
    def __init__(self) -> None:
        self.cache = ParseCache()
        self._reset()

    def _reset(self) -> None:
        self.catalog: Catalog | None = None
        self.paths = Paths()
        self.renderers: dict[str, Callable[[Page], str]] = {}
        self.generated: set[str] = set()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._reset()
        try:
            self.policy, layout, fixed = settings_from(self.config)
            self.today = build_date(fixed)
        except ProjectError as exc:
            raise PluginError(str(exc)) from exc
        self.layout = layout
        self.paths = Paths(layout)
        try:
            self.mermaid = installed_script()
        except MermaidMissing as exc:
            raise PluginError(str(exc)) from exc
        # Mermaid first: the theme's journeysite.js wraps its initialize().
        scripts = [str(s) for s in config.extra_javascript]
        if SITE_PATH not in scripts:
            config.extra_javascript.insert(0, SITE_PATH)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        docs = Path(config.docs_dir)
        catalog = build(docs, self.today, self.policy, self.layout, self.cache)
        self.catalog = catalog
        shown = os.path.relpath(docs, Path(config.config_file_path or ".").parent)
        for d in catalog.diagnostics:
            (log.info if d.severity is Severity.INFO else log.warning)(d.format(shown))

        paths = self.paths
        for entry in catalog.maps.values():
            self.renderers[entry.path] = lambda page, e=entry: map_page(catalog, e, paths, page.edit_url)
        for entry in catalog.personas.values():
            self.renderers[entry.path] = lambda page, e=entry: persona_page(catalog, e, paths)
        for entry in catalog.teams.values():
            self.renderers[entry.path] = lambda page, e=entry: team_page(catalog, e, paths)

        files.append(File.generated(config, SITE_PATH, abs_src_path=str(self.mermaid)))
        existing = {f.src_uri for f in files}
        for page in generated_pages(catalog, paths, skip=existing):
            files.append(File.generated(config, page.path, content=page.content))
            self.generated.add(page.path)
        return files

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        src = page.file.src_uri
        render = self.renderers.get(src)
        if render is not None:
            entry_title = self._title_of(src)
            page.meta["title"] = entry_title
            markdown = render(page)
        if src in self.generated:
            page.edit_url = None
        _escape_meta(page.meta)
        return markdown

    def _title_of(self, src: str) -> str:
        assert self.catalog is not None
        for entries in (self.catalog.maps, self.catalog.personas, self.catalog.teams):
            for entry in entries.values():
                if entry.path == src:
                    return entry.title
        return src


def _escape_meta(meta: dict[str, Any]) -> None:
    """Material writes `page.meta` title and description into the page unescaped."""
    for key in ("title", "description"):
        value = meta.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            meta[key] = escape(value)
