"""The knowledge base as it was at a git revision, for `journeysite diff`.

Each revision is read with its own mkdocs.yml, so a pull request that moves
the content folder or changes the review policy is compared correctly.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass
from pathlib import Path

from journeysite.core.catalog import Catalog, build
from journeysite.core.project import ProjectError, docs_dir, find_project, read_config
from journeysite.git.repo import GitError, commit_of, export, read_blob, toplevel


@dataclass(frozen=True)
class Side:
    """One side of a comparison: what the user named and what it resolved to."""

    name: str
    commit: str | None
    catalog: Catalog
    #: The content folder, relative to the repository root.
    content: str


@dataclass(frozen=True)
class Repository:
    top: Path
    #: The mkdocs.yml or content folder, relative to the repository root.
    project: str
    is_config: bool

    @classmethod
    def find(cls, path: Path) -> Repository:
        folder = path if path.is_dir() else path.parent
        top = toplevel(folder)
        if top is None:
            raise GitError(f"{folder}: not inside a git repository")
        rel = path.resolve().relative_to(top.resolve()).as_posix()
        is_config = path.is_file() or (path / "mkdocs.yml").is_file()
        if path.is_dir() and is_config:
            rel = posixpath.join(rel, "mkdocs.yml")
        return cls(top, posixpath.normpath(rel), is_config)

    def working_tree(self, today: dt.date) -> Side:
        project = find_project(self.top / self.project)
        if not project.content.resolve().is_relative_to(self.top.resolve()):
            raise ProjectError(f"{self.project}: its content folder {project.content} is outside the repository")
        content = project.content.resolve().relative_to(self.top.resolve()).as_posix()
        return Side("working tree", None, project.catalog(today), content)

    def at(self, rev: str, scratch: Path, today: dt.date) -> Side:
        """The knowledge base at `rev`, exported below `scratch`; empty if it did not exist."""
        commit = commit_of(self.top, rev)
        dest = scratch / commit
        content = self.project
        if self.is_config:
            raw = read_blob(self.top, commit, self.project)
            if raw is None:
                return Side(rev, commit, build(dest / "missing", today), "")
            config_file = dest / self.project
            config_file.parent.mkdir(parents=True, exist_ok=True)
            config_file.write_bytes(raw)
            content = posixpath.normpath(posixpath.join(posixpath.dirname(self.project), docs_dir(read_config(config_file))))
        if posixpath.isabs(content) or content == ".." or content.startswith("../"):
            raise ProjectError(f"{self.project} at {rev}: its content folder {content} is outside the repository")
        export(self.top, commit, content, dest)
        (dest / content).mkdir(parents=True, exist_ok=True)
        project = find_project(dest / self.project)
        return Side(rev, commit, project.catalog(today), content)
