"""Real temporary git repositories holding a copy of the example site."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import KnowledgeBase, SiteProject, copy_project


@dataclass
class GitRepo:
    root: Path
    #: The site (mkdocs.yml, content/) inside the repository.
    site: SiteProject

    @classmethod
    def create(cls, root: Path, subfolder: str = "handbook/journeys") -> GitRepo:
        site = copy_project(root / subfolder if subfolder else root)
        repo = cls(root, site)
        repo.git("init", "-q", "-b", "main")
        return repo

    @property
    def kb(self) -> KnowledgeBase:
        return self.site.kb

    def git(self, *args: str, date: str = "2026-11-02T10:00:00") -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": "Dana Ruiz", "GIT_AUTHOR_EMAIL": "dana@larkspur.example",
               "GIT_COMMITTER_NAME": "Dana Ruiz", "GIT_COMMITTER_EMAIL": "dana@larkspur.example",
               "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.root)}
        done = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True)
        return done.stdout

    def commit(self, message: str, date: str = "2026-11-02T10:00:00") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, date=date)
        return self.git("rev-parse", "HEAD").strip()


def journeysite(*args: str, cwd: Path, stdin: str | None = "") -> subprocess.CompletedProcess[str]:
    """The command as a user runs it (stdin not a terminal unless given one)."""
    return subprocess.run([sys.executable, "-m", "journeysite.cli", *args], cwd=cwd, capture_output=True, text=True, input=stdin)
