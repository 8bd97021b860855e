"""The generator: a knowledge base and a date in, every page and asset of the
site out, as Markdown any MkDocs-like engine can build."""
