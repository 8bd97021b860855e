"""Render pages in a second process while the site engine converts the ones
it already has.

MkDocs converts Markdown on one core, and most of our own time in a large
one-off build is rendering pages. Where a second core is free, a child
forked after loading renders every page in the order the engine will ask
for them and sends each back as it is done: forking shares the loaded
catalog without copying it, and the engine waits only when it overtakes
the child. The child keeps no state of ours: the rendered pages come back
to this process, as in a serial build.

When the engine waits for a page longer than the child should take, this
process does not idle: it takes pages from the end of the child's list
(the last pages the engine reads, often the slowest to render), and a
shared flag per page tells the child to skip them. If the child fails or
stalls, the pages it did not send are rendered here, so an error in a
template surfaces exactly as in a serial build. Only for one-off builds:
`mkdocs serve` rebuilds while other threads run, which fork does not mix
with, and keeps its own memo.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from multiprocessing.connection import Connection
from typing import Any, Callable, Iterable, Iterator, Mapping, TypeVar

V = TypeVar("V")

#: Seconds without a page from the child before it counts as stuck.
STALL = 60.0
#: Seconds to wait for a page before rendering another one meanwhile: a
#: child on time sends a page in a few milliseconds.
GRACE = 0.05


class Background(Mapping[str, V]):
    """Each job's result by key, rendered by a forked child; reading one
    waits until the child has sent it."""

    def __init__(self, jobs: Mapping[str, Callable[[], V]], order: Iterable[str] = ()) -> None:
        self._jobs = dict(jobs)
        order = self._order = list(dict.fromkeys([*(key for key in order if key in self._jobs), *self._jobs]))
        #: Set by whichever process takes a job first (in memory both share).
        self._taken = multiprocessing.RawArray("b", len(order))
        self._last = len(order) - 1
        self._done: dict[str, V] = {}
        self._ready = threading.Condition()
        self._finished = False
        #: Whether the child has sent a page yet.
        self._started = False
        #: Pages rendered here (taken from the end, or not sent by the child).
        self.rendered_here = 0
        context = multiprocessing.get_context("fork")
        receiving, sending = context.Pipe(duplex=False)
        self._child = context.Process(target=_render, args=(self._jobs, order, self._taken, sending), daemon=True)
        self._child.start()
        sending.close()
        threading.Thread(target=self._receive, args=(receiving,), daemon=True).start()

    def _receive(self, connection: Connection) -> None:
        """Store what the child sends until it closes the pipe (done, failed
        or killed); a thread, so the child never waits for the engine."""
        try:
            while True:
                key, result = connection.recv()
                with self._ready:
                    self._done[key] = result
                    self._started = True
                    self._ready.notify_all()
        except (EOFError, OSError):
            pass
        finally:
            connection.close()
            with self._ready:
                self._finished = True
                self._ready.notify_all()

    def __getitem__(self, key: str) -> V:
        while True:
            with self._ready:
                if self._ready.wait_for(lambda: key in self._done or self._finished, GRACE):
                    break
                # The child is late: take a page from the end, but not while the
                # child starts (its first page comes soon, and a long page from
                # the end, such as `maps.json`, would delay it).
                spare = self._take_last() if self._started else None
                if spare is None and not self._ready.wait(STALL):
                    self.close()  # stuck: what it has not sent is rendered here
            if spare is not None:  # render it while the child renders the page we wait for
                try:
                    result = self._jobs[spare]()
                except Exception:
                    continue  # raised again where the engine reads that page, as in a serial build
                with self._ready:
                    self._done[spare] = result
                    self.rendered_here += 1
        if key in self._done:
            return self._done[key]
        result = self._done[key] = self._jobs[key]()
        self.rendered_here += 1
        return result

    def _take_last(self) -> str | None:
        """The last job neither process has taken, now taken by this one."""
        while self._last >= 0 and self._taken[self._last]:
            self._last -= 1
        if self._last < 0:
            return None
        self._taken[self._last] = 1
        return self._order[self._last]

    def pop(self, key: str) -> V:
        """The result for `key`, forgotten here, as `dict.pop` would: for a
        caller that will not ask again (reading it again renders it again)."""
        result = self[key]
        with self._ready:
            del self._done[key]
        return result

    def __contains__(self, key: object) -> bool:
        return key in self._jobs

    def __iter__(self) -> Iterator[str]:
        return iter(self._jobs)

    def __len__(self) -> int:
        return len(self._jobs)

    def close(self) -> None:
        """Stop the child if it still runs, and reap it."""
        if self._child.is_alive():
            self._child.terminate()
        self._child.join()
        with self._ready:
            self._finished = True


def _render(jobs: Mapping[str, Callable[[], object]], order: list[str], taken: Any, connection: Connection) -> None:
    """The child: render and send each job in order that the parent has not
    taken. On any error it just stops; the parent renders the rest and
    meets the error itself."""
    gc.disable()  # it lives for one build; collecting would only rescan the catalog
    try:
        for i, key in enumerate(order):
            if taken[i]:
                continue
            taken[i] = 1  # two processes may take a job at once: both render it, to the same result
            connection.send((key, jobs[key]()))
    except Exception:
        pass
    finally:
        connection.close()
