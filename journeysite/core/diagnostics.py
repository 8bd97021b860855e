"""Diagnostics: what the core reports instead of raising.

Every problem found in the content becomes a `Diagnostic` with a stable code,
so the CLI, the MkDocs plugin and CI annotations all say the same thing.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, located in a file relative to the content folder."""

    path: str
    line: int
    col: int
    code: str
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def format(self, root: str = "") -> str:
        """`root/path:line:col: CODE field: message`, the form editors jump
        to, on one line: values from content cannot start a line of their
        own (a CI runner reads `::error` lines as commands) or move a
        terminal's cursor."""
        where = f"{root.rstrip('/')}/{self.path}" if root else self.path
        field = f" {self.field}:" if self.field else ""
        level = "" if self.severity is Severity.ERROR else f" ({LEVEL_NAMES[self.severity]})"
        return one_line(f"{where}:{self.line}:{self.col}: {self.code}{level}{field} {self.message}")


#: Control characters and the line breaks Unicode adds to them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` with every control character written as an escape (`\\n`, `\\x1b`)."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


#: How a severity is named to people: the summary counts "notices", so a line says "(notice)".
LEVEL_NAMES = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def counted(n: int, noun: str) -> str:
    """`1 map`, `2 maps`: a count with its noun in the right number."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def did_you_mean(value: str, candidates: Iterable[str]) -> str:
    """A ' (did you mean ...?)' suffix naming the nearest candidates, or ''."""
    pool = sorted(set(candidates))
    scored = sorted(((difflib.SequenceMatcher(None, value, c).ratio(), c) for c in pool), key=lambda s: -s[0])
    best = scored[0][0] if scored else 0.0
    # Only the candidates nearly as close as the best one: a list of three
    # loosely similar ids hides the one the author meant.
    close = [c for ratio, c in scored[:3] if ratio >= 0.6 and ratio >= best - 0.1]
    if not close:
        lower = value.lower()
        close = [c for c in pool if c.lower() == lower][:1]
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"


def count(diagnostics: Iterable[Diagnostic], severity: Severity) -> int:
    return sum(1 for d in diagnostics if d.severity is severity)


def to_json(diagnostics: Iterable[Diagnostic], root: str = "") -> str:
    rows = []
    for d in diagnostics:
        row = asdict(d)
        row["severity"] = d.severity.value
        row["path"] = f"{root.rstrip('/')}/{d.path}" if root else d.path
        rows.append(row)
    return json.dumps(rows, indent=2, ensure_ascii=False)


def to_github(d: Diagnostic, root: str = "") -> str:
    """A GitHub Actions workflow command, shown as a pull-request annotation."""
    level = LEVEL_NAMES[d.severity]
    path = one_line(f"{root.rstrip('/')}/{d.path}" if root else d.path)
    text = one_line(f"{d.field}: {d.message}" if d.field else d.message)

    def esc(s: str, props: bool = False) -> str:
        s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return s.replace(":", "%3A").replace(",", "%2C") if props else s

    return (
        f"::{level} file={esc(path, True)},line={d.line},col={d.col},"
        f"title={esc(d.code, True)}::{esc(text)}"
    )
