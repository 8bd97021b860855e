"""Compiled Jinja templates kept in memory across `mkdocs serve` rebuilds.

MkDocs makes a new theme environment for every build, so Material's
templates were compiled again on every rebuild. Each template's code is
kept under its name and file, checked against the checksum of its source
when loaded, and separately for each set of compiler settings (an
environment with other delimiters or extensions compiles other code).
"""

from __future__ import annotations

from typing import Any

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket


class CompiledTemplates(BytecodeCache):
    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


class TemplateCaches:
    """One `CompiledTemplates` for each set of compiler settings."""

    def __init__(self) -> None:
        self.by_settings: dict[tuple[Any, ...], CompiledTemplates] = {}

    def attach(self, env: Environment) -> Environment:
        settings = (
            tuple(sorted(env.extensions)), env.autoescape, env.optimized, env.trim_blocks, env.lstrip_blocks,
            env.keep_trailing_newline, env.newline_sequence, env.block_start_string, env.block_end_string,
            env.variable_start_string, env.variable_end_string, env.comment_start_string, env.comment_end_string,
            env.line_statement_prefix, env.line_comment_prefix,
        )
        env.bytecode_cache = self.by_settings.setdefault(settings, CompiledTemplates())
        return env
