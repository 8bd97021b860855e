"""When each file was last edited, and by whom: from git, else from the file;
and for a map, how its journey changed since its validation was recorded.

An edit is not a validation: pages show this next to, never instead of,
`validation.last_validated`. Nor is every edit a change: only stages, steps
and emotions count as the journey changing since customers confirmed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from journeysite.core.catalog import Catalog
from journeysite.core.changes import journey_changes
from journeysite.core.loader import parse_map
from journeysite.git.repo import GitError, added_commits, last_commits, read_blobs, uncommitted, validation_commits

Source = Literal["git", "working copy", "file"]


@dataclass(frozen=True)
class Edit:
    date: dt.date
    author: str | None
    #: git: the last commit; working copy: changed since it; file: no git history.
    source: Source
    #: For a map: the day of the commit that recorded its validation, and
    #: how the journey changed since (plain text, one change a line).
    validated_on: dt.date | None = None
    since_validation: tuple[str, ...] = ()
    #: The day of the commit that added the file (None: not known).
    added_on: dt.date | None = None


def last_edited(folder: Path, paths: Iterable[str], today: dt.date, catalog: Catalog | None = None) -> dict[str, Edit]:
    """The last edit of each file (paths relative to `folder`), and with a
    `catalog` (of `folder`), what changed on each map since its validation.

    Committed files get their last commit; files changed since, or outside
    git, their modification date. No date is after `today`, the build date,
    so a build pinned with SOURCE_DATE_EPOCH stays reproducible.
    """
    wanted = list(paths)
    try:
        changed = uncommitted(folder)  # fails outside a repository, or without git
        commits = last_commits(folder, [p for p in wanted if p not in changed])
        in_git = True
    except GitError:
        changed, commits, in_git = set(), {}, False
    edits = {path: Edit(min(c.date, today), c.author, "git") for path, c in commits.items()}
    for path in wanted:
        if path not in edits:
            edits.update(_from_file(folder, path, today, "working copy" if path in changed else "file"))
    if catalog is not None and in_git:
        for path, (day, lines) in _since_validation(folder, catalog).items():
            if path in edits:
                edits[path] = replace(edits[path], validated_on=min(day, today), since_validation=lines)
        for path, day in added_commits(folder, edits).items():
            edits[path] = replace(edits[path], added_on=min(day, today))
    return edits


def _since_validation(folder: Path, catalog: Catalog) -> dict[str, tuple[dt.date, tuple[str, ...]]]:
    """For each validated map: the day of the commit that last changed its
    `last_validated` line, and the journey's changes since then (to the
    file as it is now, uncommitted edits included)."""
    maps = {e.path: e.data for e in catalog.maps.values() if e.data is not None and e.data.validation is not None}
    try:
        recorded = validation_commits(folder, maps)
        blobs = read_blobs(folder, {path: commit for path, (commit, _) in recorded.items()})
    except GitError:
        return {}
    found = {}
    for path, raw in blobs.items():
        then = parse_map(raw, path)
        if then is not None:
            lines = tuple(line.plain for line in journey_changes(then, maps[path]))
            found[path] = (recorded[path][1], lines)
    return found


def _from_file(folder: Path, path: str, today: dt.date, source: Source) -> dict[str, Edit]:
    try:
        mtime = (folder / path).stat().st_mtime
    except OSError:
        return {}
    return {path: Edit(min(dt.date.fromtimestamp(mtime), today), None, source)}
