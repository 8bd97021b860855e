"""The generator: a knowledge base and a date in, every page and asset out.

Engine-neutral: the MkDocs plugin feeds the result to MkDocs page by page, and
`journeysite generate` writes it as a plain docs folder that Zensical,
MkDocs or ProperDocs build without the plugin. Pages are Markdown with raw
HTML blocks that any Python-Markdown engine renders the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from journeysite.core.catalog import Catalog
from journeysite.core.indexes import Insights
from journeysite.git.history import Edit
from journeysite.pages.mermaid_js import SITE_PATH as MERMAID_PATH
from journeysite.pages.views import PageMemo, Paths, entry_jobs, generated_jobs, rendered

#: Our stylesheet and script, where the site serves them: the theme reads
#: them from `extra_css` and `extra_javascript`.
STYLESHEET = "assets/journeysite/journeysite.css"
SCRIPT = "assets/journeysite/journeysite.js"
#: Scripts in the order pages load them: Mermaid first, as ours wraps its `initialize`.
SCRIPTS = (MERMAID_PATH, SCRIPT)


@dataclass(frozen=True)
class GeneratedSite:
    """Every page of the site that the generator writes, as Markdown."""

    #: Map, persona and team pages (standing in for the author's file at the
    #: same path) and the pages the site derives, by path; `maps.json` is not
    #: a page. Each is rendered as it is read, and read once.
    pages: Iterator[tuple[str, str]]
    #: Titles of the entry pages, by path.
    titles: dict[str, str]
    #: Pages the site derives (not an author's file), and `maps.json`.
    derived: frozenset[str]
    #: Map, persona, team, touchpoint and system pages: the entries a large site keeps out of navigation.
    entries: frozenset[str]
    #: Each map page's tags.
    tags: dict[str, list[str]]
    #: Pages reached from another page only, never listed in navigation (a
    #: large team's full listing, the later pages of a long listing).
    hidden: frozenset[str] = frozenset()


def generate(catalog: Catalog, paths: Paths, edits: Mapping[str, Edit], existing: Iterable[str] = (),
             memo: PageMemo | None = None) -> GeneratedSite:
    """Every page of `catalog` (`existing`: the author's files, whose paths
    the site does not generate over). With a `memo`, a page is rendered
    again only when what it shows changed (`mkdocs serve`); keep the memo
    only after reading every page."""
    insights = Insights(catalog, memo.insights if memo is not None else None)
    if memo is not None:
        memo.insights = insights
    entries = entry_jobs(insights, paths, edits, memo)
    derived = generated_jobs(insights, paths, set(existing), edits, memo)
    return GeneratedSite(
        pages=rendered([*entries, *derived], memo),
        titles={j.path: j.title for j in entries if j.title is not None},
        derived=frozenset(j.path for j in derived),
        entries=frozenset({j.path for j in entries} | {paths.touchpoint(tid) for tid in catalog.touchpoints}
                          | {paths.system(sid) for sid in catalog.systems}),
        tags={e.path: list(e.data.tags) for e in catalog.maps.values() if e.data is not None and e.data.tags},
        hidden=frozenset(j.path for j in derived if j.hidden),
    )


def assets(mermaid: Path) -> dict[str, Path]:
    """The files every page needs, by the path the site serves them at: our
    stylesheet and script (package data), and the verified Mermaid build."""
    package = resources.files("journeysite.pages") / "assets"
    return {
        STYLESHEET: Path(str(package / "journeysite.css")),
        SCRIPT: Path(str(package / "journeysite.js")),
        MERMAID_PATH: mermaid,
    }
