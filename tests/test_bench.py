"""The benchmark's synthetic knowledge base is valid, so its numbers mean something."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import REPO, TODAY

from journeysite.core.catalog import build
from journeysite.core.metrics import evidence_coverage

sys.path.insert(0, str(REPO / "bench"))
import synthetic


def test_synthetic_knowledge_base_is_valid_and_complete(tmp_path: Path) -> None:
    synthetic.write(tmp_path, 30)
    catalog = build(tmp_path, TODAY)
    assert catalog.errors == []
    assert (len(catalog.maps), len(catalog.personas), len(catalog.teams), len(catalog.touchpoints)) == (30, 12, 10, 60)
    m = catalog.maps["map-00007"].data
    assert m is not None and [len(s.steps) for s in m.stages] == [3] * 5
    assert evidence_coverage(m) == 1.0 and len(m.actions) == 3 and m.wins and m.gaps and m.validation
    synthetic.write(tmp_path / "again", 30)
    assert (tmp_path / "again/maps/map-00007.md").read_text() == (tmp_path / "maps/map-00007.md").read_text()
