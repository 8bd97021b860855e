"""`journeysite init`: a new knowledge base that passes `check` and builds.

A team adopting journeysite gets its own repository's files, never a copy of
ours: the pages' templates, stylesheet and scripts stay in the package, so
upgrading journeysite upgrades the look.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import NamedTuple

from journeysite.core.project import ProjectError
from journeysite.core.schema import KINDS as SCHEMA_KINDS
from journeysite.core.schema import json_schema

#: Starter files by where they go; package files have no leading dot.
RENAMED = {"gitignore": ".gitignore", "workflow.yml": ".github/workflows/journeysite.yml",
           "reminders.yml": ".github/workflows/journeysite-reminders.yml",
           "vscode-tasks.json": ".vscode/tasks.json", "vscode-extensions.json": ".vscode/extensions.json"}
#: Files whose text names the site.
NAMED = ("mkdocs.yml", "README.md", "content/index.md")


class Started(NamedTuple):
    """What `init` did: the files it wrote, and those of the starter that
    were there already and kept as they are (with `--force`)."""

    written: list[Path]
    kept: list[str]


def init(folder: Path, site_name: str, force: bool = False) -> Started:
    """Write a starter knowledge base into `folder`, which may be a
    repository of the team's own (a `.git`, a licence): only a starter file
    that is there already stops it, and `force` keeps that file as it is."""
    if folder.exists() and not folder.is_dir():
        raise ProjectError(f"{folder}: a file, not a folder")
    files = _files(site_name)
    # A link counts as there, even a broken one: writing through it would write wherever it points.
    taken = sorted(rel for rel in files if os.path.lexists(folder / rel))
    if taken and not force:
        raise ProjectError(f"{folder}: already has {_listed(taken)}; --force writes the other starter files "
                           "and keeps these as they are")
    written = []
    for rel, text in files.items():
        if rel not in taken:
            path = folder / rel
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise ProjectError(f"{path}: cannot write it: {exc.strerror}") from exc
            written.append(path)
    return Started(written, taken)


def _files(site_name: str) -> dict[str, str]:
    """Every starter file's text, by its path in the knowledge base."""
    files = {}
    for rel, source in _starter(resources.files("journeysite.cli") / "starter", ""):
        text = source.read_text(encoding="utf-8")
        if rel in NAMED:
            text = text.replace("{site_name}", json.dumps(site_name) if rel == "mkdocs.yml" else site_name)
        files[RENAMED.get(rel, rel)] = text
    for kind in sorted(SCHEMA_KINDS):
        files[f".journeysite/schemas/{kind}.schema.json"] = json.dumps(json_schema(kind), indent=2) + "\n"
    settings = {
        "yaml.schemas": {"./.journeysite/schemas/touchpoints.schema.json": "content/touchpoints.yml",
                         "./.journeysite/schemas/systems.schema.json": "content/systems.yml",
                         "./.journeysite/schemas/sources.schema.json": "content/sources.yml",
                         "./.journeysite/schemas/metrics.schema.json": "content/metrics.yml"},
        # The task in tasks.json checks each save: saving a second after typing stops checks as you type.
        "files.autoSave": "afterDelay",
        "files.autoSaveDelay": 1000,
    }
    files[".vscode/settings.json"] = json.dumps(settings, indent=2) + "\n"
    return files


def _listed(paths: list[str], most: int = 6) -> str:
    shown = ", ".join(paths[:most])
    return shown if len(paths) <= most else f"{shown} and {len(paths) - most} more"


def _starter(folder: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
    found = []
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        rel = f"{prefix}{item.name}"
        if item.is_dir():
            found += _starter(item, rel + "/")
        elif not item.name.startswith((".", "__")):
            found.append((rel, item))
    return found
