"""What a site needs from its configuration, supplied by the plugin.

A team's `mkdocs.yml` needs no more than `theme: material` and
`plugins: [search, journeysite]`: the plugin enables the Markdown features
its pages use and registers its stylesheet and scripts. What it cannot
supply without overriding the team's own choice (a `mermaid` fence of
another kind) is returned as a warning naming the fix, so that a strict
build fails instead of publishing a broken page.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from pymdownx.superfences import fence_code_format

from journeysite.pages.generate import SCRIPTS, STYLESHEET
from journeysite.pages.markdown import RawBlocks

#: Markdown extensions the pages use: admonitions (warnings, error boxes),
#: attribute lists (stage anchors), Markdown inside HTML blocks (facts,
#: breadcrumbs, the diagram), tables and the table of contents.
NEEDED = ("admonition", "attr_list", "md_in_html", "tables", "toc")
MERMAID_FENCE = {"name": "mermaid", "class": "mermaid", "format": fence_code_format}


def require_markdown(config: MkDocsConfig) -> list[str]:
    """Enable what the pages need; the problems that need the author."""
    extensions: list[Any] = config.markdown_extensions
    for name in NEEDED:
        if name not in extensions:
            extensions.append(name)
    if not any(isinstance(e, RawBlocks) for e in extensions):
        extensions.append(RawBlocks())
    if "pymdownx.superfences" not in extensions:
        extensions.append("pymdownx.superfences")
    fences = config.mdx_configs.setdefault("pymdownx.superfences", {}).setdefault("custom_fences", [])
    mermaid = [f for f in fences if isinstance(f, dict) and f.get("name") == "mermaid"]
    if not mermaid:
        fences.append(dict(MERMAID_FENCE))
    elif mermaid[0].get("class") != "mermaid" or mermaid[0].get("format") is not fence_code_format:
        return ["journeysite: the 'mermaid' fence of pymdownx.superfences is not Material's, so journey diagrams "
                "would show as code: remove it from mkdocs.yml (journeysite adds the right one) or set "
                "class: mermaid and format: !!python/name:pymdownx.superfences.fence_code_format"]
    return []


def require_site_files(config: MkDocsConfig) -> list[str]:
    """Register our stylesheet and scripts (Mermaid first: ours wraps its
    `initialize`) and keep the site offline: Material loads its default web
    fonts from Google, so they are turned off unless the team chose others."""
    css = [str(c) for c in config.extra_css]
    if STYLESHEET not in css:
        config.extra_css.append(STYLESHEET)
    scripts = [str(s) for s in config.extra_javascript]
    for at, script in enumerate(SCRIPTS):
        if script not in scripts:
            config.extra_javascript.insert(at, script)
    theme = config.theme
    if theme.name != "material":
        return [f"journeysite: pages are made for the Material theme, not '{theme.name}': set theme: name: material"]
    font = theme.get("font")
    if font == {"text": "Roboto", "code": "Roboto Mono"}:  # Material's default: from Google Fonts
        theme["font"] = False
    elif font:
        return ["journeysite: theme.font makes every page load fonts from Google Fonts, a request that leaves the "
                "intranet: set font: false, or serve the fonts yourself (Material's privacy plugin)"]
    return []
