"""Read a content folder into entries and diagnostics, parsing each file once.

Nothing here knows about MkDocs. Parsing is cached by file content, so a
rebuild under `mkdocs serve` re-parses only the files that changed.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeysite.core.diagnostics import Diagnostic, Severity
from journeysite.core.frontmatter import Document, Marks, parse_markdown, parse_yaml_file
from journeysite.core.links import doc_links
from journeysite.core.measurements import Reading, parse_csv
from journeysite.core.model import SLUG_PATTERN, Entry, Map, Metric, Persona, SharedSource, System, T, Team, Touchpoint, text_fields
from journeysite.core.settings import Settings
from journeysite.core.validate import check_map, future_dates, to_model

_SLUG = re.compile(SLUG_PATTERN)
#: Ids that would name a page the site makes itself.
RESERVED_IDS = frozenset({"index"})
#: Files that list many entries by id, by kind: what one entry is called.
REGISTRIES = {"touchpoints": "touchpoint", "systems": "system", "sources": "source", "metrics": "metric"}
#: Kinds of file with a page per file (named by its id).
PAGES = ("map", "persona", "team")
#: Larger files are refused before parsing: no journey map is 8 MB of text.
MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Parsed:
    """The cached result of parsing one file: entries, marks, diagnostics."""

    entries: tuple[Entry[Any], ...]
    marks: Marks
    diagnostics: tuple[Diagnostic, ...]
    #: The rows of a measurement file.
    readings: tuple[Reading, ...] = ()


@dataclass
class ParseCache:
    """Parsed files keyed by kind, path and a digest of their bytes.

    Entries not used by the latest load are dropped, so a long `mkdocs serve`
    session keeps only what the current content needs.
    """

    _items: dict[tuple[str, str, bytes], Parsed] = field(default_factory=dict)
    _used: set[tuple[str, str, bytes]] = field(default_factory=set)

    def get_all(self, requests: list[Request]) -> list[Parsed]:
        """Each request's parse, parsing only files not seen with these bytes."""
        keys = _keys(requests)
        for key, request in zip(keys, requests, strict=True):
            if key not in self._items:
                self._items[key] = _parse(request)
        self._used.update(keys)
        return [self._items[key] for key in keys]

    def _prune(self) -> None:
        """Drop what the load that just ended did not use; only `load` calls it
        (a second call would find nothing used, and drop everything)."""
        self._items = {k: v for k, v in self._items.items() if k in self._used}
        self._used = set()


#: A file to parse: its kind, path, bytes and parser.
Request = tuple[str, str, bytes, Callable[[bytes, str], Parsed]]


def _keys(requests: list[Request]) -> list[tuple[str, str, bytes]]:
    return [(kind, path, hashlib.blake2b(raw, digest_size=20).digest()) for kind, path, raw, _ in requests]


def _parse(request: Request) -> Parsed:
    _, path, raw, parse = request
    return parse(raw, path)


@dataclass(frozen=True)
class Loaded:
    maps: dict[str, Entry[Map]]
    personas: dict[str, Entry[Persona]]
    teams: dict[str, Entry[Team]]
    touchpoints: dict[str, Entry[Touchpoint]]
    systems: dict[str, Entry[System]]
    sources: dict[str, Entry[SharedSource]]
    metrics: dict[str, Entry[Metric]]
    readings: list[Reading]
    marks: dict[str, Marks]
    diagnostics: list[Diagnostic]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Parsing keeps hundreds of thousands of small containers alive, and
    CPython's cyclic collector rescans all of them again and again as they
    accumulate: measured, it doubles the load of 1,000 maps. Parsed data has
    no reference cycles (recursive aliases are refused), so nothing is lost
    by pausing it while loading."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(root: Path, today: dt.date, settings: Settings, cache: ParseCache | None = None) -> Loaded:
    """Every entry of the content folder `root`, and every problem found."""
    with collector_paused():
        return _load(root, today, settings, cache if cache is not None else ParseCache())


def _sources(root: Path, settings: Settings) -> list[tuple[str, str, bytes | Exception, Callable[[bytes, str], Parsed]]]:
    """Each file of the content folder: its kind, path, bytes (or why they
    cannot be read) and parser."""
    kinds: list[tuple[str, str, type[Any]]] = [("map", settings.maps_dir, Map), ("persona", settings.personas_dir, Persona), ("team", settings.teams_dir, Team)]
    files: list[tuple[str, Path, Callable[[bytes, str], Parsed]]] = [
        (kind, file, functools.partial(_parse_page, cls)) for kind, folder, cls in kinds for file in _entry_files(root, root / folder)]
    registries: list[tuple[str, str, type[Any]]] = [("touchpoints", settings.touchpoints_file, Touchpoint),
                                                    ("systems", settings.systems_file, System), ("sources", settings.sources_file, SharedSource),
                                                    ("metrics", settings.metrics_file, Metric)]
    for kind, name, cls in registries:
        if (root / name).is_file() and inside(root, root / name):
            files.append((kind, root / name, functools.partial(_parse_registry, cls, kind)))
    files += [("measurements", file, _parse_measurements) for file in _files(root, root / settings.metrics_dir, "*.csv")]
    return [(kind, file.relative_to(root).as_posix(), _read(file), parse) for kind, file, parse in files]


def _requests(sources: list[tuple[str, str, bytes | Exception, Callable[[bytes, str], Parsed]]]) -> list[Request]:
    """The files of `sources` that could be read, to parse."""
    return [(kind, rel, raw, parse) for kind, rel, raw, parse in sources if isinstance(raw, bytes)]


def _load(root: Path, today: dt.date, settings: Settings, cache: ParseCache) -> Loaded:
    diagnostics: list[Diagnostic] = []
    marks: dict[str, Marks] = {}
    read = _sources(root, settings)
    parses = iter(cache.get_all(_requests(read)))
    found: dict[str, dict[str, Entry[Any]]] = {kind: {} for kind in (*PAGES, *REGISTRIES)}
    readings: list[Reading] = []
    for kind, rel, raw, _ in read:
        page = kind in PAGES
        parsed = next(parses) if isinstance(raw, bytes) else _unreadable(rel, raw, page)
        marks[rel] = parsed.marks
        diagnostics.extend(parsed.diagnostics)
        readings.extend(parsed.readings)
        for entry in parsed.entries:
            if page and not _SLUG.fullmatch(entry.id):
                diagnostics.append(Diagnostic(rel, 1, 1, "JS121", "", f"file name '{Path(rel).name}' is not a valid id: use lower-case letters, digits and hyphens"))
            if page and entry.id in found[kind]:
                diagnostics.append(Diagnostic(rel, 1, 1, "JS120", "", f"duplicate id '{entry.id}': {found[kind][entry.id].path} has the same file name"))
                continue
            found[kind][entry.id] = entry

    diagnostics.extend(folder_problems(root))
    maps = found["map"]
    for entry in maps.values():
        if entry.data is not None:
            diagnostics.extend(future_dates(entry.data, marks[entry.path], entry.path, today))
    cache._prune()
    return Loaded(maps, found["persona"], found["team"], found["touchpoints"], found["systems"], found["sources"], found["metrics"],
                  readings, marks, diagnostics)


def _entry_files(root: Path, base: Path) -> list[Path]:
    """The Markdown files of a folder of entries, but its own landing page."""
    return [file for file in _files(root, base, "*.md") if not (file.name == "index.md" and file.parent == base)]


def _files(root: Path, base: Path, pattern: str) -> list[Path]:
    """The files of a folder (and below) that match `pattern`, but links
    that lead out of the content folder `root`."""
    files = sorted(base.rglob(pattern)) if base.is_dir() and inside(root, base) else []
    return list(filter(inside_check(root), files))


def inside(root: Path, path: Path) -> bool:
    """Whether `path` (below `root`) stays inside the folder `root` with its
    links followed, at every step: a folder linked out of it and back in
    counts as out."""
    base = root.resolve()
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return path.resolve().is_relative_to(base)
    if path.resolve() == base.joinpath(*parts):  # no link on the way: one lookup, the common case
        return True
    return all((root.joinpath(*parts[:i])).resolve().is_relative_to(base) for i in range(1, len(parts) + 1))


def inside_check(root: Path) -> Callable[[Path], bool]:
    """`inside` for many files below `root`: each folder is resolved once,
    and a file costs one `lstat` unless it is a link itself (resolving every
    file of a thousand maps took a third of a second on each rebuild)."""
    folders: dict[Path, bool] = {}

    def check(path: Path) -> bool:
        folder = path.parent
        if folder not in folders:
            folders[folder] = inside(root, folder)
        return folders[folder] and (not path.is_symlink() or inside(root, path))

    return check


def content_files(root: Path) -> dict[str, Path]:
    """Every file of the content folder that stays inside it, by its path
    relative to it: what the site may read and publish."""
    check = inside_check(root)
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file() and check(p)}


def unsafe_name(rel: str) -> bool:
    """Whether a path has characters that MkDocs and the theme write into
    HTML attributes unescaped (the edit link)."""
    return _UNSAFE_NAME.search(rel) is not None


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f\"'<>`\\]")


def folder_problems(root: Path) -> list[Diagnostic]:
    """Every symbolic link in the content folder that leads out of it (the
    site neither reads nor publishes what it points at: a CI secret, a
    system file), and every name the site cannot publish safely."""
    found = []
    for folder, dirs, names in os.walk(root):
        for name in [*dirs, *names]:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            if path.is_symlink() and not inside(root, path):
                found.append(Diagnostic(rel, 1, 1, "JS122", "", "symbolic link to a place outside the content folder: neither read nor published"))
            elif unsafe_name(name):
                found.append(Diagnostic(rel, 1, 1, "JS123", "", "the name holds a quote, '<', '>', a backtick, a backslash or a control character: rename it"))
    return found


def _read(file: Path) -> bytes | Exception:
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValueError(f"file is {size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES // 2**20} MiB")
        return file.read_bytes()
    except (OSError, ValueError) as exc:
        return exc


def _unreadable(rel: str, problem: Exception, page: bool) -> Parsed:
    """A file that cannot be read: a page is still listed, as broken."""
    stem = Path(rel).stem
    entries = (Entry(stem, rel, stem, None),) if page else ()
    return Parsed(entries, Marks(), (Diagnostic(rel, 1, 1, "JS100", "", f"cannot read file: {problem}"),))


def _parse_page(cls: type[T], raw: bytes, rel: str) -> Parsed:
    doc: Document = parse_markdown(raw, rel)
    ident = Path(rel).stem
    data: T | None = None
    problems: list[Diagnostic] = []
    if not any(d.severity is Severity.ERROR for d in doc.diagnostics):  # parsed: even `null` must then be a mapping
        data, problems = to_model(cls, doc.data, doc.marks, rel)
    if isinstance(data, Map):
        problems += check_map(data, doc.marks, rel)
    title = getattr(data, "title", None) or getattr(data, "name", None) or _raw_title(doc.data) or ident
    links = tuple((at, written, target) for at, value in text_fields(data) for written, target in doc_links(value, rel)) if data and _may_link(raw) else ()
    entry = Entry(ident, rel, title, data, doc.body, doc.body_line, links)
    return Parsed((entry,), doc.marks, tuple(doc.diagnostics + problems))


def parse_map(raw: bytes, rel: str) -> Map | None:
    """One version of a map file (from git history), or None when it does
    not parse as a valid map."""
    entry: Entry[Map] = _parse_page(Map, raw, rel).entries[0]
    return entry.data


def _may_link(raw: bytes) -> bool:
    """Whether any text of a file can hold a link (`doc_links`): only if it
    has a `](`, or an escape that YAML decodes to one. Walking every text
    field of a map is a tenth of its parse, and most maps link nowhere."""
    return b"](" in raw or b"\\" in raw


def _raw_title(data: object) -> str | None:
    """A readable title for a file whose front matter failed validation."""
    if isinstance(data, dict):
        for key in ("title", "name"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return value
    return None


def _parse_measurements(raw: bytes, rel: str) -> Parsed:
    readings, problems = parse_csv(raw, rel)
    return Parsed((), Marks(), tuple(problems), tuple(readings))


def _parse_registry(cls: type[T], kind: str, raw: bytes, rel: str) -> Parsed:
    """A YAML file that maps ids to entries (touchpoints, systems)."""
    doc = parse_yaml_file(raw, rel)
    problems = list(doc.diagnostics)
    entries: list[Entry[Any]] = []
    if doc.data is not None and not isinstance(doc.data, dict):
        problems.append(Diagnostic(rel, 1, 1, "JS107", "", f"{Path(rel).name} must map {REGISTRIES[kind]} ids to their details"))
    elif doc.data:
        for ident, value in doc.data.items():
            line, col = doc.marks.key((ident,))
            data, found = to_model(cls, value, doc.marks, rel, at=(ident,))
            problems.extend(found)
            if not _SLUG.fullmatch(ident) or ident in RESERVED_IDS:
                # No entry, so no page: an id becomes a file name, and must not name another place.
                why = f"is reserved for the {REGISTRIES[kind]}s' index page" if ident in RESERVED_IDS else "is not a valid id: use lower-case letters, digits and hyphens"
                problems.append(Diagnostic(rel, line, col, "JS113", ident, f"'{ident}' {why}"))
                continue
            entries.append(Entry(ident, rel, getattr(data, "name", None) or getattr(data, "title", None) or _raw_title(value) or ident, data))
    return Parsed(tuple(entries), doc.marks, tuple(problems))
