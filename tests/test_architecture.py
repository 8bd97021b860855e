"""The import contract: arrows point down, and only the MkDocs glue knows MkDocs.

core <- git <- pages <- mkdocs, cli. The core imports neither MkDocs nor
Jinja; only `journeysite.mkdocs` imports MkDocs (or Material), and it stays
small: the rest of the program must not depend on an engine that is ending.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "journeysite"
#: What each part of the package may not import.
FORBIDDEN = {
    "core": ("mkdocs", "material", "jinja2", "markupsafe", "markdown", "journeysite.pages", "journeysite.git",
             "journeysite.mkdocs", "journeysite.cli"),
    "git": ("mkdocs", "material", "jinja2", "journeysite.pages", "journeysite.mkdocs", "journeysite.cli"),
    "pages": ("mkdocs", "material", "journeysite.mkdocs", "journeysite.cli"),
    "cli": ("mkdocs", "material", "journeysite.mkdocs"),
}
#: The most lines the code that imports MkDocs may have, in all.
MKDOCS_GLUE_LINES = 250


def imports(path: Path) -> set[str]:
    """Every module a file imports, wherever in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def breaks(module: str, rule: str) -> bool:
    return module == rule or module.startswith(rule + ".")


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_each_part_imports_only_what_lies_below_it(part: str) -> None:
    files = sorted((PACKAGE / part).rglob("*.py"))
    assert files
    wrong = {f"{f.relative_to(REPO)}: {m}" for f in files for m in imports(f) for rule in FORBIDDEN[part] if breaks(m, rule)}
    assert wrong == set()


def test_only_the_mkdocs_glue_imports_mkdocs_and_it_stays_small() -> None:
    importing = [f for f in sorted(PACKAGE.rglob("*.py")) if any(breaks(m, "mkdocs") or breaks(m, "material") for m in imports(f))]
    assert importing and all(f.is_relative_to(PACKAGE / "mkdocs") for f in importing), importing
    lines = sum(len(f.read_text(encoding="utf-8").splitlines()) for f in importing)
    assert lines <= MKDOCS_GLUE_LINES, f"{lines} lines import MkDocs: {[f.name for f in importing]}"


def test_the_core_runs_without_mkdocs_or_jinja_loaded() -> None:
    """Not only the source: importing the core loads neither."""
    import subprocess
    import sys

    code = ("import sys, journeysite.core.catalog, journeysite.core.changes, journeysite.core.project, journeysite.core.links;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'jinja2', 'material')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_inline_if_in_a_template_has_an_else() -> None:
    """`{{ x if c }}` makes an Undefined when `c` is false, and escaping it
    costs a raised and caught error: thousands a build. Write `else ""`."""
    from jinja2 import nodes

    from journeysite.pages.render import environment

    env = environment()
    assert env.loader is not None
    missing = [f"{name}:{node.lineno}" for name in env.list_templates()
               for node in env.parse(env.loader.get_source(env, name)[0]).find_all(nodes.CondExpr) if node.expr2 is None]
    assert env.list_templates() and missing == []


def test_rendering_a_page_leaves_no_reference_cycles() -> None:
    """A template's own macro is kept in the page's context and refers to it;
    a module imported `with context` is made again for every page. Either is
    a reference cycle holding the page's data that only the garbage collector
    frees: at a thousand maps those collections were a tenth of `generate`.
    Shared macros take what they need as arguments (their module is made
    once) and a page's rows are call blocks (`per_map`, `step_row`)."""
    import datetime as dt
    import gc

    from journeysite.core.catalog import build
    from journeysite.core.loader import content_files
    from journeysite.pages.generate import generate
    from journeysite.pages.views import PageMemo, Paths

    catalog = build(REPO / "content", dt.date(2026, 11, 23))
    list(generate(catalog, Paths(), {}, content_files(REPO / "content")).pages)  # the shared modules are made once
    for memo in (None, PageMemo(parts=True)):  # a one-off build, and `serve`, which keeps each map's rows
        site = generate(catalog, Paths(), {}, content_files(REPO / "content"), memo=memo)
        gc.collect()
        gc.disable()
        try:
            left = {path: gc.collect() for path, _ in site.pages}
        finally:
            gc.enable()
        assert len(left) > 50 and {p: n for p, n in left.items() if n} == {}
