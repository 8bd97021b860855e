"""Split a file into YAML front matter and body, and parse YAML with positions.

PyYAML's constructed data forgets where each value came from and silently keeps
the last of two equal keys, so we compose nodes (with libyaml when present) and
build plain Python data ourselves, recording the line and column of every key
and value. That walk is also where alias bombs and runaway nesting are stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostic

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALARS = yaml.constructor.SafeConstructor()

#: Aliases may re-use at most this many nodes before the file counts as a bomb.
MAX_ALIAS_NODES = 10_000
#: Front matter nested deeper than this is rejected (the schema needs 5 levels).
MAX_DEPTH = 40

Path = tuple[str | int, ...]


@dataclass
class Marks:
    """1-based (line, column) of every key and value, by path into the data."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def value(self, path: Path) -> tuple[int, int]:
        """Where the value at `path` is, or its nearest recorded ancestor."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))

    def key(self, path: Path) -> tuple[int, int]:
        return self.keys.get(path) or self.value(path)


@dataclass
class Document:
    """A parsed file: its data (None when unusable), marks, body and problems."""

    data: Any
    marks: Marks
    body: str = ""
    body_line: int = 1
    diagnostics: list[Diagnostic] = field(default_factory=list)


def decode(raw: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text (a BOM is dropped, CRLF becomes LF), or a JS101 diagnostic."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Diagnostic(path, line, col, "JS101", "", f"file is not valid UTF-8 ({exc.reason} at byte {exc.start})")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def parse_markdown(raw: bytes, path: str) -> Document:
    """A Markdown file whose front matter is required."""
    text, problems = decode(raw, path)
    if text is None:
        return Document(None, Marks(), diagnostics=problems)
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return Document(None, Marks(), body=text, diagnostics=[Diagnostic(
            path, 1, 1, "JS102", "", "missing front matter: the file must start with a line '---'")])
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        return Document(None, Marks(), body="", diagnostics=[Diagnostic(
            path, 1, 1, "JS103", "", "unterminated front matter: no closing '---' line")])
    doc = parse_yaml("\n".join(lines[1:end]), path, first_line=2)
    doc.body = "\n".join(lines[end + 1 :])
    doc.body_line = end + 2
    return doc


def parse_yaml_file(raw: bytes, path: str) -> Document:
    text, problems = decode(raw, path)
    if text is None:
        return Document(None, Marks(), diagnostics=problems)
    return parse_yaml(text, path, first_line=1)


def parse_yaml(text: str, path: str, first_line: int = 1) -> Document:
    marks = Marks()
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        return Document(None, marks, diagnostics=[Diagnostic(path, line, col, "JS104", "", f"YAML syntax error: {problem}")])
    except yaml.YAMLError as exc:
        return Document(None, marks, diagnostics=[Diagnostic(path, first_line, 1, "JS104", "", f"YAML syntax error: {exc}")])
    if node is None:
        return Document({}, marks)
    walker = _Walker(path, first_line, marks)
    try:
        data = walker.build(node, (), 0)
    except _Abort as abort:
        return Document(None, marks, diagnostics=walker.problems + [abort.diagnostic])
    return Document(data, marks, diagnostics=walker.problems)


class _Abort(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


class _Walker:
    """Turns composed nodes into dicts, lists and scalars, recording marks."""

    def __init__(self, path: str, first_line: int, marks: Marks) -> None:
        self.path = path
        self.first_line = first_line
        self.marks = marks
        self.seen: set[int] = set()
        self.reused = 0
        self.active: set[int] = set()
        self.problems: list[Diagnostic] = []

    def pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + self.first_line, node.start_mark.column + 1

    def fail(self, node: yaml.Node, code: str, fieldpath: Path, message: str) -> _Abort:
        line, col = self.pos(node)
        return _Abort(Diagnostic(self.path, line, col, code, dotted(fieldpath), message))

    def build(self, node: yaml.Node, at: Path, depth: int) -> Any:
        key = id(node)
        if key in self.active:
            raise self.fail(node, "JS105", at, "recursive YAML alias")
        if key in self.seen:
            self.reused += 1
            if self.reused > MAX_ALIAS_NODES:
                raise self.fail(node, "JS105", at, f"YAML aliases expand to more than {MAX_ALIAS_NODES} extra values; refusing to expand them")
        self.seen.add(key)
        if depth > MAX_DEPTH:
            raise self.fail(node, "JS105", at, f"YAML nested more than {MAX_DEPTH} levels deep")
        self.marks.values.setdefault(at, self.pos(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, at)
        self.active.add(key)
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, at + (i,), depth + 1) for i, item in enumerate(node.value)]
            return self.mapping(node, at, depth)
        finally:
            self.active.discard(key)

    def mapping(self, node: yaml.MappingNode, at: Path, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, "JS104", at, "YAML merge keys ('<<') are not supported; write the keys out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, "JS104", at, "a key must be plain text, not a list or mapping")
            name = key_node.value
            here = at + (name,)
            if name in out:
                first = self.marks.keys[here]
                line, col = self.pos(key_node)
                self.problems.append(Diagnostic(
                    self.path, line, col, "JS106", dotted(here),
                    f"duplicate key '{name}' (first at line {first[0]}); YAML would silently keep only the last"))
                continue
            self.marks.keys[here] = self.pos(key_node)
            out[name] = self.build(value_node, here, depth + 1)
        return out

    def scalar(self, node: yaml.ScalarNode, at: Path) -> Any:
        if node.tag not in _SCALARS.yaml_constructors or node.tag.endswith((":seq", ":map", ":omap", ":pairs", ":set")):
            raise self.fail(node, "JS104", at, f"unsupported YAML tag {node.tag}")
        try:
            return _SCALARS.construct_object(node)
        except (ValueError, yaml.YAMLError) as exc:
            if node.tag.endswith(":timestamp"):
                raise self.fail(node, "JS114", at, f"invalid date '{node.value}': {exc}")
            raise self.fail(node, "JS104", at, f"cannot read value '{node.value}': {exc}")


def dotted(path: Path) -> str:
    """('stages', 0, 'steps', 2, 'name') -> 'stages[0].steps[2].name'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
