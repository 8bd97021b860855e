"""The Jinja environment that turns views into Markdown pages.

Templates write Markdown, so MkDocs still builds the table of contents,
validates links and indexes search. Every user string goes through one of two
filters, because in this Markdown it must be inert twice: as HTML (autoescape)
and as Markdown (`*`, `[`, `|`, `{` ... become character references).

Templates write symbols above U+00FF (a check mark, an arrow) as character
references: Python stores a string holding one such character at two or four
bytes per character, and MkDocs holds every page's Markdown and HTML.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from pydantic_core import to_jsonable_python

from journeysite.core.diagnostics import one_line
from journeysite.core.links import INLINE, doc_target, relative, relpath
from journeysite.pages.labels import EMOTIONS, GLOBALS

#: Characters that Python-Markdown or its extensions (tables, attr_list) read.
_SYNTAX_CHARS = "\\`*_[]{}|#!~^=:+-"
#: Those characters, except inside a character reference that is already there.
_MARKDOWN_SYNTAX = re.compile(rf"(&#?\w+;)|[{re.escape(_SYNTAX_CHARS)}]")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
#: Line breaks would end a table row or start a block: all white space is one space.
_SPACE = re.compile(r"\s+")

#: Characters that can start inline Markdown in CommonMark; text without any
#: renders as itself, escaped.
_INLINE_SYNTAX = re.compile(r"[\\`*_\[\]<>&!]|  \n|https?:")



def _inert(text: str) -> str:
    """Turn Markdown syntax characters of already HTML-safe text into references."""
    return _MARKDOWN_SYNTAX.sub(lambda m: m.group(1) or f"&#{ord(m.group())};", _SPACE.sub(" ", text))


#: HTML escaping (as markupsafe writes it) and `_inert` in one pass, for plain strings.
_PLAIN = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
    | {c: f"&#{ord(c)};" for c in _SYNTAX_CHARS}
)


#: White space other than single spaces; the characters `_PLAIN` changes (its own keys, so the two cannot drift apart).
_ODD_SPACE = re.compile(r"[^\S ]|  ")
_PLAIN_CHARS = re.compile("[" + re.escape("".join(map(chr, _PLAIN))) + "]")


@functools.lru_cache(maxsize=4096)
def _plain_text(value: str) -> Markup:
    # Most names need neither change: searching is cheaper than translating every character.
    if _ODD_SPACE.search(value):
        value = _SPACE.sub(" ", value)
    return Markup(value.translate(_PLAIN) if _PLAIN_CHARS.search(value) else value)


def text(value: object) -> Markup:
    """Plain user text: shown exactly as written, on one line. Names repeat
    thousands of times on large pages, so plain strings are cached."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return _plain_text(value)
    return Markup(_inert(str(escape("" if value is None else value))))


_blocks = MarkdownIt("commonmark")
#: An inline code span, or a `<` that does not open an autolink.
_CODE_OR_TAG = re.compile(r"(`+)[^`].*?\1|<(?!(?:https?://|mailto:)[^\s<>]*>)")


def author_body(markdown: str, raw_html: bool = False) -> Markup:
    """The Markdown body an author wrote below the front matter. Unless the
    site allows raw HTML (`raw_html`), HTML in it is shown as text, as in
    every other text field: a `<` outside code becomes `&lt;`. Code blocks,
    code spans and autolinks stay as written."""
    if raw_html or "<" not in markdown:
        return Markup(markdown)
    lines = markdown.split("\n")
    code = {i for token in _blocks.parse(markdown) if token.type in ("fence", "code_block") and token.map
            for i in range(token.map[0], token.map[1])}
    return Markup("\n".join(line if i in code else _CODE_OR_TAG.sub(lambda m: m[0] if m[1] else "&lt;", line)
                             for i, line in enumerate(lines)))


def texts(values: Iterable[str], separator: str = ", ", names: Mapping[str, str] | None = None) -> Markup:
    """Plain user texts (`text` each, or its name in `names` if it has one)
    joined by `separator`, which the template writes: one output where a
    loop would write two per item, most of a long cell's cost."""
    if names is not None:
        values = [names.get(v, v) for v in values]
    return Markup(str(separator).join([text(v) for v in values]))


def code(value: object) -> Markup:
    """User text shown as code (ids, keys, file names): an inline `<code>`
    element holding `text`, which no backtick or `{: ...}` in the value can
    leave, as it could a Markdown code span."""
    return Markup("<code>") + text(value) + Markup("</code>")


#: What GitHub-flavoured Markdown reads inside a line (`@` would notify people).
_GFM_SYNTAX = re.compile(r"[\\`*_\[\]|~@]")


def gfm(value: object) -> Markup:
    """Plain user text for GitHub-flavoured Markdown (pull-request comments):
    HTML-escaped, its inline syntax backslash-escaped, on one line."""
    plain = one_line(_SPACE.sub(" ", str(value))).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(_GFM_SYNTAX.sub(lambda m: "\\" + m.group(), plain))


def any_value(value: object) -> Markup:
    """An extension field's value (any YAML): text as written, anything
    else as compact JSON, both as plain text."""
    return text(value if isinstance(value, str) else json.dumps(to_jsonable_python(value), ensure_ascii=False))


def yaml_scalar(value: object) -> Markup:
    """A value as one YAML scalar, quoted when YAML would read it otherwise."""
    dumped = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, width=float("inf"))
    return Markup(dumped.strip()[1:-1])


def inline_markdown(value: object, page: str | None = None, origin: str | None = None, directory_urls: bool = True,
                    from_file: bool = False) -> Markup:
    """Inline Markdown from front matter, rendered by markdown-it with HTML off.

    Raw HTML comes out as text and images are not loaded; link targets are
    checked by markdown-it (no `javascript:`). On the page of `page`, a link
    to a Markdown file, written relative to the file `origin` (by default
    the page's own), becomes a link to that file's page (see `doc_href`).
    The HTML is then made inert for the second Markdown pass MkDocs runs.
    """
    if value is None:
        return Markup("")
    if not _INLINE_SYNTAX.search(str(value)):
        return text(value)  # nothing for markdown-it to do: skip it
    tokens = INLINE.parseInline(str(value))
    if page is not None:
        for token in tokens[0].children or ():
            if token.type == "link_open":
                token.attrs["href"] = doc_href(str(token.attrs["href"]), origin or page, page, directory_urls, from_file)
    html = INLINE.renderer.render(tokens, INLINE.options, {})
    parts = _TAG_OR_TEXT.split(html)
    return Markup("".join(p if p.startswith("<") else _inert(p) for p in parts))


def doc_href(target: str, origin: str, page: str, directory_urls: bool, from_file: bool = False) -> str:
    """A link written in the file `origin`, as a URL from the page of `page`.

    MkDocs turns `other.md` into the URL of its page in a Markdown body, but
    not in the HTML our templates write, and a row of a map's text may show
    on a touchpoint or team page far from the map. Other targets are left
    as written (see `doc_target`).
    """
    found = doc_target(target, origin)
    return target if found is None else quote(href(found[0], page, directory_urls, from_file)) + found[1]


@pass_context
def _inline_markdown_on_page(context: Context, value: object, origin: str | None = None) -> Markup:
    """The `md` filter: `inline_markdown` on the page being rendered;
    `origin` is the file the text was written in, if not the page's own."""
    paths = context.get("paths")
    if paths is None:
        return inline_markdown(value, context.get("page"), origin)
    return inline_markdown(value, context.get("page"), origin, paths.directory_urls, paths.links_from_file)


@functools.cache
def environment() -> Environment:
    """The one environment every page is rendered in. The labels are its
    globals, so the macros of `_badges.md` are made once: a module imported
    `with context` would be made for every page, as a reference cycle (with
    the page's data) that only the garbage collector frees."""
    env = Environment(
        loader=PackageLoader("journeysite.pages", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(text=text, texts=texts, code=code, md=_inline_markdown_on_page, gfm=gfm, yaml=yaml_scalar, body=author_body, value=any_value)
    env.globals.update(GLOBALS)
    # The badge of each emotion score, made once from its macro: large pages
    # show tens of thousands. (A module made before every global is set
    # would lack the later ones, so this one is not the cached one.)
    badges = env.get_template("_badges.md").make_module()
    env.globals["emotion_badge"] = {score: Markup(getattr(badges, "emotion")(score)) for score in [*EMOTIONS, None]}  # noqa: B009 (a template macro, unknown to mypy)
    return env


def render(template: str, page: str, **context: Any) -> str:
    """Render `template` as the Markdown of the page at `page`."""
    return environment().get_template(template).render(page=page, **context)


def link(page: str, target: str, label: object, anchor: str = "") -> Markup:
    """A Markdown link from `page` with an escaped label and a relative `.md` target."""
    href = relative(target, page) + (f"#{anchor}" if anchor else "")
    return Markup(f"[{text(label)}]({escape(href)})")


def page_url(src: str, directory_urls: bool) -> str:
    """The URL of the page made from the Markdown file `src`, as MkDocs places
    it: `maps/x.md` is `maps/x/` and `maps/index.md` is `maps/`, or with
    directory URLs off, `maps/x.html` and `maps/index.html`."""
    stem = src[:-3] if src.endswith(".md") else src
    folder, _, name = stem.rpartition("/")
    if not directory_urls:
        return f"{stem}.html"
    if name == "index":
        return f"{folder}/" if folder else ""
    return f"{stem}/"


@functools.lru_cache(maxsize=4096)
def href(target: str, page: str, directory_urls: bool, from_file: bool = False) -> str:
    """The relative URL from the page of `page` to the page of `target`; with
    `from_file`, relative to the folder of the file `page` instead, as
    Zensical reads every relative link in a page's HTML."""
    here, there = page_url(page, directory_urls), page_url(target, directory_urls)
    base = posixpath.dirname(page) if from_file else here if here.endswith("/") else posixpath.dirname(here)
    path = relpath(there, base)
    return path + "/" if there.endswith("/") or there == "" else path


def html_link(page: str, target: str, label: object, directory_urls: bool, anchor: str = "", from_file: bool = False) -> Markup:
    """An HTML link for raw HTML blocks, which Markdown (and its link rewriting) leaves alone."""
    url = href(target, page, directory_urls, from_file) + (f"#{anchor}" if anchor else "")
    return Markup(f'<a href="{escape(url)}">{text(label)}</a>')
