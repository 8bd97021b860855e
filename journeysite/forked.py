"""Share CPU-bound work with a forked child when a second core is free.

Loading a large knowledge base is mostly parsing YAML, one file at a time on
one core, and a build cannot go on before it ends. A `Split` forks a child
that works through the list from its end while this process goes on with
its own business (MkDocs lists files and sets up its plugins meanwhile);
when the results are asked for, this process works from the start until it
meets the child. Neither knows beforehand how fast the other will be, and
need not: a shared flag per item says who took it. The child pickles each
result as it goes and sends them all at the end; if it fails, what it did
not send is computed here, so an error surfaces as in a serial run.

Forking copies nothing until written, but it does not mix with threads that
hold locks: callers use it only in a process that runs no other threads of
theirs (a one-off build, the CLI).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
from multiprocessing.connection import Connection
from typing import Any, Callable, Generic, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Fewer items than this are not worth a fork (about 20 ms for a large process).
MIN_ITEMS = 64


def available() -> bool:
    """Fork exists here and a second core can run the child."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return cores > 1 and "fork" in multiprocessing.get_all_start_methods()


class Split(Generic[T, R]):
    """`[fn(item) for item in items]`, shared with a child forked now where
    that is worthwhile and possible (see the module's docstring)."""

    def __init__(self, fn: Callable[[T], R], items: Sequence[T]) -> None:
        self._fn, self._items = fn, list(items)
        self._taken = multiprocessing.RawArray("b", len(self._items))
        self._child: Any = None
        if len(self._items) >= MIN_ITEMS and available():
            context = multiprocessing.get_context("fork")
            self._receiving, sending = context.Pipe(duplex=False)
            self._child = context.Process(target=_from_the_end, args=(fn, self._items, self._taken, sending), daemon=True)
            self._child.start()
            sending.close()

    def results(self) -> list[R]:
        """Every result, in order: computed here from the start until an
        item the child took, then the child's, then any it did not send."""
        missing = object()
        results: list[Any] = [missing] * len(self._items)
        for i, item in enumerate(self._items):
            if self._taken[i]:
                break
            self._taken[i] = 1  # both may take one item at once: both compute it, to equal results
            results[i] = self._fn(item)
        if self._child is not None:
            self._collect(results)
        return [self._fn(item) if result is missing else result for item, result in zip(self._items, results)]

    def _collect(self, results: list[Any]) -> None:
        try:
            while True:
                i, result = pickle.loads(self._receiving.recv_bytes())
                results[i] = result
        except (EOFError, OSError, pickle.UnpicklingError):  # done, or failed: the rest is computed here
            pass
        finally:
            self._receiving.close()
            if self._child.is_alive():
                self._child.terminate()
            self._child.join()
            self._child = None


def _from_the_end(fn: Callable[[Any], Any], items: list[Any], taken: Any, connection: Connection) -> None:
    """The child: compute from the end until an item the parent took, then
    send every result. Pickling as it goes leaves the parent only the last
    item to wait for; on an error it sends what it has and stops."""
    gc.disable()  # it lives for one task; collecting would only rescan what it inherited
    done = []
    try:
        for i in range(len(items) - 1, -1, -1):
            if taken[i]:
                break
            taken[i] = 1
            done.append(pickle.dumps((i, fn(items[i])), protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        pass
    finally:
        try:
            for blob in done:
                connection.send_bytes(blob)
        except OSError:
            pass
        connection.close()
