"""Split a file into YAML front matter and body, and parse YAML with positions.

PyYAML's constructed data forgets where each value came from and silently keeps
the last of two equal keys, so we compose nodes (with libyaml when present) and
build plain Python data ourselves, recording the line and column of every key
and value. That walk is also where alias bombs and runaway nesting are stopped.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, cast

import yaml

from journeysite.core.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:  # libyaml's C composer when PyYAML was built with it: ten times faster
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Aliases may re-use at most this many nodes, and this many characters of
#: text, before the file counts as a bomb: a small file must not become a
#: large site and search index.
MAX_ALIAS_NODES = 10_000
MAX_ALIAS_CHARS = 100_000
#: Front matter nested deeper than this is rejected (the schema needs 5 levels).
MAX_DEPTH = 40
#: One message for nesting refused by us, by libyaml or by Python's stack.
TOO_DEEP = f"YAML nested more than {MAX_DEPTH} levels deep"

Path = tuple[str | int, ...]
Position = tuple[int, int]
#: A position as one integer, `line << COLUMN_BITS | column`: a tuple for every
#: key and value was the biggest part of a large build's memory.
Packed = int
COLUMN_BITS = 24  # columns up to 16 Mi; a file has at most 8 MiB


def _unpack(packed: Packed) -> Position:
    return packed >> COLUMN_BITS, packed & ((1 << COLUMN_BITS) - 1)


@dataclass
class Marks:
    """1-based (line, column) of every key and value, found by path.

    Positions are kept flat, in the order the YAML loader builds the data:
    for each item of a mapping or list, three numbers (its key's position,
    or 0 in a list; its value's; how many numbers its own items take, to
    skip them), then its items'; and each item's key (None in a list), in
    the same order. A table per container, keyed by identity, cost more to
    build and keep than the data itself, and so would keeping the data
    (`mkdocs serve` keeps the marks of every file): positions are looked up
    only to report a problem.
    """

    names: tuple[str | None, ...] = ()
    table: array[int] = field(default_factory=lambda: array("q"))
    root: Packed = 1 << COLUMN_BITS | 1

    def _walk(self, path: Path) -> tuple[Position, Position | None]:
        here, key, at, end = self.root, 0, 0, len(self.table)
        for part in path:
            found = self._find(part, at, end)
            if found < 0:
                break
            key, here = self.table[found], self.table[found + 1]
            at, end = found + 3, found + 3 + self.table[found + 2]
        else:
            return _unpack(here), _unpack(key) if key else None
        return _unpack(here), None

    def _find(self, part: str | int, at: int, end: int) -> int:
        """Where the item `part` starts among the items from `at` to `end`
        (a container's), or -1."""
        index = 0
        while at < end:
            name = self.names[at // 3]
            if (name == part) if isinstance(part, str) else (name is None and index == part):
                return at
            at += 3 + self.table[at + 2]  # skip the item, with its own items
            index += 1
        return -1

    def value(self, path: Path) -> Position:
        """Where the value at `path` is, or its nearest recorded ancestor."""
        return self._walk(path)[0]

    def key(self, path: Path) -> Position:
        value, key = self._walk(path)
        return key or value


class InvalidDate(str):
    """A value YAML reads as a date that does not exist (2026-02-30).

    Kept as its text, so that validation reports it at its field, with why.
    """

    reason: str


class _Problem(Exception):
    def __init__(self, node: yaml.Node, code: str, message: str) -> None:
        self.node, self.code, self.message = node, code, message


def _unsupported(node: yaml.Node) -> _Problem:
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    return _Problem(node, "JS104", f"YAML tag '{tag}' is not supported here: write plain text, lists and mappings")


#: What libyaml says when a line is indented wrongly, and what it means to an author.
INDENTATION = {
    "did not find expected '-' indicator":
        "this line is indented differently from the list around it: the items of a list start with '-' at the same "
        "column, and the keys of one item line up with its first key",
    "did not find expected key":
        "this line is indented differently from the keys above it: the keys of one mapping start at the same column",
    "mapping values are not allowed in this context":
        "a ':' where YAML expects no key: line this key up with the keys above it, or put text that holds ': ' in quotes",
}

_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"


class _Loader(_BaseLoader):
    """libyaml's composer, and a builder of our own on its nodes that records
    positions and refuses duplicate keys.

    PyYAML's builder handles recursive data with a generator per container
    and bookkeeping per value; ours refuses recursive aliases beforehand
    (see `_check_aliases`), so a plain recursive walk does the same job, in
    half the time of PyYAML's own (most of loading a large knowledge base).
    """

    def timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError as exc:
            invalid = InvalidDate(node.value)
            invalid.reason = str(exc)
            return invalid

    #: Scalars other than text: PyYAML's own constructors (a date that does
    #: not exist is kept as text, see `InvalidDate`).
    scalars: ClassVar[dict[str, Any]] = {
        **{tag: construct for tag, construct in _BaseLoader.yaml_constructors.items()
           if tag is not None and tag.rsplit(":", 1)[-1] in ("null", "bool", "int", "float", "binary")},
        "tag:yaml.org,2002:timestamp": timestamp,
    }

    def __init__(self, text: str, first_line: int) -> None:
        super().__init__(text)
        self.first_line = first_line
        self.marks: list[int] = []  # see `Marks`
        self.names: list[str | None] = []
        self.duplicates: list[tuple[Packed, str, Packed]] = []
        #: Items of `[a, b]` lists that look like the rest of a sentence the comma cut in two.
        self.split: list[tuple[Packed, str]] = []

    #: PyYAML's patterns for plain scalars, by first character.
    _patterns: ClassVar[dict[str, list[tuple[str, Any]]]] = {first: [*patterns, *_BaseLoader.yaml_implicit_resolvers.get(None, [])]
                 for first, patterns in _BaseLoader.yaml_implicit_resolvers.items() if first is not None}

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """The tag of a node written without one, as PyYAML's resolver finds
        it (we add no path resolvers), without its generic steps: libyaml
        asks for every node, keys included (a sixth of a parse)."""
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in self._patterns.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def at(self, node: yaml.Node) -> Packed:
        return (node.start_mark.line + self.first_line) << COLUMN_BITS | (node.start_mark.column + 1)

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        kind = type(node)
        if kind is yaml.ScalarNode:
            if node.tag == _STR:  # most values
                return node.value
            construct = self.scalars.get(node.tag)
            if construct is None:
                raise _unsupported(node)
            return construct(self, node)
        if depth > MAX_DEPTH:
            raise _Problem(node, "JS105", TOO_DEEP)
        if kind is yaml.SequenceNode and node.tag == _SEQ:
            if cast(yaml.SequenceNode, node).flow_style and len(node.value) > 1:
                self._find_split(cast(yaml.SequenceNode, node))
            return [self._item(0, item, depth) for item in node.value]
        if kind is yaml.MappingNode and node.tag == _MAP:
            return self._mapping(cast(yaml.MappingNode, node), depth)
        raise _unsupported(node)

    def _find_split(self, node: yaml.SequenceNode) -> None:
        """In `[Start on its own date, then align]` the comma ends the first
        item: an unquoted item after it that starts in lower case and has
        words (no id has a space) is most likely the rest of a sentence."""
        for item in node.value[1:]:
            if type(item) is yaml.ScalarNode and not item.style and item.value[:1].islower() and " " in item.value:
                self.split.append((self.at(item), item.value))

    def _item(self, key: Packed, node: yaml.Node, depth: int, name: str | None = None) -> Any:
        """The value of an item of a list (`key` 0, no `name`) or mapping,
        its positions recorded (see `Marks`)."""
        marks = self.marks
        self.names.append(name)
        if type(node) is yaml.ScalarNode:
            marks += (key, self.at(node), 0)
            return node.value if node.tag == _STR else self.build(node)
        at = len(marks)
        marks += (key, self.at(node), 0)
        value = self.build(node, depth + 1)
        marks[at + 2] = len(marks) - at - 3
        return value

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                raise _Problem(key_node, "JS104", "YAML merge keys ('<<') are not supported; write the keys out")
            if type(key_node) is not yaml.ScalarNode:
                raise _Problem(key_node, "JS104", "a key must be plain text, not a list or mapping")
            name = key_node.value
            if name in data:
                first = next(k for k, _ in node.value if k.value == name)
                self.duplicates.append((self.at(key_node), name, self.at(first)))
                continue
            data[name] = self._item(self.at(key_node), value_node, depth, name)
        return data


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
    loader = None
    try:
        loader = _Loader(text, first_line)
        node = loader.get_single_node()
        if node is None:
            return Document({}, Marks())
        if "*" in text:  # aliases are possible only then
            _check_aliases(node)
        data = loader.build(node)
    except yaml.reader.ReaderError as exc:  # a character YAML does not accept
        line = text.count("\n", 0, exc.position) + first_line
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return _failed(path, line, col, "JS104", f"YAML cannot contain the character {char!r} (U+{ord(char):04X})")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:  # libyaml's own limit (PyYAML >= 6.0.4) reached before ours
            return _failed(path, line, col, "JS105", TOO_DEEP)
        if mark and text[mark.index : mark.index + 1] == "\t":
            problem = "a tab cannot indent YAML; use spaces"
        elif problem in INDENTATION:
            return _failed(path, line, col, "JS104", f"{INDENTATION[problem]} (YAML: {problem})")
        return _failed(path, line, col, "JS104", f"YAML syntax error: {problem}")
    except _Problem as problem:
        return _failed(path, *_unpack(loader.at(problem.node)), problem.code, problem.message)  # type: ignore[union-attr]
    except RecursionError:
        return _failed(path, first_line, 1, "JS105", TOO_DEEP)
    finally:
        if loader is not None:
            loader.dispose()
    marks = Marks(tuple(loader.names), array("q", loader.marks), loader.at(node))
    duplicates = [
        Diagnostic(path, *_unpack(at), "JS106", name, f"duplicate key '{name}' (first at line {_unpack(first)[0]}); YAML would silently keep only the last")
        for at, name, first in loader.duplicates
    ]
    split = [
        Diagnostic(path, *_unpack(at), "JS124", "", f"'{value}' became an item of its own: a comma ends an item of [a, b]; "
                   "put the item in quotes (\"a, b\") or write the list one '- item' a line", Severity.WARNING)
        for at, value in loader.split
    ]
    return Document(data, marks, diagnostics=duplicates + split)


def _failed(path: str, line: int, col: int, code: str, message: str) -> Document:
    return Document(None, Marks(), diagnostics=[Diagnostic(path, line, col, code, "", message)])


def _check_aliases(root: yaml.Node) -> None:
    """Refuse alias bombs and recursive aliases before building.

    Counts the values and the characters of text the document would expand
    to without expanding it: each node's size is computed once, however
    often aliases reuse it.
    """
    sizes: dict[int, tuple[int, int]] = {}
    unique = [0, 0]  # values and characters written once

    def size(node: yaml.Node, depth: int, active: set[int]) -> tuple[int, int]:
        key = id(node)
        if key in active:
            raise _Problem(node, "JS105", "recursive YAML alias")
        if depth > MAX_DEPTH:
            raise _Problem(node, "JS105", TOO_DEEP)
        if key in sizes:
            return sizes[key]
        values, chars = 1, 0
        if isinstance(node, yaml.ScalarNode):
            chars = len(node.value)
        else:
            active.add(key)
            children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
            for child in children:
                more, text = size(child, depth + 1, active)
                values, chars = values + more, chars + text
            active.discard(key)
        unique[0] += 1
        unique[1] += len(node.value) if isinstance(node, yaml.ScalarNode) else 0
        sizes[key] = values, chars
        if values - unique[0] > MAX_ALIAS_NODES:
            raise _Problem(node, "JS105", f"YAML aliases expand to more than {MAX_ALIAS_NODES} extra values; refusing to expand them")
        if chars - unique[1] > MAX_ALIAS_CHARS:
            raise _Problem(node, "JS105", f"YAML aliases expand to more than {MAX_ALIAS_CHARS:,} extra characters of text; refusing to expand them")
        return values, chars

    size(root, 0, set())


def dotted(path: Path) -> str:
    """('stages', 0, 'steps', 2, 'name') -> 'stages[0].steps[2].name'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
