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
shared flag per page tells the child to skip them. The other way round,
a child far ahead of the engine renders pages from the end meanwhile: the
engine reads the last pages (ours, listings with their tables set aside)
faster than the child renders them. Jobs the engine does not read in
order (the rows of listing pages and `maps.json`, wanted once it builds
pages) come after, and are left to the child. If the child fails or
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
#: Pages the child must be ahead of the engine before it renders one from
#: the end: the engine reads a page in 5 to 20 ms, and the slowest page
#: from the end takes the child 0.4 s at 3,000 maps.
AHEAD = 50


class Background(Mapping[str, V]):
    """Each job's result by key, rendered by a forked child; reading one
    waits until the child has sent it. The child renders the keys of
    `order` (by default, every job) first, in that order, then the others."""

    def __init__(self, jobs: Mapping[str, Callable[[], V]], order: Iterable[str] | None = None) -> None:
        self._jobs = dict(jobs)
        read = list(dict.fromkeys(key for key in (self._jobs if order is None else order) if key in self._jobs))
        order = self._order = list(dict.fromkeys([*read, *self._jobs]))
        #: Set by whichever process takes a job first (in memory both share).
        self._taken = multiprocessing.RawArray("b", len(order))
        #: The last job this process may take while it waits: the last one read in order.
        self._last = len(read) - 1
        self._position = {key: i for i, key in enumerate(order)}
        #: The position of the page the engine asked for last (shared, for the child).
        self._reading = multiprocessing.RawValue("i", 0)
        self._done: dict[str, V] = {}
        self._ready = threading.Condition()
        self._finished = False
        #: Whether the child has sent a page yet.
        self._started = False
        #: Pages rendered here (taken from the end, or not sent by the child).
        self.rendered_here = 0
        context = multiprocessing.get_context("fork")
        receiving, sending = context.Pipe(duplex=False)
        self._child = context.Process(target=_render, args=(self._jobs, order, len(read), self._taken, self._reading, sending), daemon=True)
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
        self._reading.value = self._position.get(key, self._reading.value)
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


def _render(jobs: Mapping[str, Callable[[], object]], order: list[str], read: int, taken: Any, reading: Any, connection: Connection) -> None:
    """The child: render and send each job in order that the parent has not
    taken, but one of the first `read` from their end while it is `AHEAD`
    of the page the parent reads. On any error it just stops; the parent
    renders the rest and meets the error itself."""
    gc.disable()  # it lives for one build; collecting would only rescan the catalog
    front, back = 0, read - 1
    try:
        while front < len(order):
            if front - reading.value > AHEAD and front < back:
                i, back = back, back - 1
            else:
                i, front = front, front + 1
            if taken[i]:
                continue
            taken[i] = 1  # two processes may take a job at once: both render it, to the same result
            connection.send((order[i], jobs[order[i]]()))
    except Exception:
        pass
    finally:
        connection.close()
