"""Links and anchors in the Markdown that people write, checked as MkDocs checks them.

`mkdocs build --strict` fails on a link to a page that does not exist, an
anchor that no heading makes, an absolute link or a relative link it does
not recognise (with the validation settings journeysite documents). This
lets `journeysite check` find the same problems before a build, at
`file:line:col`. Pure: the caller says which pages exist and, for pages the
site generates, which anchors they have.
"""

from __future__ import annotations

import functools
import itertools
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from journeysite.core.diagnostics import Diagnostic, Severity

_parser = MarkdownIt("commonmark").enable("table")
#: Inline Markdown of text fields, with raw HTML off and images not loaded (render.py writes it too).
INLINE = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")
#: `{#id}` or `{: #id }` at the end of a heading (attr_list).
_ATTR_ID = re.compile(r"\{:?[^}]*#([\w-]+)[^}]*\}\s*$")
#: An `id` attribute in raw HTML.
_HTML_ID = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class Page:
    """Author Markdown of the site: the page's path, its text and the line
    of the file where the text starts (after front matter)."""

    path: str
    markdown: str
    first_line: int = 1


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:.*?\n)?(?:---|\.\.\.)[ \t]*\n", re.S)


def plain_page(path: str, text: str) -> Page:
    """A page of the author's that is not an entry: its Markdown after any
    front matter (MkDocs' page meta)."""
    meta = _FRONT_MATTER.match(text)
    if meta is None:
        return Page(path, text)
    return Page(path, text[meta.end():], text.count("\n", 0, meta.end()) + 1)


def slugify(text: str) -> str:
    """The id Python-Markdown's `toc` extension gives a heading by default."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(markdown: str) -> set[str]:
    """Every id a page's Markdown gives: headings (numbered on repeats, as
    `toc` does), `{#id}` attributes and `id` attributes of raw HTML."""
    found: set[str] = set(_HTML_ID.findall(markdown))
    seen: dict[str, int] = {}
    tokens = _parser.parse(markdown)
    for opening, inline in itertools.pairwise(tokens):
        if opening.type != "heading_open":
            continue
        text = inline.content
        explicit = _ATTR_ID.search(text)
        if explicit:
            found.add(explicit[1])
            continue
        slug = slugify(_plain(inline.children or []))
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        found.add(slug if n == 0 else f"{slug}_{n}")
    return found


def _plain(children: Iterable[Token]) -> str:
    return "".join(c.content for c in children if c.type in ("text", "code_inline"))


def check(pages: Iterable[Page], exists: Callable[[str], bool], anchors_of: Callable[[str], set[str]]) -> list[Diagnostic]:
    """Problems with the links of `pages`: `exists(path)` says whether a
    file or page of the site has that path; `anchors_of(path)` gives the ids
    of a page."""
    problems: list[Diagnostic] = []
    for page in pages:
        for href, line, col in _links(page):
            problem = _problem(page.path, href, exists, anchors_of)
            if problem:
                code, message = problem
                problems.append(Diagnostic(page.path, line, col, code, "", message, Severity.WARNING))
    return problems


def _problem(origin: str, href: str, exists: Callable[[str], bool], anchors_of: Callable[[str], set[str]]) -> tuple[str, str] | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("//"):
        return None  # a web address (unsafe schemes are refused where text is rendered)
    path = unquote(parts.path)
    if path.startswith("/"):
        return "JS213", f"absolute link '{href}': write it relative to this file, so that it works wherever the site is served"
    target = resolve(origin, path) if path else origin
    if target is None:
        return "JS212", f"link '{href}' leaves the content folder"
    if path and not exists(target):
        if target.endswith(".md"):
            return "JS210", f"link to '{href}': there is no page {target}"
        return "JS212", f"link '{href}' is not a page or file of the site: link to a '.md' file"
    if parts.fragment and target.endswith(".md") and unquote(parts.fragment) not in anchors_of(target):
        return "JS211", f"link to '{href}': {target} has no anchor '#{unquote(parts.fragment)}'"
    return None


def resolve(origin: str, path: str) -> str | None:
    """The docs path a relative `path` written in the file `origin` names,
    or None when it leaves the docs folder."""
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(origin), path))
    return None if resolved == ".." or resolved.startswith("../") else resolved


def _links(page: Page) -> Iterator[tuple[str, int, int]]:
    """(target, line, column) of each link and image of `page`."""
    lines = page.markdown.split("\n")
    for block in _parser.parse(page.markdown):
        if block.type != "inline" or block.map is None:
            continue
        for child in _flatten(block.children or []):
            href = child.attrs.get("href") if child.type == "link_open" else child.attrs.get("src") if child.type == "image" else None
            if not isinstance(href, str) or child.markup == "autolink":
                continue
            line, col = _locate(lines, block.map[0], block.map[1], href)
            yield href, line + page.first_line, col


def _flatten(tokens: Iterable[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from _flatten(token.children or [])


def _locate(lines: list[str], start: int, end: int, href: str) -> tuple[int, int]:
    """Where `href` is written within lines `start` to `end` (0-based), 1-based column."""
    for i in range(start, min(end, len(lines))):
        col = lines[i].find(href)
        if col >= 0:
            return i, col + 1
    return start, 1


#: A link target that is a relative path to a Markdown file, and its anchor.
_DOC_LINK = re.compile(r"(?![a-z][a-z0-9+.-]*:|/|#)([^?#]*\.md)(#.*)?", re.I)


def doc_target(target: str, origin: str) -> tuple[str, str] | None:
    """The docs file a link target written in the file `origin` points at,
    and its anchor; None for other targets (web addresses, anchors alone,
    paths leaving the docs folder)."""
    found = _DOC_LINK.fullmatch(target)
    if found is None:
        return None
    resolved = resolve(origin, unquote(found[1]))
    return None if resolved is None else (resolved, found[2] or "")


def doc_links(value: str, origin: str) -> Iterator[tuple[str, str]]:
    """(target as written, docs file) of each link to a docs file in the
    inline Markdown `value`, written in the file `origin`."""
    if "](" not in value:
        return
    for token in INLINE.parseInline(value)[0].children or ():
        if token.type == "link_open" and (found := doc_target(str(token.attrs["href"]), origin)):
            yield unquote(str(token.attrs["href"])), found[0]


@functools.lru_cache(maxsize=4096)
def relative(target: str, page: str) -> str:
    """Link from the Markdown page `page` to `target`, both relative to docs."""
    return relpath(target, posixpath.dirname(page))


def relpath(target: str, base: str) -> str:
    """`posixpath.relpath` for clean paths from one root, by their segments
    (relpath looks up the working directory on every call)."""
    to, start = [p for p in target.split("/") if p], [p for p in base.split("/") if p]
    common = 0
    while common < min(len(to), len(start)) and to[common] == start[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."
