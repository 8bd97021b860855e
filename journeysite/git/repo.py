"""The few git operations journeysite needs, through the `git` command.

Knowledge bases live in git and are edited through pull requests; reading
history and past revisions with git itself keeps us exact (renames, quoting,
shallow clones) without another dependency.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from journeysite.core.project import ProjectError


class GitError(ProjectError):
    """git is missing, the folder is not in a repository, or a revision is unknown."""


@dataclass(frozen=True)
class Commit:
    """The last commit that touched a file."""

    date: dt.date
    author: str


def git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(cwd), *args], input=stdin, capture_output=True, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from exc
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])}: {message[-1] if message else f'exit {done.returncode}'}")
    return done.stdout


def toplevel(path: Path) -> Path | None:
    """The root of the work tree holding `path`, or None outside git."""
    try:
        return Path(git(path, "rev-parse", "--show-toplevel").decode().strip())
    except GitError:
        return None


def commit_of(top: Path, rev: str) -> str:
    """The full commit id that `rev` names; a clear error when it names none."""
    try:
        return git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"'{rev}' is not a commit in {top}") from None


def read_blob(top: Path, commit: str, rel: str) -> bytes | None:
    """A file's bytes at `commit`, or None when it did not exist there."""
    try:
        return git(top, "cat-file", "blob", f"{commit}:{rel}")
    except GitError:
        return None


def export(top: Path, commit: str, rel: str, dest: Path) -> None:
    """Write the regular files of the tree `rel` (relative to the repository
    root) as of `commit` under `dest`. Read from the object database, not
    with `git archive`, which a `.gitattributes` of the revision could tell
    to leave files out (`export-ignore`); symbolic links and submodules are
    not written, so nothing read later leads out of `dest`."""
    listing = git(top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", rel)
    blobs: list[tuple[str, str]] = []
    for item in listing.split(b"\0"):
        if not item:
            continue
        meta, _, name = item.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        if kind == "blob" and mode in ("100644", "100755"):
            blobs.append((sha, name.decode("utf-8", "surrogateescape")))
    if not blobs:
        return  # not there at that commit: an empty knowledge base
    base = dest.resolve()
    for (_, rel_path), data in zip(blobs, _batch(top, [sha for sha, _ in blobs]), strict=True):
        target = dest / rel_path
        if data is None or not target.resolve().is_relative_to(base):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def read_blobs(folder: Path, wanted: dict[str, str]) -> dict[str, bytes]:
    """Each file's bytes at a commit (`{path: commit}`, paths relative to
    `folder`), in one `git cat-file --batch`; a file missing there is left out."""
    if not wanted:
        return {}
    prefix = git(folder, "rev-parse", "--show-prefix").decode().strip()
    paths = list(wanted)
    contents = _batch(folder, [f"{wanted[p]}:{prefix}{p}" for p in paths])
    return {path: data for path, data in zip(paths, contents, strict=True) if data is not None}


def _batch(cwd: Path, objects: list[str]) -> list[bytes | None]:
    """The contents of each object named in `objects` (a blob id, or
    `commit:path`), in one `git cat-file --batch`; None for one that is missing."""
    out = git(cwd, "cat-file", "--batch", stdin="".join(f"{name}\n" for name in objects).encode("utf-8", "surrogateescape"))
    found: list[bytes | None] = []
    at = 0
    for _ in objects:
        header_end = out.index(b"\n", at)
        header = out[at:header_end].split()
        if header[-1] == b"missing":
            found.append(None)
            at = header_end + 1
            continue
        size = int(header[2])
        found.append(out[header_end + 1 : header_end + 1 + size])
        at = header_end + 1 + size + 1
    return found


def validation_commits(folder: Path, wanted: Iterable[str]) -> dict[str, tuple[str, dt.date]]:
    """For each file in `wanted` (relative to `folder`), the newest commit
    whose diff adds or removes a `last_validated:` line in it: where its
    validation was recorded."""
    return _newest(folder, wanted, "-G", "^[[:space:]]*last_validated:")


def added_commits(folder: Path, wanted: Iterable[str]) -> dict[str, dt.date]:
    """The day each file in `wanted` was (last) added to the repository."""
    return {path: day for path, (_, day) in _newest(folder, wanted, "--diff-filter=A").items()}


def _newest(folder: Path, wanted: Iterable[str], *selection: str) -> dict[str, tuple[str, dt.date]]:
    """For each file in `wanted`, the newest commit that `git log
    selection` lists for it."""
    found = _newest_records(folder, wanted, "%H%x1f%cs", *selection)
    return {path: (commit, dt.date.fromisoformat(day.strip())) for path, (commit, day) in found.items()}


def uncommitted(folder: Path) -> set[str]:
    """Files below `folder` (relative to it) that differ from HEAD or are untracked."""
    out = git(folder, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", ".")
    # Entries are "XY path", the path relative to the repository root.
    prefix = git(folder, "rev-parse", "--show-prefix").decode().strip()
    changed = set()
    for item in out.split(b"\0"):
        if len(item) > 3:
            path = item[3:].decode("utf-8", "surrogateescape")
            if path.startswith(prefix):
                changed.add(path[len(prefix):])
    return changed


def last_commits(folder: Path, wanted: Iterable[str]) -> dict[str, Commit]:
    """The last commit of each file in `wanted` (paths relative to `folder`)."""
    found = _newest_records(folder, wanted, "%cs%x1f%an")
    return {path: Commit(dt.date.fromisoformat(day), author) for path, (day, author) in found.items()}


def _newest_records(folder: Path, wanted: Iterable[str], fields: str, *selection: str) -> dict[str, tuple[str, str]]:
    """For each file in `wanted` (paths relative to `folder`), the two
    `fields` (a `git log` format of two fields joined by %x1f) of the newest
    commit that `git log selection` lists for it; none when git cannot run.

    One `git log` walks history newest first and stops as soon as every
    wanted file has been seen, so its cost does not grow with old history.
    """
    missing = set(wanted)
    found: dict[str, tuple[str, str]] = {}
    if not missing:
        return found
    command = ["git", "-C", str(folder), "-c", "core.quotePath=false", "log", f"--format=%x1e{fields}", *selection,
               "--name-only", "-z", "--relative", "--no-renames", "--", "."]
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return found
    stdout = cast(io.BufferedReader, process.stdout)  # a pipe, as asked for above
    buffer = b""
    try:
        for chunk in iter(lambda: stdout.read1(1 << 16), b""):
            buffer += chunk
            *records, buffer = buffer.split(b"\x1e")
            for record in records:
                _take(record, missing, found)
            if not missing:
                break
        else:
            _take(buffer, missing, found)
    finally:
        process.kill()
        process.wait()
    return found


def _take(record: bytes, missing: set[str], found: dict[str, tuple[str, str]]) -> None:
    """Record one `git log` entry: `field US field NUL \\n name NUL name NUL ...`."""
    if not record:
        return
    header, _, names = record.partition(b"\0")
    first, _, second = header.decode("utf-8", "replace").partition("\x1f")
    for name in names.split(b"\0"):
        path = name.strip(b"\n").decode("utf-8", "surrogateescape")
        if path in missing:
            missing.discard(path)
            found[path] = (first, second)
