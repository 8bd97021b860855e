"""journeysite: check, compare and scaffold a knowledge base of journey maps, without MkDocs."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from journeysite import __version__
from journeysite.cli.generate import ENGINES, SiteWriter, completed, stamp, write_config
from journeysite.cli.init import init
from journeysite.cli.scaffold import FROM, KINDS, OPTION_HELP, OPTIONAL, Required, ScaffoldError, empty, optional_problems, problem, skeleton, target
from journeysite.core import codeowners, rename
from journeysite.core.catalog import Catalog
from journeysite.core.changes import diff
from journeysite.core.diagnostics import Diagnostic, Severity, count, counted, one_line, to_github, to_json
from journeysite.core.indexes import Insights
from journeysite.core.links import Page, anchors, plain_page
from journeysite.core.links import check as check_links
from journeysite.core.loader import ParseCache, content_files
from journeysite.core.project import Project, ProjectError, build_date, find_project
from journeysite.core.reminders import due
from journeysite.core.rename import RenameError
from journeysite.core.schema import KINDS as SCHEMA_KINDS
from journeysite.core.schema import json_schema
from journeysite.git.repo import toplevel
from journeysite.git.revisions import Repository
from journeysite.pages.mermaid_js import VERSION, MermaidMissing, install
from journeysite.pages.render import render
from journeysite.pages.views import Paths, entry_jobs, generated_jobs

#: Every value `journeysite new` takes, for any kind.
NEW_OPTIONS = tuple(dict.fromkeys([f.name for fs in KINDS.values() for f in fs] + [o for os_ in OPTIONAL.values() for o in os_]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="journeysite", description=__doc__,
                                     epilog="Run 'journeysite COMMAND --help' for a command's options. mkdocs build "
                                            "(or serve) turns the knowledge base into its site.")
    parser.add_argument("--version", action="version", version=f"journeysite {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="validate the knowledge base; exit 1 on errors or warnings (what fails a strict build)")
    check.add_argument("path", nargs="?", default="mkdocs.yml", help="a content folder or a mkdocs.yml (default: ./mkdocs.yml)")
    check.add_argument("--format", choices=("text", "json", "github"), default="text")
    check.add_argument("--today", type=dt.date.fromisoformat, help="compute freshness for this date (YYYY-MM-DD)")
    check.add_argument("--watch", action="store_true",
                       help="check again whenever a file changes, until interrupted (an editor's task shows the problems as you save)")

    schema = commands.add_parser(
        "schema", help="print the JSON Schema of a file kind, for editors that check YAML as you type",
        description="Print the JSON Schema of one kind of file. Editors use it to complete fields and flag mistakes as you "
                    "type: journeysite init already writes every schema to .journeysite/schemas/ and points VS Code's YAML "
                    "extension at them. After upgrading journeysite, refresh them with: journeysite schema --out .journeysite/schemas")
    schema.add_argument("kind", nargs="?", choices=sorted(SCHEMA_KINDS), default="map", help="which file (default: map)")
    schema.add_argument("--out", type=Path, help="write every kind's schema into this folder instead")

    commands.add_parser("mermaid", help=f"fetch and verify the pinned Mermaid {VERSION} that the site serves")

    compare = commands.add_parser("diff", help="what changed between two git revisions, as Markdown for a pull request")
    compare.add_argument("base", help="the revision to compare from, e.g. origin/main")
    compare.add_argument("head", nargs="?", help="the revision to compare to (default: the files as they are now)")
    compare.add_argument("--project", type=Path, default=Path("mkdocs.yml"), help="a mkdocs.yml or content folder (default: ./mkdocs.yml)")
    compare.add_argument("--today", type=dt.date.fromisoformat, help="judge freshness on this date (YYYY-MM-DD)")

    remind = commands.add_parser("due", help="maps due or overdue for review, never validated, or with late actions, by owning team; exit 1 if any")
    remind.add_argument("path", nargs="?", default="mkdocs.yml", help="a content folder or a mkdocs.yml (default: ./mkdocs.yml)")
    remind.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                        help="markdown: an issue body for each team's reminder; json: for other tools")
    remind.add_argument("--today", type=dt.date.fromisoformat, help="judge freshness on this date (YYYY-MM-DD)")
    remind.add_argument("--exit-zero", action="store_true", help="exit 0 even when something is due (a job that only reports)")

    owners = commands.add_parser("codeowners", help="print the CODEOWNERS block that routes each file to its owning teams' code_owners")
    owners.add_argument("path", nargs="?", default="mkdocs.yml", help="a content folder or a mkdocs.yml (default: ./mkdocs.yml)")
    owners.add_argument("--check", type=Path, metavar="FILE", help="exit 1 when the block in this CODEOWNERS file is missing or stale")
    owners.add_argument("--stage-owners", action="store_true", help="also ask the owners of a map's stages to review it")

    start = commands.add_parser("init", help="start a new knowledge base: mkdocs.yml, starter content, CI workflow, editor settings")
    start.add_argument("folder", nargs="?", type=Path, default=Path("."), help="where (default: here): a new folder, or a repository of your own")
    start.add_argument("--name", help="the site's name (default: from the folder's name)")
    start.add_argument("--force", action="store_true", help="write the starter files even if some are there already, keeping those (never overwrites)")

    gen = commands.add_parser("generate", help="write every page and asset as a docs folder that Zensical, MkDocs or ProperDocs build without the plugin")
    gen.add_argument("path", nargs="?", default="mkdocs.yml", help="a mkdocs.yml or content folder (default: ./mkdocs.yml)")
    gen.add_argument("--out", type=Path, required=True, help="the folder to write (new, empty, or written by generate before)")
    gen.add_argument("--config", type=Path, help="also write this mkdocs.yml: the project's, for the folder, without the plugin")
    gen.add_argument("--for", dest="engine", choices=sorted(ENGINES), default="zensical",
                     help="the engine that builds the folder (default: zensical); links in HTML are written as it reads them")
    gen.add_argument("--today", type=dt.date.fromisoformat, help="compute freshness for this date (YYYY-MM-DD)")
    gen.add_argument("--watch", action="store_true",
                     help="write again whenever a file changes, only what changed, until interrupted (beside `zensical serve`)")

    new = commands.add_parser("new", help="write a commented skeleton for a new map, persona or team, or add a touchpoint")
    new.add_argument("kind", choices=sorted(KINDS))
    new.add_argument("id", help="the new id, which is also the file name: lower-case letters, digits, hyphens")
    new.add_argument("--project", type=Path, default=Path("mkdocs.yml"), help="a mkdocs.yml or content folder (default: ./mkdocs.yml)")
    for option in NEW_OPTIONS:
        kinds = [k for k in sorted(KINDS) if option in {f.name for f in KINDS[k]} | set(OPTIONAL[k])]
        new.add_argument(f"--{option.replace('_', '-')}", metavar="VALUE", help=f"{OPTION_HELP[option]} (for a new {' or '.join(kinds)})")

    renames = commands.add_parser("rename", help="rename a stage, a step, a team or a persona, and every reference to it",
                                  description="Rename a stage or step of a map, or a team's or persona's id (and its file), and "
                                              "update every place that names it: actions, branches, micro-journeys, owners, "
                                              "measurement files. Comments and layout are kept.")
    renames.add_argument("kind", choices=("stage", "step", "team", "persona"))
    renames.add_argument("names", nargs="+", metavar="NAME",
                         help="stage: MAP OLD NEW; step: MAP 'STAGE / OLD' NEW; team or persona: OLD-ID NEW-ID")
    renames.add_argument("--project", type=Path, default=Path("mkdocs.yml"), help="a mkdocs.yml or content folder (default: ./mkdocs.yml)")

    args = parser.parse_args(argv)
    try:
        return {"check": _check, "codeowners": _codeowners, "due": _due, "schema": _schema, "mermaid": _mermaid, "diff": _diff, "new": _new,
                "generate": _generate, "init": _init, "rename": _rename}[args.command](args)
    except RenameError as exc:
        print(f"journeysite rename: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except (ProjectError, MermaidMissing, ScaffoldError) as exc:
        print(f"journeysite: {exc}", file=sys.stderr)
        return 2


def _mermaid(args: argparse.Namespace) -> int:
    print(f"Mermaid {VERSION}: {install()}")
    return 0


def _check(args: argparse.Namespace) -> int:
    if not args.watch:
        return _check_once(args, find_project(Path(args.path)))
    cache = ParseCache()

    def check(project: Project) -> None:
        print(f"{WATCH_START} {_shown(project.content)}", flush=True)
        _check_once(args, project, cache)
        sys.stdout.flush()

    return _watching(args.path, check)


def _watching(path: str, run: Callable[[Project], object]) -> int:
    """Run `run` on the project at `path` now and after every change to one
    of its files, until interrupted."""
    seen: dict[str, tuple[int, int]] | None = None
    try:
        while True:
            try:
                project = find_project(Path(path))
            except ProjectError as exc:  # mkdocs.yml half-edited: say so once, and wait for the next save
                if seen != {}:
                    print(f"journeysite: {exc}", file=sys.stderr, flush=True)
                seen = {}
            else:
                now = _stamps(project)
                if now != seen:
                    seen = now
                    run(project)
            time.sleep(WATCH_INTERVAL)
    except KeyboardInterrupt:
        return 0


#: The line `check --watch` prints before each check: where an editor's
#: problem matcher starts collecting (see `init`'s `.vscode/tasks.json`).
WATCH_START = "journeysite check: checking"
#: How often `--watch` looks for changed files, in seconds: stat-ing
#: every file is cheap next to parsing one.
WATCH_INTERVAL = 0.5


def _stamps(project: Project) -> dict[str, tuple[int, int]]:
    """Modification time and size of every file a check reads."""
    files = [*content_files(project.content).values(), *([project.config_file] if project.config_file else [])]
    return {str(file): made for file in files if (made := stamp(file)) is not None}


def _check_once(args: argparse.Namespace, project: Project, cache: ParseCache | None = None) -> int:
    today = build_date(args.today or project.settings.today)
    catalog = project.catalog(today, cache)  # the load prunes the cache: what it did not read is dropped
    root = _shown(project.content)
    diagnostics = sorted([*catalog.diagnostics, *_link_problems(project, catalog)])
    # What the plugin would warn about in mkdocs.yml (a strict build fails on it).
    setup = [f"{_shown(project.config_file)}: {p}" for p in completed(project.config_file)[1]] if project.config_file else []
    errors, warnings = count(diagnostics, Severity.ERROR), count(diagnostics, Severity.WARNING) + len(setup)
    if args.format == "json":
        print(to_json(diagnostics, root))
    else:
        for d in diagnostics:
            print(to_github(d, root) if args.format == "github" else d.format(root))
        for problem in setup:
            print(f"::warning::{one_line(problem)}" if args.format == "github" else problem)
        notices = count(diagnostics, Severity.INFO)
        print(
            f"{counted(len(catalog.maps), 'map')}, {counted(len(catalog.personas), 'persona')}, {counted(len(catalog.teams), 'team')}, "
            f"{counted(len(catalog.touchpoints), 'touchpoint')}{', ' + counted(len(catalog.systems), 'system') if catalog.systems else ''}"
            f"{', ' + counted(len(catalog.metrics), 'metric') if catalog.metrics else ''}: "
            f"{counted(errors, 'error')}, {counted(warnings, 'warning')}, "
            f"{counted(notices, 'notice')}",
            file=sys.stderr if args.format == "github" else sys.stdout,
        )
    return 1 if errors or warnings else 0


def _codeowners(args: argparse.Namespace) -> int:
    project = find_project(Path(args.path))
    catalog = project.catalog(build_date(project.settings.today))
    top = toplevel(project.content) or (project.config_file.parent if project.config_file else Path.cwd())
    folder = project.content.resolve().relative_to(top.resolve()).as_posix()
    expected = codeowners.block(catalog, folder, args.stage_owners)
    if args.check is None:
        print(expected, end="")
        return 0
    written = codeowners.current(args.check.read_text(encoding="utf-8")) if args.check.is_file() else None
    if written == expected:
        print(f"{args.check}: the journeysite block is up to date")
        return 0
    why = "has no journeysite block" if written is None else "has a stale journeysite block"
    print(f"{args.check} {why}; replace it with the output of `journeysite codeowners`:\n{expected}", end="", file=sys.stderr)
    return 1


def _due(args: argparse.Namespace) -> int:
    project = find_project(Path(args.path))
    catalog = project.catalog(build_date(args.today or project.settings.today))
    teams = due(catalog)
    names = {mid: e.title for mid, e in catalog.metrics.items()}
    if args.format == "markdown":
        print(render("due.md", "", teams=teams, today=catalog.today, metric_names=names), end="")
    elif args.format == "json":
        print(json.dumps([{"team": t.team, "name": t.name, "contact": t.contact, "maps": [
            {"id": d.entry.id, "path": d.entry.path, "title": d.entry.title, "freshness": d.freshness.state, "label": d.freshness.label,
             "late_actions": [{"title": a.action.title, "due": a.action.due.isoformat() if a.action.due else None, "owner": a.action.team}
                              for a in d.late],
             "stale_kpis": [{"metric": k.metric, "name": names.get(k.metric, k.metric), "stage": k.stage, "step": k.step,
                             "last_measured": k.latest.date.isoformat() if k.latest else None} for k in d.stale]} for d in t.maps],
            "body": render("due.md", "", teams=[t], today=catalog.today, metric_names=names)} for t in teams], indent=2, ensure_ascii=False))
    else:
        root = _shown(project.content)
        for t in teams:
            print(one_line(f"{t.name} ({t.contact})" if t.contact else t.name))
            for d in t.maps:
                print(one_line(f"  {root}/{d.entry.path}: {d.entry.title}: {d.freshness.label}"))
                for a in d.late:
                    print(one_line(f"    late action: {a.action.title} (due {a.action.due.isoformat() if a.action.due else '?'})"))
                for k in d.stale:
                    where = f" ({k.place})" if k.place else ""
                    print(one_line(f"    stale KPI: {names.get(k.metric, k.metric)}{where}, last measured {k.latest.date.isoformat() if k.latest else '?'}"))
        print(f"{counted(sum(len(t.maps) for t in teams), 'map')} to look at, for {counted(len(teams), 'team')} ({catalog.today.isoformat()})")
    return 0 if args.exit_zero or not teams else 1


def _rename(args: argparse.Namespace) -> int:
    project = find_project(args.project)
    wanted = 3 if args.kind in ("stage", "step") else 2
    if len(args.names) != wanted:
        raise RenameError(f"rename {args.kind} takes {'MAP OLD NEW' if wanted == 3 else 'OLD NEW'}")
    catalog = project.catalog(build_date(project.settings.today))
    plans: dict[str, Callable[..., rename.Plan]] = {"stage": rename.stage, "step": rename.step, "team": rename.team, "persona": rename.persona}
    plan = plans[args.kind](catalog, *args.names)
    problems = (Severity.ERROR, Severity.WARNING)
    before = {(d.path, d.code, d.message) for d in catalog.diagnostics if d.severity in problems}
    changed = rename.apply(project.content, plan)
    after = project.catalog(catalog.today)
    root = _shown(project.content)
    for rel in changed:
        print(one_line(f"changed {root}/{rel}"))
    fresh = [d for d in after.diagnostics if d.severity in problems and (d.path, d.code, d.message) not in before]
    for d in fresh:
        print(d.format(root))
    print(f"{counted(len(changed), 'file')} changed; {counted(len(fresh), 'new problem')}")
    return 1 if fresh else 0


def _init(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    name = args.name or folder.resolve().name.replace("-", " ").replace("_", " ").capitalize() or "Customer journeys"
    started = init(folder, name, args.force)
    shown = _shown(folder)
    if started.kept:
        print(one_line(f"kept as they were: {', '.join(started.kept)}"))
    if "mkdocs.yml" in started.kept:
        print("  your mkdocs.yml needs the journeysite plugin: add `- journeysite` under `plugins:` (see the README's plugin section)")
    go = "" if shown == "." else f"  cd {shlex.quote(shown)}\n"
    print(f"wrote {counted(len(started.written), 'file')} {'here' if shown == '.' else 'in ' + shown}. Next:\n"
          f"{go}  journeysite mermaid      # once: the pinned Mermaid the site serves\n"
          "  journeysite check        # the starter passes; then replace it with your own maps\n"
          "  mkdocs serve             # preview on http://127.0.0.1:8000")
    return 0


def _generate(args: argparse.Namespace) -> int:
    project = find_project(Path(args.path))
    if args.config is not None and project.config_file is None:
        raise ProjectError("--config needs a mkdocs.yml to start from: give its path")
    writer = SiteWriter(project, args.out, args.engine, watch=args.watch)
    if not args.watch:
        return _generate_once(args, project, writer)
    cache = ParseCache()
    return _watching(args.path, lambda project: _generate_once(args, project, writer, cache))


def _generate_once(args: argparse.Namespace, project: Project, writer: SiteWriter, cache: ParseCache | None = None) -> int:
    catalog = project.catalog(build_date(args.today or project.settings.today), cache)
    root = _shown(project.content)
    for d in catalog.diagnostics:
        if d.severity is not Severity.INFO:
            print(d.format(root), file=sys.stderr)
    written = writer.write(project, catalog)
    if args.config is not None and project.config_file is not None:
        write_config(project.config_file, args.out, args.config, written.hidden)
    errors = len(catalog.errors)
    removed = f", removed {counted(written.removed, 'file')}" if written.removed else ""
    print(f"wrote {counted(written.files, 'file')} to {args.out}{removed}" + (f"; {counted(errors, 'error')} (their pages show them)" if errors else ""),
          flush=True)
    return 1 if errors else 0


def _link_problems(project: Project, catalog: Catalog) -> list[Diagnostic]:
    """What MkDocs' link validation would warn about in the Markdown people
    wrote: their pages, and the bodies of maps, personas and teams. Anchors
    of a generated page come from rendering that page, and only when a link
    asks for one."""
    files = content_files(project.content)
    entries = {e.path: e for kind in (catalog.maps, catalog.personas, catalog.teams) for e in kind.values()}
    insights = Insights(catalog)
    paths = Paths(project.settings)
    jobs = {j.path: j for j in [*entry_jobs(insights, paths), *generated_jobs(insights, paths, skip=files)]}
    plain = {path: plain_page(path, file.read_text(encoding="utf-8", errors="replace"))
             for path, file in files.items() if path.endswith(".md") and path not in entries}

    @functools.cache
    def anchors_of(path: str) -> set[str]:
        if path in jobs:
            return anchors(jobs[path].render())
        return anchors(plain[path].markdown) if path in plain else set()

    pages = [*(Page(path, e.body, e.body_line) for path, e in entries.items()), *plain.values()]
    found = check_links(pages, lambda path: path in files or path in jobs, anchors_of)
    return [d for d in found if d.code in project.failing_links]


def _diff(args: argparse.Namespace) -> int:
    repo = Repository.find(args.project)
    today = build_date(args.today)
    with tempfile.TemporaryDirectory(prefix="journeysite-diff-") as scratch:
        base = repo.at(args.base, Path(scratch), today)
        head = repo.at(args.head, Path(scratch), today) if args.head else repo.working_tree(today)
    print(render("diff.md", "", d=diff(base.catalog, head.catalog), base=base, head=head), end="")
    return 0


def _new(args: argparse.Namespace) -> int:
    project = find_project(args.project)
    today = build_date(project.settings.today)
    catalog = project.catalog(today)
    path = target(args.kind, args.id, project.content, project.settings, catalog)
    required = KINDS[args.kind]
    allowed = {f.name for f in required} | set(OPTIONAL[args.kind])
    values = {name: getattr(args, name) for name in NEW_OPTIONS}
    problems = [f"--{n.replace('_', '-')} does not apply to a {args.kind}" for n, v in values.items() if v is not None and n not in allowed]
    interactive = sys.stdin.isatty()
    for field in required:
        given = values.get(field.name)
        if given is None and interactive:
            values[field.name] = _ask(field, catalog)
        elif given is None and field.choices and not field.choices(catalog) and field.name in FROM:
            problems.append(f"missing --{field.name}: {empty(field)}")
        elif given is None:
            choices = f" (one of: {', '.join(field.choices(catalog))})" if field.choices else ""
            problems.append(f"missing --{field.name}{choices}")
        elif (found := problem(field, given, catalog)) is not None:
            problems.append(f"--{field.name}: {found}")
    problems += optional_problems(values, catalog)
    if problems:
        raise ScaffoldError(f"cannot write {_shown(path)}:\n  " + "\n  ".join(problems))
    path.parent.mkdir(parents=True, exist_ok=True)
    if args.kind == "touchpoint":  # one more entry in the registry, its comments kept
        before = path.read_text(encoding="utf-8") if path.is_file() else ""
        separator = "" if not before or before.endswith("\n") else "\n"
        path.write_text(before + separator + skeleton(args.kind, values, today, args.id), encoding="utf-8")
    else:
        with path.open("x", encoding="utf-8") as out:  # "x": never overwrite, even in a race
            out.write(skeleton(args.kind, values, today))
    rel = path.relative_to(project.content).as_posix()
    after = project.catalog(today)
    for d in after.problems(rel):
        print(d.format(_shown(project.content)))
    print(f"wrote {_shown(path)}: fill it in, preview it with `mkdocs serve`, then open a pull request")
    return 1 if after.problems(rel) else 0


def _ask(field: Required, catalog: Catalog) -> str:
    """Ask until the answer will do; a number picks from the listed choices."""
    choices = field.choices(catalog) if field.choices else []
    if not choices and field.name in FROM:
        raise ScaffoldError(empty(field))
    menu = "".join(f"  {i}. {c}\n" for i, c in enumerate(choices, 1))
    while True:
        try:
            answer = input(f"{menu}{field.question}: ").strip()
        except EOFError:
            raise ScaffoldError("cancelled: nothing written") from None
        if answer.isdigit() and 1 <= int(answer) <= len(choices):
            answer = choices[int(answer) - 1]
        found = problem(field, answer, catalog)
        if found is None:
            return answer
        print(f"  {found}", file=sys.stderr)


def _shown(path: Path) -> str:
    """The content folder as the user would type it: relative below cwd."""
    relative = os.path.relpath(path)
    return str(path.resolve()) if relative.startswith("..") else relative


def _schema(args: argparse.Namespace) -> int:
    if args.out is None:
        print(json.dumps(json_schema(args.kind), indent=2))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for kind in sorted(SCHEMA_KINDS):
        (args.out / f"{kind}.schema.json").write_text(json.dumps(json_schema(kind), indent=2) + "\n", encoding="utf-8")
    return 0

