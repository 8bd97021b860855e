"""Read a content folder into entries and diagnostics, parsing each file once.

Nothing here knows about MkDocs. Parsing is cached by file content, so a
rebuild under `mkdocs serve` re-parses only the files that changed.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .diagnostics import Diagnostic
from .frontmatter import Document, Marks, parse_markdown, parse_yaml_file
from .model import SLUG_PATTERN, Entry, Map, Persona, T, Team, Touchpoint, text_fields
from .render import doc_links
from .validate import check_map, to_model

_SLUG = re.compile(SLUG_PATTERN)
#: Larger files are refused before parsing: no journey map is 8 MB of text.
MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Layout:
    """Where each kind of content lives, relative to the content folder."""

    maps: str = "maps"
    personas: str = "personas"
    teams: str = "teams"
    touchpoints: str = "touchpoints.yml"


@dataclass(frozen=True)
class Parsed:
    """The cached result of parsing one file: entries, marks, diagnostics."""

    entries: tuple[Entry, ...]
    marks: Marks
    diagnostics: tuple[Diagnostic, ...]


@dataclass
class ParseCache:
    """Parsed files keyed by kind, path and a digest of their bytes.

    Entries not used by the latest load are dropped, so a long `mkdocs serve`
    session keeps only what the current content needs.
    """

    parses: int = 0
    _items: dict[tuple[str, str, bytes], Parsed] = field(default_factory=dict)
    _used: set[tuple[str, str, bytes]] = field(default_factory=set)

    def get(self, kind: str, path: str, raw: bytes, parse: Callable[[bytes, str], Parsed]) -> Parsed:
        key = (kind, path, hashlib.blake2b(raw, digest_size=20).digest())
        self._used.add(key)
        if key not in self._items:
            self.parses += 1
            self._items[key] = parse(raw, path)
        return self._items[key]

    def prune(self) -> None:
        self._items = {k: v for k, v in self._items.items() if k in self._used}
        self._used = set()


@dataclass(frozen=True)
class Loaded:
    maps: dict[str, Entry[Map]]
    personas: dict[str, Entry[Persona]]
    teams: dict[str, Entry[Team]]
    touchpoints: dict[str, Entry[Touchpoint]]
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


def load(root: Path, today: dt.date, layout: Layout = Layout(), cache: ParseCache | None = None) -> Loaded:
    """Every entry of the content folder `root`, and every problem found."""
    with collector_paused():
        return _load(root, today, layout, cache if cache is not None else ParseCache())


def _load(root: Path, today: dt.date, layout: Layout, cache: ParseCache) -> Loaded:
    diagnostics: list[Diagnostic] = []
    marks: dict[str, Marks] = {}

    def collect(kind: str, folder: str, cls: type[T]) -> dict[str, Entry[T]]:
        found: dict[str, Entry[T]] = {}
        base = root / folder
        files = sorted(base.rglob("*.md")) if base.is_dir() else []
        for file in files:
            if file.name == "index.md" and file.parent == base:
                continue  # the folder's own landing page, not an item
            rel = file.relative_to(root).as_posix()
            parsed = _read(cache, kind, file, rel, lambda raw, p: _parse_page(cls, raw, p))
            marks[rel] = parsed.marks
            diagnostics.extend(parsed.diagnostics)
            entry = parsed.entries[0]
            if not _SLUG.match(entry.id):
                diagnostics.append(Diagnostic(rel, 1, 1, "JS121", "", f"file name '{file.name}' is not a valid id: use lower-case letters, digits and hyphens"))
            if entry.id in found:
                diagnostics.append(Diagnostic(rel, 1, 1, "JS120", "", f"duplicate id '{entry.id}': {found[entry.id].path} has the same file name"))
                continue
            found[entry.id] = entry
        return found

    maps = collect("map", layout.maps, Map)
    personas = collect("persona", layout.personas, Persona)
    teams = collect("team", layout.teams, Team)

    touchpoints: dict[str, Entry[Touchpoint]] = {}
    tp_file = root / layout.touchpoints
    if tp_file.is_file():
        parsed = _read(cache, "touchpoints", tp_file, layout.touchpoints, _parse_touchpoints)
        marks[layout.touchpoints] = parsed.marks
        diagnostics.extend(parsed.diagnostics)
        touchpoints = {e.id: e for e in parsed.entries}

    for entry in maps.values():
        if entry.data is not None:
            diagnostics.extend(check_map(entry.data, marks[entry.path], entry.path, today))
    cache.prune()
    return Loaded(maps, personas, teams, touchpoints, marks, diagnostics)


def _read(cache: ParseCache, kind: str, file: Path, rel: str, parse: Callable[[bytes, str], Parsed]) -> Parsed:
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValueError(f"file is {size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES // 2**20} MiB")
        raw = file.read_bytes()
    except (OSError, ValueError) as exc:
        problem = Diagnostic(rel, 1, 1, "JS100", "", f"cannot read file: {exc}")
        return Parsed((Entry(file.stem, rel, file.stem, None),), Marks(), (problem,))
    return cache.get(kind, rel, raw, parse)


def _parse_page(cls: type[T], raw: bytes, rel: str) -> Parsed:
    doc: Document = parse_markdown(raw, rel)
    ident = Path(rel).stem
    data, problems = (None, [])
    if not doc.diagnostics:  # parsed: even `null` must then be a mapping
        data, problems = to_model(cls, doc.data, doc.marks, rel)
    title = getattr(data, "title", None) or getattr(data, "name", None) or _raw_title(doc.data) or ident
    links = tuple((at, written, target) for at, value in text_fields(data) for written, target in doc_links(value, rel)) if data else ()
    entry = Entry(ident, rel, title, data, doc.body, doc.body_line, links)
    return Parsed((entry,), doc.marks, tuple(doc.diagnostics + problems))


def _raw_title(data: object) -> str | None:
    """A readable title for a file whose front matter failed validation."""
    if isinstance(data, dict):
        for key in ("title", "name"):
            if isinstance(data.get(key), str) and data[key].strip():
                return data[key]
    return None


def _parse_touchpoints(raw: bytes, rel: str) -> Parsed:
    doc = parse_yaml_file(raw, rel)
    problems = list(doc.diagnostics)
    entries: list[Entry[Touchpoint]] = []
    if doc.data is not None and not isinstance(doc.data, dict):
        problems.append(Diagnostic(rel, 1, 1, "JS107", "", "touchpoints.yml must map touchpoint ids to their details"))
    elif doc.data:
        for ident, value in doc.data.items():
            line, col = doc.marks.key((ident,))
            if not _SLUG.match(ident):
                problems.append(Diagnostic(rel, line, col, "JS113", ident, f"'{ident}' is not a valid id: use lower-case letters, digits and hyphens"))
            data, found = to_model(Touchpoint, value, doc.marks, rel, at=(ident,))
            problems.extend(found)
            entries.append(Entry(ident, rel, data.name if data else _raw_title(value) or ident, data))
    return Parsed(tuple(entries), doc.marks, tuple(problems))
