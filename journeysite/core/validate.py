"""Turn front-matter data into model objects, or into precise diagnostics.

pydantic does the type checking; this module translates its errors into
messages for map authors (with the file position and "did you mean") and adds
the checks that need the whole file: unique names, dates, local references.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from journeysite.core.diagnostics import Diagnostic, did_you_mean
from journeysite.core.frontmatter import InvalidDate, Marks, Path, dotted
from journeysite.core.model import DURATION_PATTERN, EXIT, HANDLE_PATTERN, SLUG_PATTERN, Map, Period, Source, T

#: Problems reported one by one per entry; the rest are counted. Each is
#: located by a walk of the file, so a file of 64,000 unknown keys must not
#: cost 64,000 walks (or print 64,000 lines).
MAX_REPORTED = 50


def to_model(cls: type[T], data: Any, marks: Marks, path: str, at: Path = ()) -> tuple[T | None, list[Diagnostic]]:
    """Validate `data` (found at `at` in the file) as a `cls`."""
    if not isinstance(data, dict):
        line, col = marks.value(at)
        what = "an entry" if at else "front matter"
        return None, [Diagnostic(path, line, col, "JS107", dotted(at), f"{what} must be a mapping of keys, got {describe(data)}")]
    try:
        return cls.model_validate(data), []
    except ValidationError as exc:
        errors = _one_form(exc.errors(), data)
        # A list whose only items are invalid is also "too short": say only why the items are.
        holding = {tuple(e["loc"])[:i] for e in errors for i in range(len(e["loc"]))}
        errors = [e for e in errors if not (e["type"] == "too_short" and tuple(e["loc"]) in holding)]
        found = [_translate(cls, err, marks, path, at) for err in errors[:MAX_REPORTED]]
        if len(errors) > MAX_REPORTED:
            first = _translate(cls, errors[MAX_REPORTED], marks, path, at)
            found.append(Diagnostic(path, first.line, first.col, first.code, first.field,
                                    f"and {len(errors) - MAX_REPORTED} more problems in this entry: fix the ones above first"))
        return None, found


def _form(part: str | int) -> bool:
    """Whether a part of an error's location names one form of a field that
    takes several (`owner: claims` or `owner: {external: ...}`), not a key:
    keys are lower-case words without brackets."""
    return isinstance(part, str) and ("[" in part or part[:1].isupper() or part.startswith("constrained-") or part in ("str", "int", "bool"))


def _written_form(value: Any) -> str:
    return "tuple" if isinstance(value, list) else "model" if isinstance(value, dict) else "scalar"


def _form_kind(part: str) -> str:
    return "tuple" if part.startswith("tuple[") else "model" if part.startswith(("function-wrap[", "dict[")) or part[:1].isupper() else "scalar"


def _one_form(errors: list[Any], data: Any) -> list[Any]:
    """For a field that takes a value or a list (or a mapping), pydantic
    says why the value fits none of the forms; the author wrote one form, so
    keep that form's errors, at the field's own location."""
    kept: list[Any] = []
    for err in errors:
        written, clean, form = data, [], None
        for part in err["loc"]:
            if (form is None and isinstance(written, dict) and part in written) or (form is None and isinstance(written, list) and isinstance(part, int) and 0 <= part < len(written)):
                written = written[part]
            elif form is None and _form(part):
                form = str(part)
                continue
            clean.append(part)
        if form is None:
            kept.append(err)
        elif _form_kind(form) == _written_form(written):
            kept.append({**err, "loc": tuple(clean)})
    return kept or errors


def _translate(cls: type[BaseModel], err: Any, marks: Marks, path: str, at: Path) -> Diagnostic:
    inner: Path = tuple(err["loc"])
    loc: Path = at + inner
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    line, col = marks.value(loc)
    code, text = "JS113", err["msg"]
    if kind == "missing":
        code, text = "JS111", f"required field '{loc[-1]}' is missing"
        line, col = marks.value(loc[:-1])
    elif kind == "extra_forbidden":
        known = _fields_at(cls, inner[:-1])
        code, text = "JS110", f"unknown key '{loc[-1]}'{did_you_mean(str(loc[-1]), known)}"
        line, col = marks.key(loc)
    elif kind == "literal_error":
        options = [o.strip(" '") for o in ctx.get("expected", "").replace(" or ", ", ").split(",")]
        text = f"{describe(value)} is not one of: {', '.join(options)}{did_you_mean(str(value), options)}"
    elif kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        if pattern == HANDLE_PATTERN:
            text = f"'{value}' is not a code owner: write @user, @org/team or an e-mail address"
        elif pattern == DURATION_PATTERN:
            text = f"'{value}' is not a duration: write a number and a unit (minutes, hours, days, weeks or months), like '3 days'"
        elif pattern == SLUG_PATTERN:
            text = f"'{value}' is not a valid id: use lower-case letters, digits and hyphens"
        elif pattern == r"\S":
            text = "must not be empty"
        else:
            text = f"'{value}' is not a web address: it must start with http://, https:// or mailto:"
    elif kind == "number":
        code = "JS112"
    elif kind.startswith("int_"):
        code, text = "JS112", f"expected a whole number, got {describe(value)}"
    elif kind == "string_type":
        code, text = "JS112", f"expected text, got {describe(value)}"
    elif kind in ("tuple_type", "list_type"):
        code, text = "JS112", f"expected a list, got {describe(value)}"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        code, text = "JS112", f"expected a mapping of keys, got {describe(value)}"
    elif kind.startswith("date_") and isinstance(value, InvalidDate):
        code, text = "JS114", f"invalid date '{value}': {value.reason}"
    elif kind.startswith("date_"):
        code, text = "JS114", f"expected a date like 2026-09-14, got {describe(value)}"
    elif kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        text = f"must be {'at least' if kind == 'greater_than_equal' else 'at most'} {bound}, got {describe(value)}"
    elif kind == "too_short":
        text = "must have at least one item"
    elif kind == "too_long":
        text = f"has {ctx.get('actual_length')} items; at most {ctx.get('max_length')} are allowed (split the map into micro-journeys)"
    elif kind == "string_too_long":
        text = f"is longer than {ctx.get('max_length')} characters"
    return Diagnostic(path, line, col, code, dotted(loc), text)


def _fields_at(cls: type[BaseModel], loc: Path) -> list[str]:
    """The field names of the model found at `loc` below `cls`."""
    current: type[BaseModel] | None = cls
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part)
        current = _model_in(field.annotation) if field else None
    return list(current.model_fields) if current else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found:
            return found
    return None


def describe(value: Any) -> str:
    """How a YAML value looks to its author, for messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"'{shown}'"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _reporter(marks: Marks, path: str, out: list[Diagnostic]) -> Callable[[Path, str, str], None]:
    def report(loc: Path, code: str, message: str) -> None:
        line, col = marks.value(loc)
        out.append(Diagnostic(path, line, col, code, dotted(loc), message))

    return report


def future_dates(m: Map, marks: Marks, path: str, today: dt.date) -> list[Diagnostic]:
    """Dates of a map after `today`: the one check that depends on the day
    (the others are kept with the map's parse, see `check_map`)."""
    out: list[Diagnostic] = []
    report = _reporter(marks, path, out)
    dates: list[tuple[Path, dt.date | None]] = [(("validation", "last_validated"), m.validation.last_validated if m.validation else None)]
    dates += [(("sources", i, "date"), s.date) for i, s in enumerate(m.sources) if not isinstance(s, str)]
    dates += [(("wins", i, "date"), w.date) for i, w in enumerate(m.wins)]
    for at, _, _, kpis in m.kpi_places():
        for i, kpi in enumerate(kpis):
            dates += [((*at, i, "baseline", "date"), kpi.baseline.date if kpi.baseline else None)]
            dates += [((*at, i, "values", k, "date"), v.date) for k, v in enumerate(kpi.values)]
    for loc, day in dates:
        if day is None:
            continue
        begins = day.begins if isinstance(day, Period) else day  # a year or month that has begun is not in the future
        if begins > today:
            report(loc, "JS115", f"date {day.isoformat()} is in the future (today is {today.isoformat()})")
    return out


def check_map(m: Map, marks: Marks, path: str) -> list[Diagnostic]:
    """Checks within one map that the schema cannot express, but for dates
    in the future (`future_dates`)."""
    out: list[Diagnostic] = []
    report = _reporter(marks, path, out)
    for loc, name in _repeats((("stages", i, "name"), s.name) for i, s in enumerate(m.stages)):
        report(loc, "JS116", f"duplicate stage name '{name}'")
    for i, stage in enumerate(m.stages):
        steps = ((("stages", i, "steps", j, "name"), s.name) for j, s in enumerate(stage.steps))
        for loc, name in _repeats(steps):
            report(loc, "JS117", f"duplicate step name '{name}' in stage '{stage.name}'")
    ids = ((("sources", i) if isinstance(s, str) else ("sources", i, "id"), source_id(s)) for i, s in enumerate(m.sources))
    for loc, sid in _repeats(ids):
        report(loc, "JS118", f"duplicate source id '{sid}'")

    for at, _, _, kpis in m.kpi_places():
        for loc, metric in _repeats(((*at, i, "metric"), kpi.metric) for i, kpi in enumerate(kpis)):
            report(loc, "JS218", f"KPI '{metric}' is measured here twice: merge the two into one entry")
        for i, kpi in enumerate(kpis):
            days = (((*at, i, "values", k, "date"), v.date.isoformat()) for k, v in enumerate(kpi.values))
            for loc, day in _repeats(days):
                report(loc, "JS218", f"two values of KPI '{kpi.metric}' on {day}: keep one")

    if m.parent_stage is not None and m.parent is None:
        report(("parent_stage",), "JS119", "parent_stage needs a parent map")
    if m.redesigns is not None and m.state != "future":
        report(("redesigns",), "JS119", "redesigns needs state: future (a to-be design of the map it names)")

    labels = step_labels(m)
    index = step_index(m)
    for i, stage in enumerate(m.stages):
        for j, step in enumerate(stage.steps):
            for k, branch in enumerate(step.branches):
                if branch.to != EXIT and find_step(index, branch.to) is None:
                    report(("stages", i, "steps", j, "branches", k, "to"), "JS207",
                           f"no step '{branch.to}' in this map; write it as 'Stage / Step', or 'exit'{did_you_mean(branch.to, labels)}")
    for i, action in enumerate(m.actions):
        for k, target in enumerate(action.targets):
            if find_target(m, index, target) is not None:
                continue
            where: Path = ("actions", i, "step") if isinstance(action.step, str) else ("actions", i, "step", k)
            report(where, "JS207", f"no stage or step '{target}' in this map; write a stage's name, or 'Stage / Step'"
                                f"{did_you_mean(target, [*labels, *(s.name for s in m.stages)])}")
    return out


def source_id(source: Source | str) -> str:
    """The id of a map's own source, or of one it lists from `sources.yml`."""
    return source if isinstance(source, str) else source.id


def citations(m: Map) -> Iterable[tuple[Path, str]]:
    """Every source id a step cites (evidence and quotes), with its place."""
    for i, stage in enumerate(m.stages):
        for j, step in enumerate(stage.steps):
            for k, ref in enumerate(step.evidence):
                yield ("stages", i, "steps", j, "evidence", k), ref
            for k, quote in enumerate(step.quotes):
                if quote.source is not None:
                    yield ("stages", i, "steps", j, "quotes", k, "source"), quote.source


def step_labels(m: Map) -> list[str]:
    return [f"{stage.name} / {step.name}" for stage in m.stages for step in stage.steps]


def step_index(m: Map) -> dict[str, tuple[int, int]]:
    """(stage index, step index) by normalised "Stage / Step" label."""
    return {
        normal_label(f"{stage.name}/{step.name}"): (i, j)
        for i, stage in enumerate(m.stages)
        for j, step in enumerate(stage.steps)
    }


def find_target(m: Map, index: dict[str, tuple[int, int]], label: str) -> int | None:
    """The index of the stage an action's target is in: a stage's name, or
    "Stage / Step"."""
    for i, stage in enumerate(m.stages):
        if stage.name == label.strip():
            return i
    found = find_step(index, label)
    return found[0] if found else None


def find_step(index: dict[str, tuple[int, int]], label: str) -> tuple[int, int] | None:
    """Where an action's "Stage / Step" points, tolerant of spacing around '/'."""
    return index.get(normal_label(label))


def normal_label(label: str) -> str:
    """A "Stage / Step" label as compared: spacing around '/' does not count."""
    return " / ".join(part.strip() for part in label.split("/"))


def _repeats(items: Iterable[tuple[Path, str]]) -> Iterable[tuple[Path, str]]:
    seen: set[str] = set()
    for loc, value in items:
        if value in seen:
            yield loc, value
        seen.add(value)
