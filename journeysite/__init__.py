"""journeysite: customer journey maps as docs-as-code.

`core` reads and checks a knowledge base, `pages` generates its site, and
`mkdocs` (the only part that imports MkDocs) feeds those pages to MkDocs;
`journeysite generate` writes them for Zensical or any other engine.
"""

from importlib.metadata import version

__version__ = version("journeysite")
