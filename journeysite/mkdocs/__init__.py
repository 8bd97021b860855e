"""The MkDocs plugin: thin glue feeding the generator's pages to MkDocs (the
only code that imports MkDocs)."""
