"""The whole knowledge base: entries, resolved references and their problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeysite.core.diagnostics import Diagnostic, Severity, did_you_mean
from journeysite.core.freshness import freshness
from journeysite.core.frontmatter import Path as FieldPath
from journeysite.core.frontmatter import dotted
from journeysite.core.kpis import Places, Track, number, tracks
from journeysite.core.links import relative
from journeysite.core.loader import Loaded, ParseCache, load
from journeysite.core.measurements import Reading
from journeysite.core.model import Entry, Map, Metric, Persona, SharedSource, Source, Stage, Step, System, Team, Touchpoint
from journeysite.core.settings import Settings
from journeysite.core.validate import citations

#: An unknown id with no close match lists the known ones, if there are at most this many.
KNOWN_LISTED = 12


@dataclass(frozen=True)
class Catalog:
    maps: dict[str, Entry[Map]]
    personas: dict[str, Entry[Persona]]
    teams: dict[str, Entry[Team]]
    touchpoints: dict[str, Entry[Touchpoint]]
    diagnostics: tuple[Diagnostic, ...]
    today: dt.date
    settings: Settings = field(default_factory=Settings)
    systems: dict[str, Entry[System]] = field(default_factory=dict)
    sources: dict[str, Entry[SharedSource]] = field(default_factory=dict)
    metrics: dict[str, Entry[Metric]] = field(default_factory=dict)
    #: Rows of the measurement files by the map they name (None: organisation-wide).
    readings: dict[str | None, tuple[Reading, ...]] = field(default_factory=dict)
    _by_path: dict[str, list[Diagnostic]] = field(default_factory=dict, repr=False, compare=False)
    _tracks: dict[str | None, list[Track]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for d in self.diagnostics:
            self._by_path.setdefault(d.path, []).append(d)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    def problems(self, path: str) -> list[Diagnostic]:
        """Errors and warnings of one file, for the error box on its page."""
        return [d for d in self._by_path.get(path, []) if d.severity is not Severity.INFO]

    def valid_maps(self) -> Iterator[tuple[str, Map]]:
        for ident, entry in self.maps.items():
            if entry.data is not None:
                yield ident, entry.data

    def sources_of(self, m: Map) -> dict[str, Source]:
        """The sources of a map's page, by id: its own, those it lists from
        `sources.yml`, and those of its parents that its steps cite."""
        return _sources_of(m, self.sources, self.maps) or _listed(m, self.sources)

    def kpis(self, mid: str | None) -> list[Track]:
        """The KPIs of a map, in page order, with its measurements from CSV
        files too (None: the organisation-wide measurements)."""
        found = self._tracks.get(mid)
        if found is None:
            entry = self.maps.get(mid) if mid is not None else None
            m = entry.data if entry is not None else None
            found = self._tracks[mid] = tracks(m, entry.path if entry else "", self.readings.get(mid, ()))[0]
        return found

    def review_days(self, m: Map) -> int:
        """How many days a map's facts stay current: its review cadence."""
        return m.review_every or self.settings.review_every

    def is_customer(self, persona: str) -> bool:
        """Whether a persona counts in customer figures: not an employee or
        partner (an unknown persona's error is reported elsewhere)."""
        entry = self.personas.get(persona)
        return entry is None or entry.data is None or entry.data.kind == "customer"

    def stage_owner(self, m: Map, stage: Stage) -> str:
        return stage.owner or m.owner

    def step_owner(self, m: Map, stage: Stage, step: Step) -> str:
        """The step's own owner, else its first touchpoint's, else the stage's."""
        if step.owner:
            return step.owner
        for tp in step.touchpoints[:1]:
            entry = self.touchpoints.get(tp)
            if entry is not None and entry.data is not None:
                return entry.data.owner
        return self.stage_owner(m, stage)


def build(root: Path, today: dt.date, settings: Settings | None = None, cache: ParseCache | None = None) -> Catalog:
    """Load `root` and resolve every reference between its files."""
    settings = settings or Settings()
    loaded = load(root, today, settings, cache)
    readings: dict[str | None, list[Reading]] = {}
    for reading in loaded.readings:
        readings.setdefault(reading.map, []).append(reading)
    merged: dict[str | None, list[Track]] = {}  # the KPIs of maps with measurement rows, merged once
    diagnostics = (loaded.diagnostics + list(_references(loaded)) + list(_links(loaded, root, settings)) + list(_notices(loaded, today, settings))
                   + list(_measures(loaded, readings, today, merged)))
    diagnostics.sort(key=lambda d: (d.path, d.line, d.col, d.code))
    return Catalog(loaded.maps, loaded.personas, loaded.teams, loaded.touchpoints, tuple(diagnostics), today, settings, loaded.systems,
                   loaded.sources, loaded.metrics, {mid: tuple(rows) for mid, rows in readings.items()}, _tracks=merged)


def _references(loaded: Loaded) -> Iterable[Diagnostic]:
    teams = loaded.teams

    def unknown(path: str, loc: FieldPath, code: str, kind: str, folder: str, ref: str, known: Iterable[str]) -> Diagnostic:
        line, col = loaded.marks[path].value(loc)
        ids = sorted(known)
        hint = did_you_mean(ref, ids) or (f"; the {kind}s are {', '.join(ids)}" if 0 < len(ids) <= KNOWN_LISTED else "")
        return Diagnostic(path, line, col, code, dotted(loc), f"unknown {kind} '{ref}' (no {folder}){hint}")

    def team(path: str, loc: FieldPath, ref: str | None) -> Iterable[Diagnostic]:
        if ref is not None and ref not in teams:
            yield unknown(path, loc, "JS202", "team", f"teams/{ref}.md", ref, teams)

    for registry in (loaded.touchpoints, loaded.systems, loaded.metrics):
        for rid, item in registry.items():
            if item.data is not None:
                yield from team(item.path, (rid, "owner"), item.data.owner)

    for entry in loaded.maps.values():
        m, path = entry.data, entry.path
        if m is None:
            continue
        for loc, persona in [(("persona",), m.persona), *((("actors", i), a) for i, a in enumerate(m.actors))]:
            if persona not in loaded.personas:
                yield unknown(path, loc, "JS201", "persona", f"personas/{persona}.md", persona, loaded.personas)
        actors = [m.persona, *m.actors]
        yield from team(path, ("owner",), m.owner)
        for i, ref in enumerate(m.contributors):
            yield from team(path, ("contributors", i), ref)
        for i, stage in enumerate(m.stages):
            yield from team(path, ("stages", i, "owner"), stage.owner)
            for j, step in enumerate(stage.steps):
                at: FieldPath = ("stages", i, "steps", j)
                yield from team(path, (*at, "owner"), step.owner)
                for k, tp in enumerate(step.touchpoints):
                    if tp not in loaded.touchpoints:
                        yield unknown(path, (*at, "touchpoints", k), "JS203", "touchpoint", f"'{tp}' in touchpoints.yml", tp, loaded.touchpoints)
                for k, sid in enumerate(step.support):
                    if sid not in loaded.systems:
                        yield unknown(path, (*at, "support", k), "JS214", "system", f"'{sid}' in systems.yml", sid, loaded.systems)
                for actor in step.emotion if isinstance(step.emotion, dict) else ():
                    if actor not in actors:
                        line, col = loaded.marks[path].key((*at, "emotion", actor))
                        yield Diagnostic(path, line, col, "JS215", dotted((*at, "emotion")),
                                         f"'{actor}' is not an actor of this map: add it to actors, or score one of "
                                         f"{', '.join(actors)}{did_you_mean(actor, actors)}")
        for i, action in enumerate(m.actions):
            yield from team(path, ("actions", i, "owner"), action.team)
        for at, _, _, kpis in m.kpi_places():
            for i, kpi in enumerate(kpis):
                if kpi.metric not in loaded.metrics:
                    yield unknown(path, (*at, i, "metric"), "JS217", "metric", f"'{kpi.metric}' in metrics.yml", kpi.metric, loaded.metrics)
        for i, source in enumerate(m.sources):
            if isinstance(source, str) and source not in loaded.sources:
                yield unknown(path, ("sources", i), "JS216", "shared source", f"'{source}' in sources.yml", source, loaded.sources)
        known = _sources_of(m, loaded.sources, loaded.maps)
        for loc, ref in citations(m):
            if known is not None and ref not in known:  # None: a broken parent map, whose errors are reported
                line, col = loaded.marks[path].value(loc)
                yield Diagnostic(path, line, col, "JS204", dotted(loc), f"unknown source '{ref}': sources of this map are "
                                 f"{_listing(list(known))}{did_you_mean(ref, known)}")
        yield from _parent(loaded, m, path)
        if m.redesigns is not None and m.redesigns not in loaded.maps:
            yield unknown(path, ("redesigns",), "JS205", "map", f"maps/{m.redesigns}.md", m.redesigns, loaded.maps)
    yield from _cycles(loaded)


def _measures(loaded: Loaded, readings: dict[str | None, list[Reading]], today: dt.date,
              merged: dict[str | None, list[Track]]) -> Iterable[Diagnostic]:
    """Rows of measurement files that name what does not exist, are dated
    after today, or contradict another value of the same day and place;
    the KPIs merged on the way go into `merged`, by map id."""
    metrics = sorted(loaded.metrics)
    for mid, rows in readings.items():
        entry = loaded.maps.get(mid) if mid is not None else None
        m = entry.data if entry is not None else None
        named = Places.of(m)
        for r in rows:
            if r.metric not in loaded.metrics:
                hint = did_you_mean(r.metric, metrics) or (f"; the metrics are {', '.join(metrics)}" if 0 < len(metrics) <= KNOWN_LISTED else "")
                yield Diagnostic(r.path, r.line, r.col("metric"), "JS217", "metric", f"unknown metric '{r.metric}' (no '{r.metric}' in metrics.yml){hint}")
            if r.date > today:
                yield Diagnostic(r.path, r.line, r.col("date"), "JS115", "date", f"date {r.date.isoformat()} is in the future (today is {today.isoformat()})")
            if mid is not None and entry is None:
                yield Diagnostic(r.path, r.line, r.col("map"), "JS205", "map", f"unknown map '{mid}' (no maps/{mid}.md){did_you_mean(mid, loaded.maps)}")
            elif m is not None and r.stage is not None:
                stage = named.stage(r.stage)
                if stage is None:
                    yield Diagnostic(r.path, r.line, r.col("stage"), "JS207", "stage",
                                     f"map '{mid}' has no stage '{r.stage}'{did_you_mean(r.stage, [s.name for s in m.stages])}")
                elif r.step is not None and named.step(r.stage, r.step) is None:
                    yield Diagnostic(r.path, r.line, r.col("step"), "JS207", "step",
                                     f"stage '{stage.name}' of map '{mid}' has no step '{r.step}'{did_you_mean(r.step, [x.name for x in stage.steps])}")
        if mid is None or m is not None:
            merged[mid], conflicts = tracks(m, entry.path if entry else "", rows)
            for r, kept in conflicts:
                yield Diagnostic(r.path, r.line, r.col("value"), "JS218", "value", f"{r.metric} on {r.date.isoformat()} is {number(r.value)} here but "
                                 f"{number(kept.value)} in {kept.source}: the first value counts; keep one", Severity.WARNING)


def _links(loaded: Loaded, root: Path, settings: Settings) -> Iterable[Diagnostic]:
    """Links in text fields to a map, persona or team that does not exist.

    MkDocs checks the links of a page's body, not those of its front
    matter. Links into the folders of entries are checked here; a link
    elsewhere in the docs may point at a page the site generates.
    """
    folders = tuple(f"{folder}/" for folder in (settings.maps_dir, settings.personas_dir, settings.teams_dir))
    known = [e.path for entries in (loaded.maps, loaded.personas, loaded.teams) for e in entries.values()]
    exists = set(known) | {f"{folder}index.md" for folder in folders}
    linking: list[Entry[Any]] = [*loaded.maps.values(), *loaded.personas.values()]
    for entry in linking:
        for loc, written, target in entry.links:
            if target.startswith(folders) and target not in exists and not (root / target).is_file():
                line, col = loaded.marks[entry.path].value(loc)
                yield Diagnostic(entry.path, line, col, "JS209", dotted(loc),
                                 f"link to '{written}': there is no {target}"
                                 f"{did_you_mean(written.partition('#')[0], (relative(k, entry.path) for k in known))}", Severity.WARNING)


def _parent(loaded: Loaded, m: Map, path: str) -> Iterable[Diagnostic]:
    if m.parent is None:
        return
    marks = loaded.marks[path]
    parent = loaded.maps.get(m.parent)
    if parent is None:
        line, col = marks.value(("parent",))
        yield Diagnostic(path, line, col, "JS205", "parent", f"unknown map '{m.parent}' (no maps/{m.parent}.md){did_you_mean(m.parent, loaded.maps)}")
        return
    if m.parent_stage is not None and parent.data is not None:
        names = [s.name for s in parent.data.stages]
        if m.parent_stage not in names:
            line, col = marks.value(("parent_stage",))
            yield Diagnostic(path, line, col, "JS206", "parent_stage", f"map '{m.parent}' has no stage '{m.parent_stage}'{did_you_mean(m.parent_stage, names)}")


def _cycles(loaded: Loaded) -> Iterable[Diagnostic]:
    """One diagnostic per cycle of parent maps, on its first map by id: each
    map is visited once, so a chain of thousands costs thousands of steps."""
    parent = {mid: e.data.parent for mid, e in loaded.maps.items() if e.data is not None and e.data.parent in loaded.maps}
    state: dict[str, int] = {}  # 1: on the walk being followed, 2: done
    for start in sorted(parent):
        walk: list[str] = []
        cursor: str | None = start
        while cursor is not None and cursor not in state:
            state[cursor] = 1
            walk.append(cursor)
            cursor = parent.get(cursor)
        if cursor is not None and state[cursor] == 1:  # back on this walk: a cycle
            cycle = walk[walk.index(cursor):]
            at = cycle.index(min(cycle))
            cycle = cycle[at:] + cycle[:at]
            shown = cycle if len(cycle) <= 6 else [*cycle[:3], f"... {len(cycle) - 5} more ...", *cycle[-2:]]
            entry = loaded.maps[cycle[0]]
            line, col = loaded.marks[entry.path].value(("parent",))
            yield Diagnostic(entry.path, line, col, "JS208", "parent", f"parent maps form a cycle: {' -> '.join([*shown, cycle[0]])}")
        for mid in walk:
            state[mid] = 2


def _notices(loaded: Loaded, today: dt.date, settings: Settings) -> Iterable[Diagnostic]:
    """Information, not errors: maps that need a validation soon or now."""
    for entry in loaded.maps.values():
        m = entry.data
        if m is None:
            continue
        f = freshness(m, today, settings.review_every, settings.due_window)
        line, col = loaded.marks[entry.path].value(("validation", "last_validated") if m.validation else ())
        code = {"unvalidated": "JS301", "overdue": "JS302", "due": "JS303"}.get(f.state)
        if code:
            yield Diagnostic(entry.path, line, col, code, "validation", f"{f.label}; owner: {m.owner}", Severity.INFO)


def _sources_of(m: Map, shared: dict[str, Entry[SharedSource]], maps: dict[str, Entry[Map]]) -> dict[str, Source] | None:
    """A map's own sources, those it lists from `sources.yml`, and, for what
    its steps cite beyond those, its ancestors' (a micro-journey may cite
    its parent's); None when a broken ancestor leaves that unknown."""
    found = _listed(m, shared)
    wanted = {ref for _, ref in citations(m)} - found.keys()
    seen = set()
    parent = m.parent
    while wanted and parent is not None and parent not in seen:  # a cycle is reported elsewhere
        seen.add(parent)
        data = maps[parent].data if parent in maps else None
        if data is None:  # an unknown or broken parent, reported as such
            return None
        for sid, source in _listed(data, shared).items():
            if sid in wanted:
                found[sid] = source
                wanted.discard(sid)
        parent = data.parent
    return found


def _listed(m: Map, shared: dict[str, Entry[SharedSource]]) -> dict[str, Source]:
    found: dict[str, Source] = {}
    for source in m.sources:
        if isinstance(source, Source):
            found.setdefault(source.id, source)
        elif (entry := shared.get(source)) is not None and entry.data is not None:
            found.setdefault(source, Source(id=source, **entry.data.model_dump(exclude_none=True)))
    return found


def _listing(ids: list[str]) -> str:
    return ", ".join(f"'{i}'" for i in ids) if ids else "none (add a 'sources' list)"
