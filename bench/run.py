"""Benchmark journeysite against a plain mkdocs-material build of the same maps.

For each N it writes a synthetic knowledge base (bench/synthetic.py) and, from
it, the same map, persona and team pages as a person would write them in
plain Markdown (bench/handwritten.py). Then, alternating
and several times each, it builds (a) the knowledge base with journeysite and
(b) the plain pages with mkdocs-material, default and with navigation.prune,
and reports median wall time, peak memory and ratios. It also measures the
plugin's own share of a build, `journeysite check` against a bare libyaml
parse of the same files, a `--dirty` rebuild after editing one map (and a
`generate --watch` round),
`journeysite generate` against the Python floor (read, parse the front
matter with libyaml, render the body with markdown-it, write), and Zensical's
build of the generated folder.

    python bench/run.py --sizes 100,1000,3000 --runs 3

Nothing here is asserted by the test suite; see bench/README.md for results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import handwritten
import synthetic

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"
#: Compiled bytecode is kept, as in a normal install: otherwise every run
#: recompiles MkDocs, Material and pydantic, which measures the compiler.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "NO_MKDOCS_2_WARNING": "1"}
MERMAID_FENCE = """markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
"""


def journeysite_config() -> str:
    """What a new knowledge base gets: journeysite brings its Markdown
    extensions, stylesheet and scripts, and keeps the navigation linear."""
    return f"""site_name: Bench
docs_dir: content
theme:
  name: material
  features: [navigation.prune, navigation.indexes]
plugins:
  - search
  - tags
  - journeysite:
      today: {TODAY}
"""


def plain_config(prune: bool) -> str:
    features = "\n  features: [navigation.prune]" if prune else ""
    return f"""site_name: Bench
docs_dir: docs
theme:
  name: material
  font: false{features}
plugins:
  - search
validation:
  links:
    not_found: ignore
    unrecognized_links: ignore
{MERMAID_FENCE}"""


def prepare(work: Path, n: int) -> tuple[Path, Path]:
    from journeysite.core.catalog import build

    kb, plain = work / f"n{n}" / "journeysite", work / f"n{n}" / "plain"
    shutil.rmtree(work / f"n{n}", ignore_errors=True)
    synthetic.write(kb / "content", n)
    (kb / "mkdocs.yml").write_text(journeysite_config())
    catalog = build(kb / "content", dt.date.fromisoformat(TODAY))
    assert not catalog.errors, catalog.errors[:3]
    pages = {e.path: handwritten.map_page(catalog, e) for e in catalog.maps.values()}
    pages.update((e.path, handwritten.persona_page(e)) for e in catalog.personas.values())
    pages.update((e.path, handwritten.team_page(e)) for e in catalog.teams.values())
    for path, markdown in pages.items():
        target = plain / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown)
    (plain / "docs" / "index.md").write_text("# Synthetic knowledge base\n")
    (plain / "default.yml").write_text(plain_config(prune=False))
    (plain / "prune.yml").write_text(plain_config(prune=True))
    return kb, plain


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one command."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], cwd=cwd, env=ENV, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{result.stderr[-2000:]}")
    wall, kb = result.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kb) / 1024


def child(mode: str, path: Path) -> None:
    """Measurements that must run inside one Python process."""
    if mode == "bare-parse":
        import yaml

        start = time.perf_counter()
        for file in sorted(path.rglob("*.md")):
            text = file.read_text(encoding="utf-8")
            if text.startswith("---\n"):
                yaml.load(text.split("\n---\n", 1)[0][4:], Loader=yaml.CSafeLoader)
        yaml.load((path / "touchpoints.yml").read_text(), Loader=yaml.CSafeLoader)
        print(json.dumps({"seconds": time.perf_counter() - start}))
        return
    if mode == "floor":
        # What any generator must do at least: read each file, parse its
        # front matter with libyaml, render its body with markdown-it, write it.
        import yaml
        from markdown_it import MarkdownIt

        md, out = MarkdownIt("commonmark"), path.parent / "floor"
        for file in sorted(path.rglob("*.md")):
            text = file.read_text(encoding="utf-8")
            front, _, body = text[4:].partition("\n---\n") if text.startswith("---\n") else ("", "", text)
            yaml.load(front, Loader=yaml.CSafeLoader)
            target = out / file.relative_to(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(md.render(body), encoding="utf-8")
        return
    if mode == "plain-dirty":
        plain_dirty(path)
        return
    if mode == "watch":
        watch_rounds(path)
        return
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import EVENTS, CombinedEvent

    from journeysite.mkdocs.plugin import JourneysitePlugin

    spent = {"seconds": 0.0}

    def timed(original):  # type: ignore[no-untyped-def]
        def timed_hook(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                spent["seconds"] += time.perf_counter() - start

        if hasattr(original, "mkdocs_priority"):
            timed_hook.mkdocs_priority = original.mkdocs_priority  # type: ignore[attr-defined]
        return timed_hook

    # Every event of a build the plugin handles (`on_startup` comes before the clock starts).
    for hook in sorted({f"on_{event}" for event in EVENTS} & set(vars(JourneysitePlugin)) - {"on_startup"}):
        original = getattr(JourneysitePlugin, hook)
        timed_hook = CombinedEvent(*map(timed, original.methods)) if isinstance(original, CombinedEvent) else timed(original)
        setattr(JourneysitePlugin, hook, timed_hook)
    config = load_config(str(path / "mkdocs.yml"), site_dir=str(path / "site-child"))
    if mode == "plugin-share":
        config.plugins.on_startup(command="build", dirty=False)
        start = time.perf_counter()
        build(config)
        seconds = time.perf_counter() - start
        print(json.dumps({"build": seconds, "plugin": spent["seconds"]}))
        return
    first, owner = first_map(path)
    site = path / "site-child"

    plugin: list[float] = []  # the plugin's time in each timed rebuild

    def current() -> dict[str, bool]:
        plugin.append(spent["seconds"])
        pages = [page.format(map=first.stem, owner=owner) for page in SHOWN]
        return {page: "Edited journey 0" in (site / page / "index.html").read_text() for page in pages}

    seconds, shown = edit_and_rebuild(dirty_build(config), first, "title: Journey 0 ", "title: Edited journey 0 ", current,
                                      before=lambda: spent.update(seconds=0.0))
    print(json.dumps({"rebuild": seconds, "plugin": statistics.median(plugin), "current": shown}))


#: Edits timed in one serve-like session (one rebuild is too noisy here).
EDITS = 5


def edit_and_rebuild(rebuild: Callable[[], object], file: Path, old: str, new: str, check: Callable[[], Any],
                     before: Callable[[], None] = lambda: None) -> tuple[float, Any]:
    """A serve-like session: `rebuild()` once, then `EDITS` times `file`
    edited (`new` and a number) and a timed `rebuild()`; the median
    rebuild, and `check()` after each, all true, before the file is restored."""
    rebuild()
    text = file.read_text()
    seconds, shown = [], []
    try:
        for i in range(EDITS):
            file.write_text(text.replace(old, f"{new}{i} ", 1))
            before()
            start = time.perf_counter()
            rebuild()
            seconds.append(time.perf_counter() - start)
            shown.append(check())
    finally:
        file.write_text(text)
    return statistics.median(seconds), shown[0] if all(s == shown[0] for s in shown) else shown


def dirty_build(config: Any) -> Callable[[], object]:
    """`mkdocs serve --dirty`'s rebuild, for `edit_and_rebuild`."""
    from mkdocs.commands.build import build

    config.plugins.on_startup(command="serve", dirty=True)
    return lambda: build(config, dirty=True)


#: The pages that show a map's title, checked after each edit: the map, the
#: maps index, its team, its persona and the freshness dashboard.
SHOWN = ("maps/{map}", "maps", "teams/{owner}", "personas/persona-0", "insights/freshness")


def first_map(path: Path) -> tuple[Path, str]:
    """The first map of a synthetic knowledge base, and its owner."""
    first = sorted((path / "content" / "maps").glob("*.md"))[0]
    return first, next(line.split(": ")[1] for line in first.read_text().splitlines() if line.startswith("owner: "))


def watch_rounds(path: Path) -> None:
    """A `generate --watch` round after editing one map: what the watch loop
    runs once it sees the change (its half-second poll left out)."""
    import argparse

    from journeysite.cli import _generate_once
    from journeysite.cli.generate import SiteWriter
    from journeysite.core.loader import ParseCache
    from journeysite.core.project import find_project

    first, owner = first_map(path)
    out = path / "watched"
    args = argparse.Namespace(today=dt.date.fromisoformat(TODAY), config=None, out=out)
    writer, cache = SiteWriter(find_project(path), out, watch=True), ParseCache()
    pages = [page.format(map=first.stem, owner=owner) for page in SHOWN]
    seconds, shown = edit_and_rebuild(lambda: _generate_once(args, find_project(path), writer, cache), first, "title: Journey 0 ",
                                      "title: Edited journey 0 ", lambda: {page: "Edited journey 0" in _page_file(out, page).read_text() for page in pages})
    print(json.dumps({"round": seconds, "current": shown}))


def _page_file(out: Path, page: str) -> Path:
    """The Markdown file of a page's URL in a generated folder."""
    return out / page / "index.md" if (out / page / "index.md").is_file() else out / f"{page}.md"


def plain_dirty(path: Path) -> None:
    """The plain baseline's `--dirty` rebuild after editing one map page."""
    from mkdocs.config import load_config

    config = load_config(str(path / "default.yml"), site_dir=str(path / "site-child"))
    first = sorted((path / "docs" / "maps").glob("*.md"))[0]
    page = path / "site-child" / "maps" / first.stem / "index.html"
    seconds, shown = edit_and_rebuild(dirty_build(config), first, "# Journey 0 ", "# Edited journey 0 ", lambda: "Edited journey 0" in page.read_text())
    assert shown, "the plain --dirty rebuild did not update the edited page"
    print(json.dumps({"rebuild": seconds}))


def measure(work: Path, n: int, runs: int) -> dict[str, object]:
    kb, plain = prepare(work, n)
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q"]
    samples: dict[str, list[tuple[float, float]]] = {"journeysite": [], "plain": [], "plain-prune": []}
    for _ in range(runs):  # alternate, so drift hits all three alike
        samples["journeysite"].append(timed([*mkdocs, "-d", "site"], kb))
        samples["plain"].append(timed([*mkdocs, "-f", "default.yml", "-d", "site"], plain))
        samples["plain-prune"].append(timed([*mkdocs, "-f", "prune.yml", "-d", "site-prune"], plain))
    medians = {k: (statistics.median(w for w, _ in v), max(m for _, m in v)) for k, v in samples.items()}

    def run_child(mode: str, path: Path) -> dict[str, object]:
        out = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], env=ENV, capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(out.stderr[-2000:])
        return json.loads(out.stdout.strip().splitlines()[-1])

    shares = [run_child("plugin-share", kb) for _ in range(runs)]  # one build's share varies by a third here
    dirty = run_child("dirty", kb)
    dirty["plain"] = run_child("plain-dirty", plain)["rebuild"]
    watch = run_child("watch", kb)
    checks = [timed([sys.executable, "-m", "journeysite.cli", "check", "content", "--today", TODAY], kb) for _ in range(runs)]
    generate = [sys.executable, "-m", "journeysite.cli", "generate", "--out", "generated/docs", "--config", "generated/mkdocs.yml", "--today", TODAY]
    generates = [timed(generate, kb) for _ in range(runs)]
    floors = [timed([sys.executable, __file__, "--child", "floor", str(kb / "content")], kb) for _ in range(runs)]
    zensical = str(Path(sys.executable).with_name("zensical"))
    zensicals = [timed([zensical, "build", "--clean", "-f", "generated/mkdocs.yml"], kb) for _ in range(runs)]
    bare = [timed([sys.executable, __file__, "--child", "bare-parse", str(kb / "content")], kb) for _ in range(runs)]
    return {
        "n": n, "runs": runs, "build": medians, "plugin_share": shares, "dirty": dirty,
        "check": statistics.median(w for w, _ in checks), "bare_parse": statistics.median(w for w, _ in bare),
        "generate": statistics.median(w for w, _ in generates), "floor": statistics.median(w for w, _ in floors),
        "zensical": statistics.median(w for w, _ in zensicals), "watch": watch,
    }


def report(rows: list[dict[str, object]]) -> str:
    lines = [
        "| N | journeysite | plain default | plain + prune | ratio to default | ratio to prune | peak MB (js / plain) "
        "| plugin share | our CPU ms per map | check | bare parse | check ratio | --dirty rebuild | plain --dirty "
        "| generate | Python floor | generate ratio | Zensical build of it | generate --watch round |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        b, d = r["build"], r["dirty"]
        shares = sorted(s["plugin"] / s["build"] for s in r["plugin_share"])  # type: ignore[attr-defined]
        cpu = statistics.median(1000 * s["plugin"] / r["n"] for s in r["plugin_share"])  # type: ignore[attr-defined, operator]
        js, plain, prune = b["journeysite"], b["plain"], b["plain-prune"]  # type: ignore[index]
        ok = "all current" if all(d["current"].values()) else f"STALE {d['current']}"  # type: ignore[index]
        w = r["watch"]
        watched = "all current" if all(w["current"].values()) else f"STALE {w['current']}"  # type: ignore[index]
        lines.append(
            f"| {r['n']} | {js[0]:.1f} s | {plain[0]:.1f} s | {prune[0]:.1f} s | {js[0] / plain[0]:.2f} | {js[0] / prune[0]:.2f} "
            f"| {js[1]:.0f} / {plain[1]:.0f} | {statistics.median(shares):.0%} ({shares[0]:.0%} to {shares[-1]:.0%}) | {cpu:.2f} "
            f"| {r['check']:.2f} s | {r['bare_parse']:.2f} s | {r['check'] / r['bare_parse']:.2f} "  # type: ignore[operator]
            f"| {d['rebuild']:.2f} s, {ok} | {d['plain']:.2f} s "  # type: ignore[index]
            f"| {r['generate']:.2f} s | {r['floor']:.2f} s | {r['generate'] / r['floor']:.2f} | {r['zensical']:.2f} s "  # type: ignore[operator]
            f"| {w['round']:.2f} s, {watched} |"  # type: ignore[index]
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000", help="comma-separated map counts (default 100,1000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/journeysite-bench"))
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        rows.append(measure(args.work, n, args.runs))
        print(report(rows[-1:]), flush=True)
    args.work.mkdir(parents=True, exist_ok=True)
    (args.work / "results.json").write_text(json.dumps(rows, indent=2))
    print("\n" + report(rows))


if __name__ == "__main__":
    main()
