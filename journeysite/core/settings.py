"""The one definition of journeysite's options, for the plugin and the CLI alike.

Written in `mkdocs.yml` under `plugins: - journeysite:`; the MkDocs plugin
only collects them and the CLI reads them from the same file, so both
validate here and report a mistake with the same message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from journeysite.core.diagnostics import did_you_mean


class SettingsError(Exception):
    """An option in the configuration is wrong: a message for people, no traceback."""


class Settings(BaseModel):
    """journeysite's options (see the README for examples)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    review_every: int = Field(90, ge=1, le=3650)
    """Days between validations for maps that set no `review_every` of their own."""

    due_window: int = Field(14, ge=0, le=3650)
    """A map is "due" this many days before its review date."""

    today: dt.date | None = None
    """A fixed build date for reproducible builds; else SOURCE_DATE_EPOCH, else today."""

    nav_entries: bool | Literal["auto"] = "auto"
    """List every map, persona, team and touchpoint page in the navigation:
    `true`, `false`, or `auto` (listed while the knowledge base has at most
    `NAV_ENTRIES_LIMIT` maps). Material renders the whole navigation into
    every page, so listing hundreds of entries makes a build quadratic."""

    raw_html: bool = False
    """Render raw HTML in the Markdown bodies of maps, personas and teams
    (true), or show it as text (false): a pull request's `<script>` must
    not run in every reader's browser. Plain pages are MkDocs' own."""

    maps_dir: str = "maps"
    """Folder of the journey maps, inside the content folder."""

    personas_dir: str = "personas"
    """Folder of the personas, inside the content folder."""

    teams_dir: str = "teams"
    """Folder of the teams, inside the content folder."""

    touchpoints_file: str = "touchpoints.yml"
    """The touchpoint registry, inside the content folder."""

    systems_file: str = "systems.yml"
    """The registry of systems that support steps (optional), inside the content folder."""

    sources_file: str = "sources.yml"
    """The registry of sources that maps share (optional), inside the content folder."""

    metrics_file: str = "metrics.yml"
    """The registry of metrics (KPIs) that maps measure (optional), inside the content folder."""

    metrics_dir: str = "metrics"
    """Folder of CSV files of measurements (optional), inside the content folder."""

    @field_validator("maps_dir", "personas_dir", "teams_dir", "touchpoints_file", "systems_file", "sources_file", "metrics_file", "metrics_dir")
    @classmethod
    def _inside(cls, value: str) -> str:
        """Layout paths name places inside the content folder: a pull request
        must not point them at the rest of the machine."""
        path = PurePosixPath(value.replace("\\", "/"))
        if not value.strip() or path.is_absolute() or ".." in path.parts or ":" in value or path.as_posix() == ".":
            raise ValueError("must be a relative path inside the content folder, without '..'")
        return path.as_posix()

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | None, source: str = "mkdocs.yml") -> Settings:
        """Settings from the plugin's options as written, or a `SettingsError`
        naming the option, what is wrong and what was written."""
        given = {key: value for key, value in (options or {}).items() if value is not None}
        try:
            return cls.model_validate(given)
        except ValidationError as exc:
            raise SettingsError("\n".join(_message(error, source) for error in exc.errors())) from None


#: With `nav_entries: auto`, entries are listed up to this many maps.
NAV_ENTRIES_LIMIT = 150

_KNOWN = tuple(Settings.model_fields)


def _message(error: Any, source: str) -> str:
    where = ".".join(str(part) for part in error["loc"][:1]) or "options"
    if error["type"] == "extra_forbidden":
        return f"{source}: unknown journeysite option '{where}'{did_you_mean(where, _KNOWN)}; known: {', '.join(_KNOWN)}"
    text = str(error["msg"])
    text = text[:1].lower() + text[1:]
    return f"{source}: journeysite option '{where}': {text}, got {error['input']!r}"
