"""The plugin's options in mkdocs.yml (`plugins: - journeysite: ...`)."""

from __future__ import annotations

import datetime as dt

from mkdocs.config import base
from mkdocs.config import config_options as c


class JourneysiteConfig(base.Config):
    review_every = c.Type(int, default=90)
    """Days between validations for maps that set no `review_every` of their own."""

    due_window = c.Type(int, default=14)
    """A map is "due" this many days before its review date."""

    today = c.Optional(c.Type(dt.date))
    """A fixed build date for reproducible builds; else SOURCE_DATE_EPOCH, else today."""

    maps_dir = c.Type(str, default="maps")
    """Folder of the journey maps, inside docs_dir."""

    personas_dir = c.Type(str, default="personas")
    """Folder of the personas, inside docs_dir."""

    teams_dir = c.Type(str, default="teams")
    """Folder of the teams, inside docs_dir."""

    touchpoints_file = c.Type(str, default="touchpoints.yml")
    """The touchpoint registry, inside docs_dir."""
