"""Measurements from CSV files in `metrics/`, as survey and analytics tools export them.

Columns `metric,date,value`, and optionally `map,stage,step` for where a
measurement belongs; other columns are left alone (exports carry more). A
row that cannot be read is reported at its line and column, and the other
rows still count.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from journeysite.core.diagnostics import Diagnostic, did_you_mean
from journeysite.core.frontmatter import decode
from journeysite.core.model import SLUG_PATTERN

REQUIRED = ("metric", "date", "value")
PLACES = ("map", "stage", "step")
_SLUG = re.compile(SLUG_PATTERN)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


@dataclass(frozen=True)
class Reading:
    """One row of a measurement file."""

    metric: str
    date: dt.date
    value: int | float
    map: str | None
    stage: str | None
    step: str | None
    path: str
    line: int
    #: The column (1-based) of each cell by its column's name, to report a problem at.
    cols: tuple[tuple[str, int], ...] = ()

    def col(self, name: str) -> int:
        return dict(self.cols).get(name, 1)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def parse_csv(raw: bytes, path: str) -> tuple[list[Reading], list[Diagnostic]]:
    """The readings of a CSV file, and a diagnostic for each row (or a
    header) that cannot be read."""
    text, problems = decode(raw, path)
    if text is None:
        return [], problems
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return [], [Diagnostic(path, 1, 1, "JS125", "", f"empty measurement file: write a header line {','.join(REQUIRED)}, then a row per measurement")]
    header = lines[first]
    separator = delimiter(header)
    found, problem = cells(header, separator)
    names = [name.strip().lower() for _, name in found]
    missing = [c for c in REQUIRED if c not in names]
    if problem or missing:
        unknown = [n for n in names if n not in (*REQUIRED, *PLACES)]
        hint = did_you_mean(missing[0], unknown) if missing and unknown else ""
        what = problem or f"no column '{missing[0]}'{hint}"
        return [], [Diagnostic(path, first + 1, 1, "JS125", "", f"{what}: the first line names the columns, {', '.join(REQUIRED)} and, "
                                                             f"to say where a value belongs, {', '.join(PLACES)}")]
    column = {name: i for i, name in reversed(list(enumerate(names)))}  # the first of two equal names
    readings: list[Reading] = []
    for number, line in enumerate(lines[first + 1:], start=first + 2):
        if not line.strip():
            continue
        row, problem = cells(line, separator)
        if problem:
            problems.append(Diagnostic(path, number, 1, "JS125", "", problem))
            continue
        reading, found_problems = _reading(row, column, path, number, separator)
        problems += found_problems
        if reading is not None:
            readings.append(reading)
    return readings, problems


def _reading(row: list[tuple[int, str]], column: dict[str, int], path: str, line: int, separator: str) -> tuple[Reading | None, list[Diagnostic]]:
    def cell(name: str) -> tuple[int, str]:
        at = column.get(name)
        return row[at] if at is not None and at < len(row) else (row[-1][0] + len(row[-1][1]) + 1 if row else 1, "")

    problems: list[Diagnostic] = []

    def report(name: str, code: str, message: str) -> None:
        problems.append(Diagnostic(path, line, cell(name)[0], code, name, message))

    metric = cell("metric")[1].strip()
    if not _SLUG.fullmatch(metric):
        report("metric", "JS113", f"'{metric}' is not a metric id: use the id from metrics.yml" if metric else "no metric: write its id from metrics.yml")
    written = cell("date")[1].strip()
    try:
        day = dt.date.fromisoformat(written) if _DAY.fullmatch(written) else None
    except ValueError:
        day = None
    if day is None:
        report("date", "JS114", f"expected a date like 2026-09-14, got '{written}'")
    raw_value = cell("value")[1].strip()
    value = _number(raw_value, decimal_comma=separator != ",")
    if value is None:
        report("value", "JS112", f"expected a number like 85 or 71.5, without its unit; got '{raw_value}'")
    where = [cell(name)[1].strip() or None for name in PLACES]
    for name, inner, outer in (("stage", where[1], where[0]), ("step", where[2], where[1])):
        if inner is not None and outer is None:
            report(name, "JS119", f"a {name} needs its {'map' if name == 'stage' else 'stage'} in the same row")
    if problems or day is None or value is None:
        return None, problems
    cols = tuple((name, cell(name)[0]) for name in (*REQUIRED, *PLACES))
    return Reading(metric, day, value, where[0], where[1], where[2], path, line, cols), problems


def _number(text: str, decimal_comma: bool) -> int | float | None:
    """A number as a spreadsheet writes it: `85`, `71.5`, or `71,5` in a
    file whose cells are not separated by commas."""
    if not _NUMBER.fullmatch(text) or ("," in text and not decimal_comma):
        return None
    text = text.replace(",", ".")
    return float(text) if "." in text else int(text)


def delimiter(header: str) -> str:
    """The separator of a file's cells: the comma, semicolon or tab its header line has most of."""
    return max((",", ";", "\t"), key=header.count)


def cells(line: str, separator: str) -> tuple[list[tuple[int, str]], str]:
    """The cells of one line with the column each starts at, and a problem
    (a quoted cell that does not end on its line)."""
    found: list[tuple[int, str]] = []
    i, n = 0, len(line)
    while True:
        start = i
        if i < n and line[i] == '"':
            value, i = [], i + 1
            while True:
                if i >= n:
                    return found, f"a quoted cell that starts at column {start + 1} does not end on its line"
                if line[i] == '"' and line[i + 1:i + 2] == '"':
                    value.append('"')
                    i += 2
                elif line[i] == '"':
                    i += 1
                    break
                else:
                    value.append(line[i])
                    i += 1
            end = line.find(separator, i)
            end = n if end < 0 else end
            found.append((start + 1, "".join(value) + line[i:end]))
        else:
            end = line.find(separator, i)
            end = n if end < 0 else end
            found.append((start + 1, line[i:end]))
        if end >= n:
            return found, ""
        i = end + 1
