"""Shared fixtures: a writable copy of the example knowledge base."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from journeysite.catalog import Catalog, build
from journeysite.diagnostics import Severity

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
TODAY = dt.date(2026, 11, 23)


@dataclass
class KnowledgeBase:
    """A copy of `content/` that a test may break, and ways to check it."""

    root: Path

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")

    def catalog(self, today: dt.date = TODAY) -> Catalog:
        return build(self.root, today)

    def errors(self, today: dt.date = TODAY) -> list[str]:
        """Formatted errors and warnings, as `journeysite check` prints them."""
        return [d.format() for d in self.catalog(today).diagnostics if d.severity is not Severity.INFO]


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    shutil.copytree(CONTENT, tmp_path / "content")
    return KnowledgeBase(tmp_path / "content")
