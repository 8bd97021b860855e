"""What a site's configuration needs for our pages, added to it.

A team's `mkdocs.yml` needs no more than `theme: material` and
`plugins: [search, journeysite]`: the MkDocs plugin completes MkDocs' parsed
configuration with this, and `journeysite generate --config` completes the
written one, so both routes build the same pages. What cannot be added
without overriding the team's own choice is returned as a problem naming the
fix, which the plugin logs as a warning (a strict build then fails instead
of publishing a broken page).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from journeysite.pages.generate import SCRIPTS, STYLESHEET

#: Markdown extensions the pages use: admonitions (error boxes, warnings),
#: attribute lists (stage anchors), Markdown inside HTML
#: blocks (a team's facts), tables and the table of contents.
MARKDOWN_EXTENSIONS = ("admonition", "attr_list", "md_in_html", "tables", "toc")
SUPERFENCES = "pymdownx.superfences"
#: Material's default fonts, which it loads from Google Fonts.
MATERIAL_FONTS = {"text": "Roboto", "code": "Roboto Mono"}


def complete(extensions: list[Any], options: MutableMapping[str, Any], fence_format: Any,
             css: list[Any], scripts: list[Any], theme: MutableMapping[str, Any], theme_name: str) -> list[str]:
    """Add the Markdown extensions (names, and their `options` by name), a
    `mermaid` fence for the authors' own diagrams unless the team set one
    (`fence_format`: Material's format function, or a YAML tag naming it;
    map pages write their journey diagram as HTML, whatever the fence), our
    stylesheet and scripts (Mermaid first: ours wraps its `initialize`) and
    no web fonts from Google; the problems left."""
    problems = []
    extensions += [name for name in (*MARKDOWN_EXTENSIONS, SUPERFENCES) if name not in extensions]
    superfences = options[SUPERFENCES] = options.get(SUPERFENCES) or {}
    fences = superfences.setdefault("custom_fences", [])
    if not any(isinstance(f, dict) and f.get("name") == "mermaid" for f in fences):
        fences.append({"name": "mermaid", "class": "mermaid", "format": fence_format})
    if STYLESHEET not in [str(c) for c in css]:
        css.append(STYLESHEET)
    for at, script in enumerate(SCRIPTS):
        if script not in [str(s) for s in scripts]:
            scripts.insert(at, script)
    if theme_name != "material":
        problems.append(f"journeysite: pages are made for the Material theme, not '{theme_name}': set theme: name: material")
    font = theme.get("font", MATERIAL_FONTS)
    if font == MATERIAL_FONTS:
        theme["font"] = False
    elif font:
        problems.append("journeysite: theme.font makes every page load fonts from Google Fonts, a request that leaves "
                        "the intranet: set font: false, or serve the fonts yourself (Material's privacy plugin)")
    return problems
