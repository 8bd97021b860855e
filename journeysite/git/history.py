"""When each file was last edited, and by whom: from git, else from the file.

An edit is not a validation: pages show this next to, never instead of,
`validation.last_validated`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from journeysite.git.repo import GitError, last_commits, uncommitted

Source = Literal["git", "working copy", "file"]


@dataclass(frozen=True)
class Edit:
    date: dt.date
    author: str | None
    #: git: the last commit; working copy: changed since it; file: no git history.
    source: Source


def last_edited(folder: Path, paths: Iterable[str], today: dt.date) -> dict[str, Edit]:
    """The last edit of each file (paths relative to `folder`).

    Committed files get their last commit; files changed since, or outside
    git, their modification date. No date is after `today`, the build date,
    so a build pinned with SOURCE_DATE_EPOCH stays reproducible.
    """
    wanted = list(paths)
    try:
        changed = uncommitted(folder)  # fails outside a repository, or without git
        commits = last_commits(folder, [p for p in wanted if p not in changed])
    except GitError:
        changed, commits = set(), {}
    edits = {path: Edit(min(c.date, today), c.author, "git") for path, c in commits.items()}
    for path in wanted:
        if path not in edits:
            edits.update(_from_file(folder, path, today, "working copy" if path in changed else "file"))
    return edits


def _from_file(folder: Path, path: str, today: dt.date, source: Source) -> dict[str, Edit]:
    try:
        mtime = (folder / path).stat().st_mtime
    except OSError:
        return {}
    return {path: Edit(min(dt.date.fromtimestamp(mtime), today), None, source)}
