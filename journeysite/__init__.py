"""journeysite: customer journey maps as docs-as-code.

The core (loading, validation, derived views, Mermaid) never imports MkDocs;
`journeysite.plugin` is the only module that does.
"""

__version__ = "0.1.0"
