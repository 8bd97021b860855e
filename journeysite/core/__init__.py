"""The knowledge base itself: model, loading, validation, catalog and the views
derived from it. Pure Python: no MkDocs, no Jinja (tests/test_architecture.py)."""
