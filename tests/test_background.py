"""Pages rendered in a forked child: the same results, and nothing lost
when the child fails, raises or stalls."""

from __future__ import annotations

import os
import time

import pytest

from journeysite import background
from journeysite.background import Background

pytestmark = pytest.mark.skipif(not background.available(), reason="needs fork and a second core")

PARENT = os.getpid()


def in_child() -> bool:
    return os.getpid() != PARENT


def jobs(n: int = 50) -> dict[str, object]:
    return {f"page-{i}": (lambda i=i: f"<h1>{i}</h1>" * (i * 500)) for i in range(n)}


def test_the_child_renders_every_job_in_any_reading_order() -> None:
    work = jobs()
    pages = Background(work, order=["page-7", "page-3"])
    try:
        for key in reversed(list(work)):
            assert pages[key] == work[key]()
        assert set(pages) == set(work) and len(pages) == len(work) and "page-3" in pages and "nope" not in pages
        assert pages.rendered_here == 0
        assert pages.pop("page-3") == work["page-3"]()  # forgotten here
        assert pages["page-3"] == work["page-3"]() and pages.rendered_here == 1
    finally:
        pages.close()
    assert pages.child_seconds is not None and pages.child_seconds > 0


def test_pages_the_child_never_sent_are_rendered_here() -> None:
    work = jobs(10)
    work["page-5"] = lambda: os._exit(3) if in_child() else "rendered here"  # the child dies
    pages = Background(work)
    try:
        assert [pages[k] for k in work] == [*(work[k]() for k in list(work)[:5]), "rendered here",
                                            *(work[k]() for k in list(work)[6:])]
        assert pages.rendered_here == 5  # page-5 and every page after it
    finally:
        pages.close()


def test_an_error_in_a_job_is_raised_here_as_in_a_serial_build() -> None:
    def broken() -> str:
        raise ValueError("no such template")

    pages = Background({"ok": lambda: "fine", "broken": broken})
    try:
        assert pages["ok"] == "fine"
        with pytest.raises(ValueError, match="no such template"):
            pages["broken"]
    finally:
        pages.close()


def test_a_stalled_child_is_stopped_and_its_pages_rendered_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "STALL", 0.5)
    pages = Background({"stuck": lambda: time.sleep(3600) or "" if in_child() else "rendered here"})
    start = time.monotonic()
    assert pages["stuck"] == "rendered here"
    assert time.monotonic() - start < 30
    assert not pages._child.is_alive()
