"""A Python-Markdown extension that passes our large HTML blocks through whole.

Templates write the big tables and lists of a page as raw HTML blocks that
open with `<table data-js-raw ...>` (or `ul`, `p`, `div`) alone on a line and close
alone on a line; user text inside is escaped, so no author can end one
early. Python-Markdown would parse them tag by tag, most of a large build;
this stores each in `md.htmlStash`, the supported way to hand HTML through
untouched (mkdocs-autorefs and mkdocstrings do the same). The output is the
same HTML with or without it, so engines that do not load it (Zensical)
build the same pages, only slower. An author's own code block holding such a
line is left alone: fenced code is stashed before this runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

#: This extension's name in `markdown_extensions`.
RAW_BLOCKS = "journeysite.pages.markdown"
#: The opening line of a raw block, and the element it opens.
RAW_OPEN = re.compile(r"^<(table|ul|p|div) data-js-raw(?: [^<>]*)?>$", re.M)


def raw_blocks(markdown: str) -> Iterator[tuple[int, int]]:
    """Where each raw block starts and ends in `markdown`: from its opening
    line to the end of the first line that closes it."""
    at = 0
    while opening := RAW_OPEN.search(markdown, at):
        closing = f"\n</{opening[1]}>"
        end = markdown.find(closing + "\n", opening.end())
        if end < 0:
            end = markdown.find(closing, opening.end())
            if end < 0 or end + len(closing) != len(markdown):
                return
        at = end + len(closing)
        yield opening.start(), at


class _StashRawBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if " data-js-raw" not in text:
            return lines
        pieces, at = [], 0
        for start, end in raw_blocks(text):
            placeholder = self.md.htmlStash.store(text[start:end])
            pieces += [text[at:start], "\n", placeholder, "\n"]
            at = end
        pieces.append(text[at:])
        return "".join(pieces).split("\n")


class RawBlocks(Extension):
    """`markdown_extensions: [journeysite.pages.markdown]`; the MkDocs plugin adds it itself."""

    def extendMarkdown(self, md: Markdown) -> None:
        # After fenced code (priority 25) and superfences, before raw HTML (20).
        md.preprocessors.register(_StashRawBlocks(md), "journeysite_raw_blocks", 21)


def makeExtension(**kwargs: object) -> RawBlocks:
    return RawBlocks(**kwargs)
