"""MkDocs glue: load the catalog with the files, render pages from views.

Per-build state is reset in `on_config`, because MkDocs keeps one plugin
object across `mkdocs serve` rebuilds. Kept between builds, all keyed by
content: the parse cache, the rendered pages with their inputs and, for
`--dirty`, the Markdown of the last build and the generated pages as files.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Iterator, MutableMapping
from html import unescape
from pathlib import Path
from typing import Any, NamedTuple

from jinja2 import Environment
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from .catalog import build
from .config import JourneysiteConfig
from .diagnostics import Severity
from .history import last_edited
from .indexes import Insights
from .jinja_cache import TemplateCaches
from .loader import ParseCache, inside, unsafe_name
from .project import ProjectError, build_date
from .settings import NAV_ENTRIES_LIMIT, Settings, SettingsError
from .vendor import SITE_PATH, MermaidMissing, installed_script
from .views import PageMemo, Paths, entry_jobs, generated_jobs, rendered

log = get_plugin_logger(__name__)
#: The large tables and lists our templates write as raw HTML, marked so
#: that HTML an author shows in a code block is left alone; the tags open
#: and close their own lines (user text in them is escaped, so no author can
#: write a line that ends one early). Listings of other pages' content also
#: say `data-search-exclude`, Material's word for "not in the search index".
RAW_OPEN = re.compile(r"^<(table|ul|p) data-js-raw(?: data-search-exclude)?>$", re.M)
UNSEARCHED = re.compile(r"<\w+ data-search-exclude>")
#: A tag in our escaped HTML (a `>` in an attribute is escaped too).
TAG = re.compile(r"<[^>]+>")


class SetAside(NamedTuple):
    """A page's Markdown with our raw blocks set aside as comments (see
    `JourneysitePlugin._set_aside`), the blocks, and what search reads in
    place of each: a marker and its words (none for a listing that search
    leaves out)."""

    markdown: str
    tables: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


class JourneysitePlugin(BasePlugin[JourneysiteConfig]):  # type: ignore[no-untyped-call]  # MkDocs: untyped __init_subclass__
    def __init__(self) -> None:
        # Kept across `mkdocs serve` rebuilds, all keyed by content:
        self.cache = ParseCache()
        self.memo = PageMemo()
        self.compiled = TemplateCaches()
        self.rendered_before: dict[str, SetAside] = {}
        self.dirty = False
        #: Generated pages as files, for `--dirty` (see `_scratch_file`).
        self.scratch: tempfile.TemporaryDirectory[str] | None = None
        #: The marker of a set-aside table: one no author can guess, so that a
        #: comment in a page cannot pull tables in. Per plugin object, so
        #: that the pages the memo keeps stay valid across rebuilds.
        self.nonce = secrets.token_hex(8)
        self._reset()

    def _reset(self) -> None:
        self.paths = Paths()
        #: The Markdown we render for entry pages (the author's files) and
        #: generated pages, by source path, until MkDocs reads it; the
        #: titles of entry pages.
        self.markdown: dict[str, SetAside] = {}
        self.titles: dict[str, str] = {}
        self.generated: set[str] = set()
        #: Map, persona, team and touchpoint pages: what `nav_entries: false` hides.
        self.entries: set[str] = set()
        #: Pages MkDocs has read, for their tables (see `_set_aside`).
        self.aside: dict[str, SetAside] = {}
        #: Map tags, for Material's tags plugin (see `on_page_read_source`).
        self.tags: dict[str, list[str]] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._reset()
        try:
            self.settings = Settings.from_options(self.config, config.config_file_path or "mkdocs.yml")
            self.today = build_date(self.settings.today)
        except (SettingsError, ProjectError) as exc:
            raise PluginError(str(exc)) from None
        self.paths = Paths(self.settings, directory_urls=config.use_directory_urls)
        try:
            self.mermaid = installed_script()
        except MermaidMissing as exc:
            raise PluginError(str(exc)) from exc
        # Mermaid first: the theme's journeysite.js wraps its initialize().
        scripts = [str(s) for s in config.extra_javascript]
        if SITE_PATH not in scripts:
            config.extra_javascript.insert(0, SITE_PATH)
        return config

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defining this hook makes MkDocs keep one plugin object across
        `mkdocs serve` rebuilds, so the parse cache and the page memo survive
        them; under `serve` the memo keeps each map's rows too."""
        self.dirty = dirty
        self.memo = PageMemo(parts=command == "serve")

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        docs = Path(config.docs_dir)
        for file in [f for f in files if _from_docs(docs, f) and not inside(docs, Path(f.abs_src_path or ""))]:
            files.remove(file)  # a link out of the content folder (JS122): never published
        catalog = build(docs, self.today, self.settings, self.cache)
        shown = os.path.relpath(docs, Path(config.config_file_path or ".").parent)
        for d in catalog.diagnostics:
            (log.info if d.severity is Severity.INFO else log.warning)(d.format(shown))

        insights = Insights(catalog)
        edits = last_edited(docs, [e.path for e in catalog.maps.values()], self.today)
        entries = entry_jobs(insights, self.paths, edits, self.memo)
        derived = generated_jobs(insights, self.paths, {f.src_uri for f in files}, edits, self.memo)
        self.titles = {j.path: j.title for j in entries if j.title is not None}
        self.generated = {j.path for j in derived}
        self.entries = set(self.titles) | {self.paths.touchpoint(tid) for tid in catalog.touchpoints}
        self.tags = {e.path: list(e.data.tags) for e in catalog.maps.values() if e.data is not None and e.data.tags}
        self.markdown = {path: self._set_aside(markdown) for path, markdown in rendered([*entries, *derived], self.memo).items()}
        self.memo.keep()
        self.nav_entries = self.settings.nav_entries is True or (self.settings.nav_entries == "auto" and len(catalog.maps) <= NAV_ENTRIES_LIMIT)
        if self.settings.nav_entries == "auto" and not self.nav_entries:
            log.info(f"{len(catalog.maps)} maps: the navigation lists index pages only, so the build stays fast "
                     f"(nav_entries: auto lists entries up to {NAV_ENTRIES_LIMIT} maps; set it to true to list them all)")
        if self.dirty:
            self._mark_changed(files)
        files.append(File.generated(config, SITE_PATH, abs_src_path=str(self.mermaid)))
        for job in derived:
            if job.path == self.paths.data:
                continue  # not a page: written in `on_post_build`
            if self.dirty:  # a file, whose age tells MkDocs whether to build it again
                aside = self.markdown[job.path]
                content = "".join([aside.markdown, *aside.tables])
                files.append(File.generated(config, job.path, abs_src_path=str(self._scratch_file(job.path, content))))
            else:  # its source comes from `on_page_read_source`
                files.append(File.generated(config, job.path, content=""))
        return files

    def _scratch_file(self, path: str, content: str) -> Path:
        """Under `--dirty`, MkDocs counts a page with content in memory as
        changed on every rebuild. A generated page is written to a scratch
        file instead (its Markdown, then its tables), rewritten only when
        its content changes, so its age tells MkDocs whether to render it
        again."""
        if self.scratch is None:
            self.scratch = tempfile.TemporaryDirectory(prefix="journeysite-")
        file = Path(self.scratch.name, path)
        _write_changed(file, content)
        return file

    def _mark_changed(self, files: Files) -> None:
        """Under `--dirty`, MkDocs re-renders only files newer than their output.
        A team page changes when a map it owns does: so every entry page whose
        Markdown differs from the last build is marked changed (a file with
        content in memory counts as modified; its source comes from
        `on_page_read_source`, so the content itself is never read)."""
        for file in files.documentation_pages():
            if file.src_uri in self.titles and self.markdown[file.src_uri] != self.rendered_before.get(file.src_uri):
                file.content_string = ""
        self.rendered_before = {src: self.markdown[src] for src in self.titles}

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """`maps.json` is not a page: written once the site is, and only
        when it changed, as MkDocs does under `--dirty`."""
        if self.paths.data in self.generated:  # ours, not an author's file of that name
            _write_changed(Path(config.site_dir, self.paths.data), self.markdown.pop(self.paths.data).markdown)

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """Material's templates are compiled once per `mkdocs serve`."""
        return self.compiled.attach(env)

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        if not self.nav_entries:
            nav.items = _without(nav.items, self.entries)
        for section in _sections(nav.items):  # named after folders: text, written raw by the theme
            section.title = escape(section.title)
        return nav

    def on_page_read_source(self, page: Page, config: MkDocsConfig) -> str | None:
        """The source of our pages is the Markdown we rendered: for an entry
        page, from its front matter (MkDocs would parse every file's YAML a
        second time, and could not decode a file that is not UTF-8). The
        blank first line tells MkDocs there is no metadata.

        MkDocs reads each page once a build and keeps its own copy, so ours
        is let go (up to 90 MB at 1,000 maps; under `serve` the memo still
        holds it), but for its tables."""
        src = page.file.src_uri
        if src not in self.markdown:
            return None
        aside = self.markdown.pop(src)
        self.aside[src] = aside._replace(markdown="")
        return "\n" + aside.markdown

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        src = page.file.src_uri
        if src in self.titles:
            page.meta["title"] = self.titles[src]
            if src in self.tags:  # for Material's tags plugin, which runs later
                page.meta["tags"] = self.tags[src]
        if src in self.generated or unsafe_name(src):  # MkDocs writes the edit link unescaped (JS123)
            page.edit_url = None
            if "\n## " not in markdown:  # a single table: give it the table of contents' width
                page.meta.setdefault("hide", ["toc"])
        _escape_meta(page.meta)
        return markdown

    def _set_aside(self, markdown: str) -> SetAside:
        """Python-Markdown parses raw HTML tag by tag (most of a large build):
        our finished tables skip it, as comments (markers), and are put back
        after search has read their words (see `on_page_content`). Their
        words are found here too, which a one-off build does in its second
        process."""
        markdown = markdown if markdown.endswith("\n") else markdown + "\n"
        if " data-js-raw" not in markdown:  # no tables, or `maps.json`: nothing to scan
            return SetAside(markdown)
        tables: list[str] = []
        kept: list[str] = []
        at = 0
        for start, end in raw_blocks(markdown):
            kept += [markdown[at:start], self._marker(len(tables))]
            tables.append(markdown[start:end].replace(" data-js-raw", "", 1))
            at = end
        if not tables:
            return SetAside(markdown)
        words = [f"<!--journeysite:{self.nonce}:text:{i}-->" + ("" if UNSEARCHED.match(table) else f"<p>{' '.join(TAG.sub(' ', table).split())}</p>")
                 for i, table in enumerate(tables)]
        return SetAside("".join(kept) + markdown[at:], tuple(tables), tuple(words))

    def _marker(self, i: int) -> str:
        """Where table `i` of a page was set aside."""
        return f"<!--journeysite:{self.nonce}:{i}-->"

    @event_priority(-100)
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Material's search reads `page.content` in `on_page_context`, tag
        by tag (a third of a large build): each table goes in as its text
        first, one paragraph, which also keeps words of adjacent cells
        apart, and nothing of the listings search would leave out anyway.
        The tables replace their text after search (`on_page_context`).
        Both run after other plugins: those see each table as its marker
        here, and the page with its tables in `on_post_page`."""
        if "title" not in page.meta:
            # From the first heading's HTML (entities as written) or the file
            # name: the theme writes it raw, so it becomes escaped text.
            page.meta["title"] = escape(unescape(page.title or ""))
        aside = self.aside.get(page.file.src_uri)
        if aside and aside.tables:
            html = _swapped(html, map(self._marker, range(len(aside.tables))), aside.words)
        return html

    @event_priority(-100)
    def on_page_context(self, context: Any, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        src = page.file.src_uri
        aside = self.aside.pop(src, None)
        if aside and aside.tables and page.content is not None:
            page.content = _swapped(page.content, aside.words, aside.tables)
        return context


def raw_blocks(markdown: str) -> Iterator[tuple[int, int]]:
    """Where each raw block starts and ends in `markdown` (which ends with a
    newline): from its opening line to the first line that closes it. A lazy
    regex did this a character at a time, over 18 MB at 1,000 maps."""
    at = 0
    while opening := RAW_OPEN.search(markdown, at):
        closing = f"\n</{opening[1]}>\n"
        end = markdown.find(closing, opening.end())
        if end < 0:
            return
        at = end + len(closing) - 1
        yield opening.start(), at


def _swapped(content: str, old: Iterable[str], new: Iterable[str]) -> str:
    """`content` with each of `old`, in order, replaced by its `new`: one
    pass and one copy, where `str.replace` for each would copy the page
    for each table."""
    pieces, at = [], 0
    for before, after in zip(old, new, strict=True):
        found = content.find(before, at)
        if found >= 0:
            pieces += [content[at:found], after]
            at = found + len(before)
    pieces.append(content[at:])
    return "".join(pieces)


def _write_changed(file: Path, content: str) -> None:
    """Write `content` to `file` unless it holds it already (its age then
    says when it last changed)."""
    data = content.encode("utf-8")
    if not file.is_file() or file.read_bytes() != data:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)


def _without(items: list[Any], sources: set[str]) -> list[Any]:
    """Navigation items minus the pages made from `sources`, recursively."""
    kept = []
    for item in items:
        if isinstance(item, Page) and item.file.src_uri in sources:
            continue
        if isinstance(item, Section):
            item.children = _without(item.children, sources)
        kept.append(item)
    return kept


def _escape_meta(meta: MutableMapping[str, Any]) -> None:
    """Material writes `page.meta` title, description and tags (on the page,
    the tags index and in search results) unescaped."""
    for key in ("title", "description"):
        value = meta.get(key)
        if isinstance(value, str):
            meta[key] = escape(value)
    if isinstance(meta.get("tags"), list):
        meta["tags"] = [escape(tag) if isinstance(tag, str) else tag for tag in meta["tags"]]


def _from_docs(docs: Path, file: File) -> bool:
    """Whether MkDocs found `file` in the content folder (not in the theme)."""
    return file.abs_src_path is not None and Path(file.abs_src_path).is_relative_to(docs)


def _sections(items: list[Any]) -> Iterator[Section]:
    for item in items:
        if isinstance(item, Section):
            yield item
            yield from _sections(item.children)
