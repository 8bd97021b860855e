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

    nav_entries = c.Type(bool, default=True)
    """List every map, persona, team and touchpoint page in the navigation.

    Material renders the whole navigation into every page, so a build grows
    with the square of the page count. With `false`, only index pages are in
    the navigation (entries are reached from their index tables) and the
    build stays linear: the setting for hundreds of maps."""

    render_in_background = c.Type(bool, default=True)
    """In a one-off `mkdocs build` on Linux with two or more cores, parse
    files in a second process from the start of the build, and render
    pages there while MkDocs converts the ones it has (about a third less
    build time at 1,000 maps). `false` does all of it in MkDocs' own process, as `mkdocs serve`
    always does."""

    maps_dir = c.Type(str, default="maps")
    """Folder of the journey maps, inside docs_dir."""

    personas_dir = c.Type(str, default="personas")
    """Folder of the personas, inside docs_dir."""

    teams_dir = c.Type(str, default="teams")
    """Folder of the teams, inside docs_dir."""

    touchpoints_file = c.Type(str, default="touchpoints.yml")
    """The touchpoint registry, inside docs_dir."""
