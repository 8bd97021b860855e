"""Renames that keep a knowledge base whole: a stage, a step, a team or a persona.

A name or id is written in many places (actions aim at "Stage / Step",
micro-journeys name their parent's stage, measurement files name stages and
steps, every owner field names a team). A rename finds each place from the
model, edits exactly that value in the file (comments, layout and quoting
elsewhere untouched) and, for a team or persona, moves its file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import yaml

from journeysite.core.catalog import Catalog
from journeysite.core.frontmatter import Path
from journeysite.core.measurements import PLACES, Reading, cells, delimiter
from journeysite.core.model import SLUG_PATTERN, Entry, Map
from journeysite.core.validate import find_step, normal_label, step_index


class RenameError(Exception):
    """The rename cannot be made: a message for people."""


@dataclass
class Plan:
    """The values to rewrite, file by file, and the file to move."""

    #: YAML values by file: (field path, new value); a path ending in
    #: `KEY` names the key of that mapping entry instead of its value.
    values: dict[str, list[tuple[Path, str]]] = field(default_factory=dict)
    #: Measurement cells: (row, column name, new value).
    cells: list[tuple[Reading, str, str]] = field(default_factory=list)
    move: tuple[str, str] | None = None

    def set(self, rel: str, at: Path, value: str) -> None:
        self.values.setdefault(rel, []).append((at, value))

    @property
    def files(self) -> list[str]:
        return sorted({*self.values, *(r.path for r, _, _ in self.cells)})


KEY = "\0key"
_SLUG = re.compile(SLUG_PATTERN)


def _map(catalog: Catalog, mid: str) -> Map:
    entry = catalog.maps.get(mid)
    if entry is None:
        raise RenameError(f"no map '{mid}' (maps/{mid}.md)")
    if entry.data is None:
        raise RenameError(f"{entry.path} has errors: fix them first (journeysite check)")
    return entry.data


def _targets(m: Map) -> Iterable[tuple[Path, str]]:
    """Every "Stage" or "Stage / Step" a map names: its actions' and branches'."""
    for i, action in enumerate(m.actions):
        for k, target in enumerate(action.targets):
            yield (("actions", i, "step") if isinstance(action.step, str) else ("actions", i, "step", k)), target
    for i, stage in enumerate(m.stages):
        for j, step in enumerate(stage.steps):
            for k, branch in enumerate(step.branches):
                yield ("stages", i, "steps", j, "branches", k, "to"), branch.to


def stage(catalog: Catalog, mid: str, old: str, new: str) -> Plan:
    m = _map(catalog, mid)
    names = [s.name for s in m.stages]
    if old not in names:
        raise RenameError(f"map '{mid}' has no stage '{old}'; its stages are {', '.join(names)}")
    if new.strip() in (n.strip() for n in names if n != old) or not new.strip():
        raise RenameError(f"map '{mid}' has a stage '{new}' already" if new.strip() else "the new name is empty")
    plan, path = Plan(), catalog.maps[mid].path
    plan.set(path, ("stages", names.index(old), "name"), new)
    for at, target in _targets(m):
        first, sep, rest = normal_label(target).partition(" / ")
        if first == old.strip():
            plan.set(path, at, f"{new}{sep}{rest}")
    for child in catalog.maps.values():
        if child.data is not None and child.data.parent == mid and child.data.parent_stage == old:
            plan.set(child.path, ("parent_stage",), new)
    plan.cells += [(r, "stage", new) for r in catalog.readings.get(mid, ()) if r.stage is not None and r.stage.strip() == old.strip()]
    return plan


def step(catalog: Catalog, mid: str, label: str, new: str) -> Plan:
    m = _map(catalog, mid)
    at = find_step(step_index(m), label)
    if at is None:
        raise RenameError(f"map '{mid}' has no step '{label}': write it as 'Stage / Step'")
    i, j = at
    stage_ = m.stages[i]
    old = stage_.steps[j].name
    if not new.strip() or new.strip() in (s.name.strip() for s in stage_.steps if s.name != old):
        raise RenameError(f"stage '{stage_.name}' has a step '{new}' already" if new.strip() else "the new name is empty")
    plan, path = Plan(), catalog.maps[mid].path
    plan.set(path, ("stages", i, "steps", j, "name"), new)
    whole = normal_label(f"{stage_.name}/{old}")
    for where, target in _targets(m):
        if normal_label(target) == whole:
            plan.set(path, where, f"{stage_.name} / {new}")
    plan.cells += [(r, "step", new) for r in catalog.readings.get(mid, ())
                   if r.stage is not None and r.step is not None and normal_label(f"{r.stage}/{r.step}") == whole]
    return plan


def team(catalog: Catalog, old: str, new: str) -> Plan:
    def places(m: Map) -> list[Path]:
        found: list[Path] = [("owner",)] if m.owner == old else []
        found += [("contributors", i) for i, t in enumerate(m.contributors) if t == old]
        for i, s in enumerate(m.stages):
            found += [("stages", i, "owner")] if s.owner == old else []
            found += [("stages", i, "steps", j, "owner") for j, x in enumerate(s.steps) if x.owner == old]
        return found + [("actions", i, "owner") for i, a in enumerate(m.actions) if a.owner == old]

    plan = _id_rename(catalog, catalog.teams, "team", old, new, places)
    for registry in (catalog.touchpoints, catalog.systems, catalog.metrics):
        for rid, item in registry.items():
            if item.data is not None and getattr(item.data, "owner", None) == old:
                plan.set(item.path, (rid, "owner"), new)
    return plan


def persona(catalog: Catalog, old: str, new: str) -> Plan:
    def places(m: Map) -> list[Path]:
        found: list[Path] = [("persona",)] if m.persona == old else []
        found += [("actors", i) for i, a in enumerate(m.actors) if a == old]
        return found + [("stages", i, "steps", j, "emotion", old, KEY) for i, s in enumerate(m.stages)
                        for j, x in enumerate(s.steps) if isinstance(x.emotion, dict) and old in x.emotion]

    return _id_rename(catalog, catalog.personas, "persona", old, new, places)


def _id_rename(catalog: Catalog, entries: Mapping[str, Entry[Any]], kind: str, old: str, new: str,
               places: Callable[[Map], list[Path]]) -> Plan:
    """Rename the id of a team or persona: every place each map names it,
    and its file."""
    if old not in entries:
        raise RenameError(f"no {kind} '{old}' ({kind}s/{old}.md)")
    _new_id(new, entries, kind)
    plan = Plan()
    for entry in catalog.maps.values():
        for at in places(entry.data) if entry.data is not None else ():
            plan.set(entry.path, at, new)
    plan.move = (entries[old].path, FilePath(entries[old].path).with_name(f"{new}.md").as_posix())
    return plan


def _new_id(new: str, existing: Iterable[str], kind: str) -> None:
    if not _SLUG.fullmatch(new) or new == "index":
        raise RenameError(f"'{new}' is not a valid id: use lower-case letters, digits and hyphens")
    if new in existing:
        raise RenameError(f"there is a {kind} '{new}' already")


def apply(root: FilePath, plan: Plan) -> list[str]:
    """Make the plan's edits in the content folder `root`; the files changed."""
    texts = {rel: (root / rel).read_bytes().decode("utf-8-sig") for rel in plan.files}
    for rel, changes in plan.values.items():
        texts[rel] = _edit_yaml(texts[rel], changes, markdown=rel.endswith(".md"))
    for rel in {r.path for r, _, _ in plan.cells}:
        texts[rel] = _edit_cells(texts[rel], [(r, column, value) for r, column, value in plan.cells if r.path == rel])
    for rel, text in texts.items():
        (root / rel).write_bytes(text.encode("utf-8"))
    changed = list(texts)
    if plan.move is not None:
        source, target = root / plan.move[0], root / plan.move[1]
        if target.exists():
            raise RenameError(f"{plan.move[1]} exists already")
        source.rename(target)
        changed.append(plan.move[1])
    return sorted(changed)


_FRONT = re.compile(r"\A(---[ \t]*\r?\n)(.*?)(^(?:---|\.\.\.)[ \t]*\r?$)", re.S | re.M)


def _edit_yaml(text: str, changes: list[tuple[Path, str]], markdown: bool) -> str:
    offset, yaml_text = 0, text
    if markdown:
        front = _FRONT.match(text)
        if front is None:
            raise RenameError("the file has no front matter")
        offset, yaml_text = front.start(2), front.group(2)
    spans = _spans(yaml.compose(yaml_text, Loader=yaml.SafeLoader))
    edits = []
    for at, value in changes:
        start, end, style, flow = spans[at]
        edits.append((offset + start, offset + end, _scalar(value, style, flow)))
    for start, end, value in sorted(edits, reverse=True):
        text = text[:start] + value + text[end:]
    return text


def _spans(node: yaml.Node | None, at: Path = (), flow: bool = False) -> dict[Path, tuple[int, int, str | None, bool]]:
    """The span, quoting style and flow context of every scalar, by path
    (and of every mapping key, at its path with `KEY` added)."""
    found: dict[Path, tuple[int, int, str | None, bool]] = {}
    if isinstance(node, yaml.ScalarNode):
        found[at] = (node.start_mark.index, node.end_mark.index, node.style, flow)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found.update(_spans(item, (*at, i), bool(node.flow_style)))
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                found[(*at, key.value, KEY)] = (key.start_mark.index, key.end_mark.index, key.style, bool(node.flow_style))
                found.update(_spans(value, (*at, key.value), bool(node.flow_style)))
    return found


def _scalar(value: str, style: str | None, flow: bool) -> str:
    """`value` written as YAML reads it back: plain where that is safe, else
    in the quotes the old value had (double when it had none)."""
    if style is None and not flow and _plain_safe(value):
        return value
    if style is None and flow and _plain_safe(value) and "," not in value and not any(c in value for c in "[]{}"):
        return value
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


def _plain_safe(value: str) -> bool:
    try:
        return yaml.safe_load(f"k: {value}\n") == {"k": value} and "\n" not in value and " #" not in value
    except yaml.YAMLError:
        return False


def _edit_cells(text: str, edits: list[tuple[Reading, str, str]]) -> str:
    """Rewrite cells of a measurement file, found as its reader finds them
    (a line's end, `\r` included, is kept)."""
    lines = text.split("\n")
    separator = delimiter(next((line for line in lines if line.strip()), ""))
    for reading, column, value in sorted(edits, key=lambda e: (e[0].line, -e[0].col(e[1]))):
        if column not in PLACES:
            continue
        line = lines[reading.line - 1]
        body = line.rstrip("\r")
        row, _ = cells(body, separator)
        starts = [at for at, _ in row]
        k = starts.index(reading.col(column))
        start, end = starts[k] - 1, starts[k + 1] - 2 if k + 1 < len(starts) else len(body)
        cell = '"' + value.replace('"', '""') + '"' if any(c in value for c in (separator, '"', "\r")) else value
        lines[reading.line - 1] = body[:start] + cell + body[end:] + line[len(body):]
    return "\n".join(lines)
