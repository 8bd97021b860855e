"""The MkDocs plugin: feeds the generator's pages to MkDocs, each through a
scratch file that MkDocs reads when it builds the page (MkDocs holds every
page to the end of a build; it need not hold our copy too), its raw blocks
in a file beside it that our Markdown extension reads (see `set_aside`).

Per-build state is reset in `on_config`, because MkDocs keeps one plugin
object across `mkdocs serve` rebuilds (`on_startup` is defined). Kept between
`serve` rebuilds, keyed by content: the parse cache and the page memo.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, MutableMapping
from html import unescape
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from pymdownx.superfences import fence_code_format

from journeysite.core.catalog import build
from journeysite.core.diagnostics import Severity
from journeysite.core.loader import ParseCache, inside_check, unsafe_name
from journeysite.core.project import ProjectError, build_date
from journeysite.core.settings import NAV_ENTRIES_LIMIT, Settings, SettingsError
from journeysite.git.history import last_edited
from journeysite.mkdocs.config import JourneysiteConfig
from journeysite.mkdocs.theme_cache import TemplateCaches
from journeysite.pages.generate import GeneratedSite, assets, generate
from journeysite.pages.markdown import RawBlocks, blocks_file, write_page
from journeysite.pages.mermaid_js import MermaidMissing, installed_script
from journeysite.pages.siteconfig import complete
from journeysite.pages.views import PageMemo, Paths

log = get_plugin_logger(__name__)


class JourneysitePlugin(BasePlugin[JourneysiteConfig]):  # type: ignore[no-untyped-call]  # MkDocs: untyped __init_subclass__
    def __init__(self) -> None:
        # Under `mkdocs serve` only, kept across rebuilds and keyed by
        # content: the parse cache and the page memo. A one-off build keeps
        # neither, as they would hold the whole catalog while MkDocs renders.
        self.cache: ParseCache | None = None
        self.memo: PageMemo | None = None
        self.compiled = TemplateCaches()
        self.dirty = False
        #: Every generated page's Markdown is a scratch file in this folder,
        #: so MkDocs reads it when it needs it instead of holding it all;
        #: under `serve`, `scratched` keeps what each file last got.
        self.scratch: tempfile.TemporaryDirectory[str] | None = None
        self.scratched: dict[str, str] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defining this hook makes MkDocs keep one plugin object across
        `mkdocs serve` rebuilds, so the parse cache and the page memo
        (with each map's rows) survive them."""
        self.dirty = dirty
        if command == "serve":
            self.cache, self.memo = ParseCache(), PageMemo(parts=True)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            self.settings = Settings.from_options(self.config, config.config_file_path or "mkdocs.yml")
            self.today = build_date(self.settings.today)
            self.assets = assets(installed_script())
        except (SettingsError, ProjectError, MermaidMissing) as exc:
            raise PluginError(str(exc)) from None
        self.paths = Paths(self.settings, directory_urls=config.use_directory_urls, site_name=config.site_name, site_url=config.site_url or "")
        self.site: GeneratedSite | None = None
        self.nav_entries = True
        for problem in complete(config.markdown_extensions, config.mdx_configs, fence_code_format,
                                config.extra_css, config.extra_javascript, config.theme, config.theme.name or ""):
            log.warning(problem)
        self.converting: str | None = None  # the page MkDocs converts: its raw blocks are beside its scratch file
        # An instance, as mkdocs-autorefs adds its own (MkDocs types the list as names); replaces ours if listed by name.
        config.markdown_extensions.append(RawBlocks(self._blocks))  # type: ignore[arg-type]
        return config

    def _blocks(self) -> str | None:
        file = blocks_file(self._scratch_path(self.converting)) if self.converting else None
        return file.read_text(encoding="utf-8") if file is not None and file.is_file() else None

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        docs = Path(config.docs_dir)
        check = inside_check(docs)
        for file in [f for f in files if _from_docs(docs, f) and not check(Path(f.abs_src_path or ""))]:
            files.remove(file)  # a link out of the content folder (JS122): never published
        catalog = build(docs, self.today, self.settings, self.cache)
        shown = _shown(config)
        for d in catalog.diagnostics:
            (log.info if d.severity is Severity.INFO else log.warning)(d.format(shown))
        edits = last_edited(docs, [e.path for e in catalog.maps.values()], self.today, catalog)
        site = self.site = generate(catalog, self.paths, edits, {f.src_uri for f in files}, self.memo)
        changed = [path for path, markdown in site.pages if self._scratch_file(path, markdown, path in site.titles)]
        if self.memo is not None:
            self.memo.keep()
        auto = self.settings.nav_entries == "auto"
        self.nav_entries = self.settings.nav_entries is True or (auto and len(catalog.maps) <= NAV_ENTRIES_LIMIT)
        if auto and not self.nav_entries:
            log.info(f"{len(catalog.maps)} maps: the navigation lists index pages only, so the build stays fast "
                     f"(nav_entries: auto lists entries up to {NAV_ENTRIES_LIMIT} maps; set it to true to list them all)")
        if self.dirty:
            _mark_changed(files, {path: self._scratch_path(path) for path in changed if path in site.titles})
        for path in sorted(site.derived):
            files.append(File.generated(config, path, abs_src_path=str(self._scratch_path(path))))
        for path, source in self.assets.items():
            files.append(File.generated(config, path, abs_src_path=str(source)))
        return files

    def _scratch_path(self, path: str) -> Path:
        if self.scratch is None:
            self.scratch = tempfile.TemporaryDirectory(prefix="journeysite-")
        return Path(self.scratch.name, path)  # a path MkDocs found in the content folder, or a valid id's

    def _scratch_file(self, path: str, markdown: str, entry: bool) -> bool:
        """Write a page's Markdown to its scratch file, if it changed; whether
        it did. Under `--dirty` the file's age tells MkDocs whether to build
        the page again. An entry page gets a blank first line, which tells
        MkDocs it has no metadata, unless it brings its own (`hide`)."""
        if self.scratched.get(path) is markdown:  # under `serve`, the memo's own string: not rendered again
            return False
        if self.memo is not None:
            self.scratched[path] = markdown
        return write_page(self._scratch_path(path), ("\n" if entry and not markdown.startswith("---\n") else "") + markdown)

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """Material's templates are compiled once per `mkdocs serve`."""
        return self.compiled.attach(env)

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        if self.site is not None:
            nav.items = _without(nav.items, self.site.hidden | (frozenset() if self.nav_entries else self.site.entries))
        for section in _sections(nav.items):  # named after folders: text, written raw by the theme
            section.title = escape(section.title)
        return nav

    def on_page_read_source(self, page: Page, config: MkDocsConfig) -> str | None:
        """An entry page's source is the Markdown made from its front matter
        (MkDocs would parse every file's YAML a second time, and could not
        decode a file that is not UTF-8)."""
        if self.site is None or page.file.src_uri not in self.site.titles:
            return None
        return self._scratch_path(page.file.src_uri).read_text(encoding="utf-8")

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        src, site = page.file.src_uri, self.site
        self.converting = src if site is not None and (src in site.titles or src in site.derived) else None
        if site is not None and src in site.titles:
            page.meta["title"] = site.titles[src]
            if src in site.tags:  # for Material's tags plugin
                page.meta["tags"] = site.tags[src]
        if (site is not None and src in site.derived) or unsafe_name(src):  # MkDocs writes the edit link unescaped (JS123)
            page.edit_url = None
        if site is not None and src in site.derived and "\n## " not in markdown:  # one table: give it the room of the table of contents
            page.meta.setdefault("hide", ["toc"])
        _escape_meta(page.meta)
        return markdown

    @event_priority(-100)
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if "title" not in page.meta:
            # From the first heading's HTML (entities as written) or the file
            # name: the theme writes it raw, so it becomes escaped text.
            page.meta["title"] = escape(unescape(page.title or ""))
        return html


def _mark_changed(files: Files, changed: dict[str, Path]) -> None:
    """Under `--dirty`, MkDocs builds again only the files it sees modified;
    a team page changes when a map it owns does. So a changed entry page
    gets its Markdown as content, which MkDocs counts as modified; its
    source path stays, for other plugins (git dates)."""
    for file in files.documentation_pages():
        if file.src_uri in changed:
            source = file.abs_src_path
            file.content_string = changed[file.src_uri].read_text(encoding="utf-8")
            file.abs_src_path = source


def _shown(config: MkDocsConfig) -> str:
    """The content folder as written relative to mkdocs.yml, for messages."""
    base = Path(config.config_file_path or ".").parent.resolve()
    docs = Path(config.docs_dir).resolve()
    return docs.relative_to(base).as_posix() if docs.is_relative_to(base) else str(docs)


def _from_docs(docs: Path, file: File) -> bool:
    """Whether MkDocs found `file` in the content folder (not in the theme)."""
    return file.abs_src_path is not None and Path(file.abs_src_path).is_relative_to(docs)


def _without(items: list[Any], sources: frozenset[str]) -> list[Any]:
    """Navigation items minus the pages made from `sources`, recursively."""
    kept = []
    for item in items:
        if isinstance(item, Page) and item.file.src_uri in sources:
            continue
        if isinstance(item, Section):
            item.children = _without(item.children, sources)
            if not item.children:  # a folder holding only left-out pages (a large team's listing)
                continue
        kept.append(item)
    return kept


def _sections(items: list[Any]) -> Iterator[Section]:
    for item in items:
        if isinstance(item, Section):
            yield item
            yield from _sections(item.children)


def _escape_meta(meta: MutableMapping[str, Any]) -> None:
    """Material writes `page.meta` title, description and tags (on the page,
    the tags index and in search results) unescaped."""
    for key in ("title", "description"):
        value = meta.get(key)
        if isinstance(value, str):
            meta[key] = escape(value)
    if isinstance(meta.get("tags"), list):
        meta["tags"] = [escape(tag) if isinstance(tag, str) else tag for tag in meta["tags"]]
