"""What changed between two versions of a knowledge base, in its own terms.

A line diff of YAML tells a reviewer that line 212 changed; this says that
the "Call the claims hotline" step went from 2 to 4. Pure functions of two
catalogs: git, files and output formats are elsewhere.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

from journeysite.core.catalog import Catalog
from journeysite.core.diagnostics import Diagnostic, counted
from journeysite.core.freshness import URGENCY, freshness
from journeysite.core.indexes import map_freshness
from journeysite.core.kpis import Track, amount
from journeysite.core.model import Action, Entry, Map, Stage, Step
from journeysite.core.validate import source_id

Kind = Literal["added", "removed", "changed", "renamed", "moved", "reordered"]
#: The order in which a map's changes are shown, most consequential first.
SECTIONS = ("Map", "Owners", "Validation", "Stages", "Steps", "Emotions", "KPIs", "Pain points",
            "Opportunities", "Bright spots", "Blueprint", "Actions", "Evidence", "Other")
#: A removed and an added item are one renamed item when at least this similar.
SIMILAR = 0.6
#: Errors listed in a comment; the count says how many more there are.
MAX_ERRORS = 10

X = TypeVar("X")


@dataclass(frozen=True)
class Line:
    """One change: `subject` was added or removed, or went from `before` to `after`."""

    kind: Kind
    subject: str
    before: str = ""
    after: str = ""
    #: ↑ or ↓ for emotions and freshness, which are better or worse.
    trend: str = ""
    #: For edited text: the words, each run marked kept (" "), removed ("-")
    #: or added ("+"), with long kept runs shortened to their ends.
    words: tuple[tuple[str, str], ...] = ()

    @property
    def plain(self) -> str:
        """The change in a line of plain text."""
        if self.kind in ("added", "removed"):
            what = self.after if self.kind == "added" else self.before
            return f"{self.kind} {self.subject}{': ' + what if what else ''}"
        if self.kind == "moved":
            return f"moved step {self.subject} from {self.before} to {self.after}"
        if self.kind in ("renamed", "reordered"):
            return f"{self.kind} {self.subject}: {self.before} → {self.after}"
        return f"{self.subject}: {self.before} → {self.after}" if self.before else f"{self.subject}: {self.after}"


@dataclass
class MapChange:
    id: str
    title: str
    path: str
    kind: Literal["added", "removed", "changed"]
    old_path: str = ""
    #: For an added map: persona, phase, owner, size and freshness, in a line.
    summary: str = ""
    #: Errors in the file at each side: a broken map is not compared field by field.
    broken: bool = False
    sections: dict[str, list[Line]] = field(default_factory=dict)

    def add(self, section: str, line: Line) -> None:
        self.sections.setdefault(section, []).append(line)

    @property
    def ordered(self) -> list[tuple[str, list[Line]]]:
        return [(s, self.sections[s]) for s in SECTIONS if s in self.sections]


@dataclass(frozen=True)
class Diff:
    maps: list[MapChange]
    #: Personas, teams, touchpoints and systems added, removed or renamed.
    registry: list[Line]
    errors_before: int
    errors_after: int
    #: The first errors after the change that were not there before.
    new_errors: list[Diagnostic]

    @property
    def empty(self) -> bool:
        return not self.maps and not self.registry and self.errors_before == self.errors_after

    def count(self, kind: str) -> int:
        return sum(1 for m in self.maps if m.kind == kind)


def diff(old: Catalog, new: Catalog) -> Diff:
    """Every change from `old` to `new`; freshness is judged on `new.today`."""
    changes: list[MapChange] = []
    removed = [i for i in old.maps if i not in new.maps]
    added = [i for i in new.maps if i not in old.maps]
    features = {**{i: _features(old.maps[i]) for i in removed}, **{i: _features(new.maps[i]) for i in added}}
    renames = dict(_pair(removed, added, lambda a, b: _jaccard(features[a], features[b])))
    for ident in old.maps.keys() & new.maps.keys():
        change = _map_change(old, new, old.maps[ident], new.maps[ident])
        if change.sections or change.broken:
            changes.append(change)
    changes += [_map_change(old, new, old.maps[a], new.maps[b]) for a, b in renames.items()]
    renamed_to = set(renames.values())
    changes += [MapChange(i, e.title, e.path, "added", summary=_summary(new, e), broken=e.data is None)
                for i in added if i not in renamed_to for e in [new.maps[i]]]
    changes += [MapChange(i, old.maps[i].title, old.maps[i].path, "removed") for i in removed if i not in renames]
    registry = [*_registry("persona", old.personas, new.personas), *_registry("team", old.teams, new.teams),
                *_registry("touchpoint", old.touchpoints, new.touchpoints), *_registry("system", old.systems, new.systems),
                *_registry("metric", old.metrics, new.metrics)]
    order = {"added": 0, "changed": 1, "removed": 2}
    changes.sort(key=lambda c: (order[c.kind], c.path))
    # Line and column aside, which edits above an old error shift.
    before = {(d.path, d.code, d.field, d.message) for d in old.errors}
    fresh_errors = [d for d in new.errors if (d.path, d.code, d.field, d.message) not in before]
    return Diff(changes, registry, len(old.errors), len(new.errors), fresh_errors[:MAX_ERRORS])


def _summary(catalog: Catalog, e: Entry[Map]) -> str:
    m = e.data
    if m is None:
        return ""
    steps = sum(len(s.steps) for s in m.stages)
    f = map_freshness(catalog, m)
    persona = catalog.personas[m.persona].title if m.persona in catalog.personas else m.persona
    return f"{persona} · {', '.join(m.phases)} · owner {m.owner} · {counted(len(m.stages), 'stage')}, {counted(steps, 'step')} · {f.label}"


def _features(entry: Entry[Map]) -> frozenset[tuple[str, ...]]:
    """What identifies a map across a rename, as a set: computed once per map,
    so that pairing n removed and m added maps costs n + m walks and n x m
    set intersections, not n x m comparisons of whole files."""
    m = entry.data
    if m is None:
        return frozenset({("title", entry.title)})
    return frozenset({
        ("title", m.title), ("persona", m.persona), ("owner", m.owner), ("parent", m.parent or ""),
        *(("stage", s.name) for s in m.stages),
        *(("step", s.name, x.name) for s in m.stages for x in s.steps),
        *(("action", a.title) for a in m.actions),
        *(("source", source_id(s)) for s in m.sources),
    })


def _jaccard(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if a or b else 1.0


def _pair(removed: Sequence[X], added: Sequence[X], score: Callable[[X, X], float], threshold: float = SIMILAR) -> list[tuple[X, X]]:
    """Removed and added items that are one item renamed: best matches first."""
    if len(removed) * len(added) > 2500:
        return []  # a wholesale rewrite: report it as removals and additions
    scored = sorted(((score(r, a), i, j) for i, r in enumerate(removed) for j, a in enumerate(added)), key=lambda s: (-s[0], s[1], s[2]))
    pairs, used_r, used_a = [], set(), set()
    for value, i, j in scored:
        if value >= threshold and i not in used_r and j not in used_a:
            pairs.append((removed[i], added[j]))
            used_r.add(i)
            used_a.add(j)
    return pairs


#: What a customer would notice of a change to a map: rewording aside.
JOURNEY = ("Stages", "Steps", "Emotions")


def journey_changes(before: Map, after: Map) -> list[Line]:
    """How the journey itself changed from one version of a map to another:
    stages and steps added, removed, moved or reordered, and emotions; a
    renamed stage or step is rewording and does not count. Only the stages
    are compared (`_stages` makes every JOURNEY section): this runs for each
    validated map on every build."""
    change = MapChange("", "", "", "changed")
    _stages(change, before, after)
    return [line for section, lines in change.ordered if section in JOURNEY for line in lines if line.kind != "renamed"]


def redesign(catalog: Catalog, current: Entry[Map], future: Entry[Map]) -> MapChange:
    """What a future-state map changes against the current map it redesigns:
    the comparison a pull request's diff makes, between two maps."""
    return _map_change(catalog, catalog, current, future, redesign=True)


def _map_change(old: Catalog, new: Catalog, before: Entry[Map], after: Entry[Map], redesign: bool = False) -> MapChange:
    change = MapChange(after.id, after.title, after.path, "changed", old_path=before.path if before.path != after.path else "")
    a, b = before.data, after.data
    if a is None or b is None:
        change.broken = True
        return change
    _fields(change, a, b)
    _validation(change, old, new, a, b)
    _stages(change, a, b)
    _kpis(change, old.kpis(before.id), new, new.kpis(after.id), redesign)
    _actions(change, a, b)
    _evidence(change, a, b)
    if before.body.strip() != after.body.strip():
        change.add("Other", Line("changed", "narrative text", "", "edited"))
    if not redesign:
        _stamp(change, a, b)
    _owner_names(change, old, new)
    return change


def _owner_names(change: MapChange, old: Catalog, new: Catalog) -> None:
    """Owners as people know them: the team's name, not its id."""
    def name(value: str, catalog: Catalog) -> str:
        entry = catalog.teams.get(value)
        return entry.title if entry is not None else value

    lines = change.sections.get("Owners", [])
    for i, line in enumerate(lines):
        lines[i] = replace(line, before=name(line.before, old), after=name(line.after, new))


def _stamp(change: MapChange, a: Map, b: Map) -> None:
    """Make two allowed but doubtful validations visible: a date moved back,
    and a new date with nothing else about the validation or the map
    changed (a rubber stamp: were customers asked?)."""
    before, after = (a.validation.last_validated if a.validation else None), (b.validation.last_validated if b.validation else None)
    if before is None or after is None or before == after:
        return
    if after < before:
        change.add("Validation", Line("changed", "⚠ last validated moved back", before.isoformat(), after.isoformat(), "↓"))
        return
    others = [line for section, lines in change.sections.items() for line in lines
              if section != "Validation" or line.subject not in ("last validated", "freshness")]
    if not others:
        change.add("Validation", Line("changed", "⚠ validation", "", "only the date changed (no method, customers or notes, "
                                                                   "nothing on the map): say in the notes what customers confirmed"))


def _fields(change: MapChange, a: Map, b: Map) -> None:
    for name in ("title", "persona", "phase", "parent", "parent_stage", "sponsor", "state", "redesigns"):
        _value(change, "Map", name.replace("_", " "), getattr(a, name), getattr(b, name))
    _value(change, "Owners", "map owner", a.owner, b.owner)
    _items(change, "Owners", "contributor", a.contributors, b.contributors)
    _items(change, "Other", "gap", a.gaps, b.gaps)
    _items(change, "Other", "tag", a.tags, b.tags)
    _items(change, "Map", "actor", a.actors, b.actors)
    _items(change, "Other", "win", [w.title for w in a.wins], [w.title for w in b.wins])


def _value(change: MapChange, section: str, subject: str, before: object, after: object, trend: str = "") -> None:
    if before != after:
        change.add(section, Line("changed", subject, _shown(before), _shown(after), trend))


def _emotion(value: int | dict[str, int] | None) -> str:
    """A step's emotion as a reviewer reads it."""
    if value is None:
        return "not measured"
    return ", ".join(f"{actor} {score}" for actor, score in value.items()) if isinstance(value, dict) else str(value)


def _shown(value: object) -> str:
    return "none" if value is None or value == () else ", ".join(value) if isinstance(value, tuple) else str(value)


def _items(change: MapChange, section: str, subject: str, before: Iterable[str], after: Iterable[str]) -> None:
    """Items of a list added or removed, in the order they are written; a
    removed and an added item that read alike are one item reworded."""
    old, new = list(before), list(after)
    gone, fresh = [i for i in old if i not in new], [i for i in new if i not in old]
    reworded = dict(_pair(gone, fresh, _alike, 0.5))
    for item in fresh:
        if item not in reworded.values():
            change.add(section, Line("added", subject, after=item))
    for item in gone:
        if item in reworded:
            _text(change, section, subject, item, reworded[item])
        else:
            change.add(section, Line("removed", subject, before=item))


#: Words and the spaces between them, so that a rejoined diff reads as written.
_WORDS = re.compile(r"\S+|\s+")
#: Kept words shown on each side of a change, when more were kept.
CONTEXT = 4


def _alike(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _WORDS.findall(a), _WORDS.findall(b), autojunk=False).ratio()


def _text(change: MapChange, section: str, subject: str, before: str | None, after: str | None) -> None:
    """An edited text, as the words that changed."""
    if before == after:
        return
    if not before or not after:
        _value(change, section, subject, before, after)
        return
    a, b = _WORDS.findall(before), _WORDS.findall(after)
    runs: list[tuple[str, str]] = []
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for n, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":  # tokens alternate words and spaces: CONTEXT words are 2 * CONTEXT tokens
            kept = a[i1:i2]
            head = kept[:2 * CONTEXT] if n > 0 else []  # the words after a change
            tail = kept[-2 * CONTEXT:] if n < len(opcodes) - 1 else []  # the words before one
            shown = "".join(kept)
            if len(head) + len(tail) < len(kept):
                shown = "".join(head) + (" … " if head and tail else " …" if head else "… ") + "".join(tail)
            runs.append((" ", shown))
            continue
        if i2 > i1:
            runs.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("+", "".join(b[j1:j2])))
    change.add(section, Line("changed", subject, before, after, words=_tidy(runs)))


def _tidy(runs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Runs whose changes hold no outer spaces (a reader sees the spaces
    kept, and Markdown marks no text that starts with one), kept runs joined."""
    out: list[tuple[str, str]] = []
    for op, text in runs:
        parts = [(" ", text)] if op == " " else [(" ", text[:len(text) - len(text.lstrip())]), (op, text.strip()),
                                                    (" ", text[len(text.rstrip()):])]
        for part in parts:
            if not part[1]:
                continue
            if out and part[0] == " " and out[-1][0] == " ":
                out[-1] = (" ", out[-1][1] + part[1])
            else:
                out.append(part)
    return tuple(out)


def _validation(change: MapChange, old: Catalog, new: Catalog, a: Map, b: Map) -> None:
    _value(change, "Validation", "last validated", _validated(a), _validated(b))
    va, vb = a.validation, b.validation
    if va and vb:
        _value(change, "Validation", "method", va.method, vb.method)
        _value(change, "Validation", "customers", va.customers, vb.customers)
    _value(change, "Validation", "review every (days)", a.review_every, b.review_every)
    # Both on the new build date: the question is what this change does to the map.
    today, settings = new.today, new.settings
    fa = freshness(a, today, old.settings.review_every, old.settings.due_window)
    fb = freshness(b, today, settings.review_every, settings.due_window)
    trend = "↑" if URGENCY.index(fb.state) > URGENCY.index(fa.state) else "↓"
    _value(change, "Validation", "freshness", fa.state, fb.state, trend)


def _validated(m: Map) -> str:
    return m.validation.last_validated.isoformat() if m.validation else "never"


def _stages(change: MapChange, a: Map, b: Map) -> None:
    old, new = {s.name: s for s in a.stages}, {s.name: s for s in b.stages}
    renamed = dict(_pair([n for n in old if n not in new], [n for n in new if n not in old],
                         lambda x, y: _stage_similarity(old[x], new[y]), 0.5))
    matched = [(old[n], new[n]) for n in old if n in new] + [(old[x], new[y]) for x, y in renamed.items()]
    for x, y in renamed.items():
        change.add("Stages", Line("renamed", "stage", x, y))
    for name in new:
        if name not in old and name not in renamed.values():
            change.add("Stages", Line("added", "stage", after=name))
    for name in old:
        if name not in new and name not in renamed:
            change.add("Stages", Line("removed", "stage", before=name))
    _order(change, "Stages", "stages", [s.name for s in a.stages], [s.name for s in b.stages], renamed)
    for s, t in matched:
        _value(change, "Owners", f"owner of stage {t.name}", s.owner, t.owner)
        _text(change, "Other", f"goal of stage {t.name}", s.goal, t.goal)
    _steps(change, matched, a, b)


def _stage_similarity(a: Stage, b: Stage) -> float:
    names_a, names_b = {s.name for s in a.steps}, {s.name for s in b.steps}
    shared = len(names_a & names_b) / max(len(names_a), len(names_b))
    return 1.0 if a.goal and a.goal == b.goal else shared


def _order(change: MapChange, section: str, subject: str, before: list[str], after: list[str], renamed: dict[str, str]) -> None:
    """A reordering of the items on both sides (new items and removed ones aside)."""
    kept = [renamed.get(n, n) for n in before if renamed.get(n, n) in after]
    now = [n for n in after if n in kept]
    if kept != now:
        change.add(section, Line("reordered", subject, " → ".join(kept), " → ".join(now)))


def _steps(change: MapChange, matched: list[tuple[Stage, Stage]], a: Map, b: Map) -> None:
    """Steps are the same step by name first (so a step that changed stage
    has moved), then, among the rest of a stage, by similar content (renamed)."""
    pairs: list[tuple[Stage, Step, Stage, Step]] = []
    gone = {(s.name, x.name): (s, x) for s in a.stages for x in s.steps}
    fresh = {(t.name, y.name): (t, y) for t in b.stages for y in t.steps}
    for s, t in matched:
        for x in s.steps:
            if (t.name, x.name) in fresh:
                pairs.append((s, x, *fresh.pop((t.name, x.name))))
                del gone[(s.name, x.name)]
    arriving = {y.name: key for key, (_, y) in fresh.items()}
    for key, (s, x) in list(gone.items()):
        if x.name in arriving:
            t, y = fresh.pop(arriving.pop(x.name))
            del gone[key]
            change.add("Steps", Line("moved", x.name, s.name, t.name))
            pairs.append((s, x, t, y))
    for s, t in matched:
        old = [x.name for x in s.steps if (s.name, x.name) in gone]
        new = [y.name for y in t.steps if (t.name, y.name) in fresh]
        leaving = {name: gone[(s.name, name)][1] for name in old}
        coming = {name: fresh[(t.name, name)][1] for name in new}
        renamed = dict(_pair(old, new, lambda x, y: _step_similarity(leaving[x], coming[y])))  # noqa: B023 (called at once)
        for was, now in renamed.items():
            change.add("Steps", Line("renamed", f"step in {t.name}", was, now))
            pairs.append((*gone.pop((s.name, was)), *fresh.pop((t.name, now))))
        _order(change, "Steps", f"steps of {t.name}", [x.name for x in s.steps], [y.name for y in t.steps], renamed)
    for s, x in gone.values():
        change.add("Steps", Line("removed", "step", before=f"{s.name} / {x.name}"))
    for t, y in fresh.values():
        change.add("Steps", Line("added", "step", after=f"{t.name} / {y.name} (emotion {_emotion(y.emotion)})"))
    for _, x, t, y in pairs:
        _step(change, f"{t.name} / {y.name}", x, y)


def _step_similarity(a: Step, b: Step) -> float:
    fields = [f for f in Step.model_fields if f != "name"]
    used = [f for f in fields if getattr(a, f) or getattr(b, f)]
    return sum(getattr(a, f) == getattr(b, f) for f in used) / len(used) if used else 0.0


def _step(change: MapChange, where: str, a: Step, b: Step) -> None:
    if a.emotion != b.emotion:
        trend = ("↑" if b.emotion > a.emotion else "↓") if isinstance(a.emotion, int) and isinstance(b.emotion, int) else ""
        change.add("Emotions", Line("changed", where, _emotion(a.emotion), _emotion(b.emotion), trend))
    _items(change, "Pain points", where, a.pain_points, b.pain_points)
    _items(change, "Opportunities", where, a.opportunities, b.opportunities)
    _items(change, "Bright spots", where, a.bright_spots, b.bright_spots)
    _value(change, "Owners", f"owner of step {where}", a.owner, b.owner)
    _items(change, "Other", f"touchpoint of {where}", a.touchpoints, b.touchpoints)
    _items(change, "Blueprint", f"system supporting {where}", a.support, b.support)
    _items(change, "Evidence", f"source cited by {where}", a.evidence, b.evidence)
    _items(change, "Evidence", f"quote in {where}", [q.text for q in a.quotes], [q.text for q in b.quotes])
    if a.moment_that_matters != b.moment_that_matters:
        change.add("Other", Line("added", "moment that matters", after=where) if b.moment_that_matters
                   else Line("removed", "moment that matters", before=where))
    for lane in ("frontstage", "backstage"):
        _text(change, "Blueprint", f"{lane} of {where}", getattr(a, lane), getattr(b, lane))
    for text in ("actions", "thoughts", "feelings"):
        _text(change, "Other", f"{text} of {where}", getattr(a, text), getattr(b, text))
    edited = [f for f in ("duration", "optional", "branches") if getattr(a, f) != getattr(b, f)]
    if edited:
        change.add("Other", Line("changed", where, "", "edited " + ", ".join(edited)))


def _kpis(change: MapChange, before: list[Track], catalog: Catalog, after: list[Track], redesign: bool) -> None:
    """KPIs added or removed, targets moved, new measurements; against the
    map it redesigns, a future map's targets against today's values."""
    old = {(t.metric, t.place): t for t in before}
    new = {(t.metric, t.place): t for t in after}
    for key, t in new.items():
        entry = catalog.metrics.get(t.metric)
        name, unit = (entry.title, entry.data.unit) if entry is not None and entry.data is not None else (t.metric, "")
        better = entry.data.better if entry is not None and entry.data is not None else None
        subject = f"{name} ({t.place})" if t.place else name
        was = old.get(key)
        if redesign:
            today = was.latest if was is not None else None
            if t.target is not None:
                trend = "" if today is None or better is None or today.value == t.target else "↑" if (t.target > today.value) == (better == "higher") else "↓"
                change.add("KPIs", Line("changed", subject, f"{amount(today.value, unit)} today" if today else "not measured today",
                                        f"target {amount(t.target, unit)}", trend))
            continue
        if was is None:
            target = f", target {amount(t.target, unit)}" if t.target is not None else ""
            change.add("KPIs", Line("added", "KPI", after=f"{subject}{target}"))
            continue
        if was.target != t.target:
            change.add("KPIs", Line("changed", f"target of {subject}", _amount(was.target, unit), _amount(t.target, unit)))
        a, b = was.latest, t.latest
        if b is not None and a != b:
            trend = "" if a is None or better is None or a.value == b.value else "↑" if (b.value > a.value) == (better == "higher") else "↓"
            change.add("KPIs", Line("changed", subject, f"{amount(a.value, unit)} on {a.date.isoformat()}" if a else "not measured",
                                    f"{amount(b.value, unit)} on {b.date.isoformat()}", trend))
    if not redesign:
        for (_, place), t in old.items():
            if (t.metric, place) not in new:
                change.add("KPIs", Line("removed", "KPI", before=f"{t.metric} ({place})" if place else t.metric))


def _amount(value: int | float | None, unit: str) -> str:
    return "none" if value is None else amount(value, unit)


def _actions(change: MapChange, a: Map, b: Map) -> None:
    old, new = {x.title: x for x in a.actions}, {x.title: x for x in b.actions}
    for title, x in new.items():
        if title not in old:
            change.add("Actions", Line("added", title, after=f"{x.status}, owner {_owner(x)}, effort {x.effort}, impact {x.impact}"))
    for title in old:
        if title not in new:
            change.add("Actions", Line("removed", title))
    for title, x in old.items():
        if title in new:
            y = new[title]
            _value(change, "Actions", f"status of {title}", x.status, y.status)
            _value(change, "Owners", f"owner of action {title}", _owner(x), _owner(y))
            _value(change, "Actions", f"target of {title}", x.targets, y.targets)
            _value(change, "Actions", f"due date of {title}", x.due, y.due)


def _owner(action: Action) -> str:
    return action.owner if isinstance(action.owner, str) else f"{action.owner.external} (external)"


def _evidence(change: MapChange, a: Map, b: Map) -> None:
    _items(change, "Evidence", "source", [s if isinstance(s, str) else s.title for s in a.sources],
           [s if isinstance(s, str) else s.title for s in b.sources])


def _registry(kind: str, old: Mapping[str, Entry[Any]], new: Mapping[str, Entry[Any]]) -> Iterable[Line]:
    for ident in sorted(set(old) | set(new)):
        if ident not in old:
            yield Line("added", kind, after=f"{new[ident].title} ({ident})")
        elif ident not in new:
            yield Line("removed", kind, before=f"{old[ident].title} ({ident})")
        elif old[ident].title != new[ident].title:
            yield Line("renamed", f"{kind} {ident}", old[ident].title, new[ident].title)

