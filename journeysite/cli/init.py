"""`journeysite init`: a new knowledge base that passes `check` and builds.

A team adopting journeysite gets its own repository's files, never a copy of
ours: the pages' templates, stylesheet and scripts stay in the package, so
upgrading journeysite upgrades the look.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from journeysite.core.project import ProjectError
from journeysite.core.schema import KINDS as SCHEMA_KINDS
from journeysite.core.schema import json_schema

#: Starter files by where they go; package files have no leading dot.
RENAMED = {"gitignore": ".gitignore", "workflow.yml": ".github/workflows/journeysite.yml",
           "reminders.yml": ".github/workflows/journeysite-reminders.yml",
           "vscode-tasks.json": ".vscode/tasks.json", "vscode-extensions.json": ".vscode/extensions.json"}
#: Files whose text names the site.
NAMED = ("mkdocs.yml", "README.md", "content/index.md")


def init(folder: Path, site_name: str, force: bool = False) -> list[Path]:
    """Write a starter knowledge base into `folder`; the files written."""
    if folder.exists() and not folder.is_dir():
        raise ProjectError(f"{folder}: a file, not a folder")
    if folder.exists() and any(folder.iterdir()) and not force:
        raise ProjectError(f"{folder}: not empty; give a new or empty folder, or --force to add the starter files "
                           "(an existing file is never overwritten)")
    written = []
    for rel, source in _starter(resources.files("journeysite.cli") / "starter", ""):
        text = source.read_text(encoding="utf-8")
        if rel in NAMED:
            text = text.replace("{site_name}", json.dumps(site_name) if rel == "mkdocs.yml" else site_name)
        written += _write(folder / RENAMED.get(rel, rel), text)
    for kind in sorted(SCHEMA_KINDS):
        written += _write(folder / ".journeysite/schemas" / f"{kind}.schema.json", json.dumps(json_schema(kind), indent=2) + "\n")
    settings = {
        "yaml.schemas": {"./.journeysite/schemas/touchpoints.schema.json": "content/touchpoints.yml",
                         "./.journeysite/schemas/systems.schema.json": "content/systems.yml",
                         "./.journeysite/schemas/sources.schema.json": "content/sources.yml",
                         "./.journeysite/schemas/metrics.schema.json": "content/metrics.yml"},
        # The task in tasks.json checks each save: saving a second after typing stops checks as you type.
        "files.autoSave": "afterDelay",
        "files.autoSaveDelay": 1000,
    }
    written += _write(folder / ".vscode/settings.json", json.dumps(settings, indent=2) + "\n")
    return written


def _starter(folder: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
    found = []
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        rel = f"{prefix}{item.name}"
        if item.is_dir():
            found += _starter(item, rel + "/")
        elif not item.name.startswith((".", "__")):
            found.append((rel, item))
    return found


def _write(path: Path, text: str) -> list[Path]:
    if path.exists():
        return []
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return [path]
