"""`journeysite`: check a knowledge base and export its schema, without MkDocs."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from . import __version__
from .catalog import build
from .diagnostics import Severity, count, to_github, to_json
from .project import ProjectError, build_date, find_project
from .schema import KINDS, json_schema
from .vendor import VERSION, MermaidMissing, install


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="journeysite", description=__doc__)
    parser.add_argument("--version", action="version", version=f"journeysite {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="validate the knowledge base; exit 1 on errors")
    check.add_argument("path", nargs="?", default="mkdocs.yml", help="a content folder or a mkdocs.yml (default: ./mkdocs.yml)")
    check.add_argument("--format", choices=("text", "json", "github"), default="text")
    check.add_argument("--today", type=dt.date.fromisoformat, help="compute freshness for this date (YYYY-MM-DD)")

    schema = commands.add_parser("schema", help="print the JSON Schema of a file kind")
    schema.add_argument("kind", nargs="?", choices=sorted(KINDS), default="map")
    schema.add_argument("--out", type=Path, help="write every kind's schema into this folder instead")

    commands.add_parser("mermaid", help=f"fetch and verify the pinned Mermaid {VERSION} that the site serves")

    args = parser.parse_args(argv)
    try:
        return {"check": _check, "schema": _schema, "mermaid": _mermaid}[args.command](args)
    except (ProjectError, MermaidMissing) as exc:
        print(f"journeysite: {exc}", file=sys.stderr)
        return 2


def _mermaid(args: argparse.Namespace) -> int:
    print(f"Mermaid {VERSION}: {install()}")
    return 0


def _check(args: argparse.Namespace) -> int:
    project = find_project(Path(args.path))
    today = build_date(args.today or project.today)
    catalog = build(project.content, today, project.policy, project.layout)
    root = _shown(project.content)
    diagnostics = catalog.diagnostics
    errors, warnings = count(diagnostics, Severity.ERROR), count(diagnostics, Severity.WARNING)
    if args.format == "json":
        print(to_json(diagnostics, root))
    else:
        for d in diagnostics:
            print(to_github(d, root) if args.format == "github" else d.format(root))
        notices = count(diagnostics, Severity.INFO)
        print(
            f"{len(catalog.maps)} maps, {len(catalog.personas)} personas, {len(catalog.teams)} teams, "
            f"{len(catalog.touchpoints)} touchpoints: {errors} errors, {warnings} warnings, {notices} notices",
            file=sys.stderr if args.format == "github" else sys.stdout,
        )
    return 1 if errors else 0


def _shown(path: Path) -> str:
    """The content folder as the user would type it: relative below cwd."""
    relative = os.path.relpath(path)
    return str(path.resolve()) if relative.startswith("..") else relative


def _schema(args: argparse.Namespace) -> int:
    if args.out is None:
        print(json.dumps(json_schema(args.kind), indent=2))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for kind in sorted(KINDS):
        (args.out / f"{kind}.schema.json").write_text(json.dumps(json_schema(kind), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
