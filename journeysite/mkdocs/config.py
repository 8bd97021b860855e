"""The plugin's options as MkDocs sees them: collected, not validated.

`Settings` (in `settings.py`) defines and validates every option, for the
plugin and the CLI alike; MkDocs only needs their names, so that it passes
them on without warning about any of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.config import base
from mkdocs.config import config_options as c

from journeysite.core.settings import Settings

if TYPE_CHECKING:
    class JourneysiteConfig(base.Config):  # type: ignore[no-untyped-call]  # MkDocs: untyped __init_subclass__
        """One optional, unchecked option per `Settings` field."""
else:  # made from the fields, so that no option is written twice
    JourneysiteConfig = type("JourneysiteConfig", (base.Config,), {name: c.Optional(c.Type(object)) for name in Settings.model_fields})
