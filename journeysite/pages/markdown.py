"""A Python-Markdown extension that passes our large HTML blocks through whole.

Templates write what they generate (on a map page, all but the headings and
the authors' text) as raw HTML blocks that open with `<table data-js-raw ...>`
(or `ul`, `p`, `div`) alone on a line and close alone on a line; user text
inside is escaped, so no author can end one early. Python-Markdown would
parse them tag by tag, most of a large build; this stores each run of them
in `md.htmlStash`, the supported way to hand HTML through untouched
(mkdocs-autorefs and mkdocstrings do the same). The output is the
same HTML with or without it, so engines that do not load it (Zensical)
build the same pages, only slower. An author's own code block holding such a
line is left alone: fenced code is stashed before this runs.

The MkDocs plugin also keeps each page's raw blocks out of the Markdown it
gives MkDocs (`set_aside`): MkDocs holds every page's Markdown and HTML to
the end of a build, and the blocks are most of our pages, so they would be
held twice. The page keeps a reference line where each block was; the
extension reads the blocks from the file beside the page when it converts
it, as `pymdownx.snippets` includes a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

#: The opening line of a raw block, and the element it opens.
RAW_OPEN = re.compile(r"^<(table|ul|p|div) data-js-raw(?: [^<>]*)?>$", re.M)


def raw_blocks(markdown: str) -> Iterator[tuple[int, int]]:
    """Where each run of raw blocks starts and ends in `markdown`: from an
    opening line to the end of the first line that closes it, and on over
    each block that follows after nothing but blank lines (one placeholder
    for Python-Markdown to carry instead of several)."""
    at, run = 0, None
    while opening := _opening(markdown, at, len(markdown)):
        closing = f"\n</{opening[1]}>"
        end = markdown.find(closing + "\n", opening.end())
        if end < 0:
            end = markdown.find(closing, opening.end())
            if end < 0 or end + len(closing) != len(markdown):
                break
        if run is not None and markdown[run[1]:opening.start()].strip():
            yield run
            run = None
        at = end + len(closing)
        run = (opening.start() if run is None else run[0], at)
    if run is not None:
        yield run


def _opening(markdown: str, at: int, end: int) -> re.Match[str] | None:
    """The first opening line of a raw block that starts in `markdown[at:end]`.
    Plain searches first: a regular expression tried at every line of a
    large page is a noticeable part of a build."""
    while (found := markdown.find(" data-js-raw", at, end)) >= 0:
        if opening := RAW_OPEN.match(markdown, markdown.rfind("\n", 0, found) + 1):
            return opening
        at = found + 1
    return None


#: The line that stands for a raw block set aside: where it is in the page's file of blocks.
RAW_REF = re.compile(r'^<div data-js-raw-ref="(\d+):(\d+)"></div>$', re.M)


#: What may open or close a fenced code block, after `>`, spaces or tabs at the start of a line.
FENCES = ("```", "~~~")
#: Lines of spaces, which Python-Markdown's first step empties (as it
#: changes the markers of its stash, line ends and tabs).
NORMALISED = re.compile(r"\n +\n")


def set_aside(markdown: str) -> tuple[str, str]:
    """A page's Markdown with each raw block replaced by a reference line,
    and the blocks, one after the other, that the references point into.

    The extension fills the blocks in after Python-Markdown has normalised
    the page and set its fenced code aside, so whatever either would touch
    stays where it is: a block Python-Markdown would normalise, and every
    block of a page if one may be in or across a fenced code block (from
    the page's first fence to its last: on our pages, in the authors' own
    text, which holds no block of ours) or if the page already has a
    reference line (an author's raw HTML)."""
    fences = _fence_lines(markdown)
    found = list(raw_blocks(markdown))
    in_code = bool(fences) and (any(start < fences[-1] and end > fences[0] for start, end in found)
                                or _opening(markdown, fences[0] + 1, fences[-1]) is not None)
    if in_code or (' data-js-raw-ref="' in markdown and RAW_REF.search(markdown)):
        return markdown, ""
    pieces, blocks, at, size = [], [], 0, 0
    for start, end in found:
        if _normalised(markdown, start, end):
            continue
        blocks.append(markdown[start:end])
        pieces += [markdown[at:start], f'<div data-js-raw-ref="{size}:{size + end - start}"></div>']
        size += end - start
        at = end
    return "".join([*pieces, markdown[at:]]), "".join(blocks)


def _fence_lines(markdown: str) -> list[int]:
    """Where each line that may open or close a fenced code block starts
    (in a list or a quote too)."""
    lines = set()
    for fence in FENCES:
        at = markdown.find(fence)
        while at >= 0:
            line = markdown.rfind("\n", 0, at) + 1
            if not markdown[line:at].strip("> \t"):
                lines.add(line)
            at = markdown.find(fence, at + len(fence))
    return sorted(lines)


def _normalised(markdown: str, start: int, end: int) -> bool:
    """Whether Python-Markdown's first step would change `markdown[start:end]`."""
    return (any(markdown.find(c, start, end) >= 0 for c in "\x02\x03\r\t")
            or (markdown.find("\n ", start, end) >= 0 and NORMALISED.search(markdown, start, end) is not None))


def write_page(file: Path, markdown: str) -> bool:
    """Write a page's Markdown to `file` with its raw blocks set aside in
    the file beside it (`blocks_file`), unless both hold that already;
    whether it wrote them."""
    page, blocks = (data.encode("utf-8") for data in set_aside(markdown))
    beside = blocks_file(file)
    if file.is_file() and beside.is_file() and file.read_bytes() == page and beside.read_bytes() == blocks:
        return False
    file.parent.mkdir(parents=True, exist_ok=True)
    beside.write_bytes(blocks)
    file.write_bytes(page)  # last, and even if only a block changed: its age tells `mkdocs build --dirty` to build the page again
    return True


def blocks_file(file: Path) -> Path:
    return file.with_name(file.name + ".blocks")


class _StashRawBlocks(Preprocessor):
    def __init__(self, md: Markdown, blocks: Callable[[], str | None]) -> None:
        super().__init__(md)
        self.blocks = blocks

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if " data-js-raw" not in text:
            return lines
        if " data-js-raw-ref=" in text and (blocks := self.blocks()):
            text = RAW_REF.sub(lambda m: "\n" + self.md.htmlStash.store(blocks[int(m[1]):int(m[2])]) + "\n", text)
        pieces, at = [], 0
        for start, end in raw_blocks(text):
            placeholder = self.md.htmlStash.store(text[start:end])
            pieces += [text[at:start], "\n", placeholder, "\n"]
            at = end
        pieces.append(text[at:])
        return "".join(pieces).split("\n")


class RawBlocks(Extension):
    """`markdown_extensions: [journeysite.pages.markdown]`; the MkDocs plugin
    adds it itself, with `blocks`: the set-aside blocks of the page being
    converted, if it has any."""

    def __init__(self, blocks: Callable[[], str | None] = lambda: None) -> None:
        super().__init__()
        self.blocks = blocks

    def extendMarkdown(self, md: Markdown) -> None:
        # After fenced code (priority 25) and superfences, before raw HTML (20).
        md.preprocessors.register(_StashRawBlocks(md, self.blocks), "journeysite_raw_blocks", 21)


def makeExtension() -> RawBlocks:
    return RawBlocks()
