"""Share CPU-bound work with a forked child when a second core is free.

Loading a large knowledge base is mostly parsing YAML, one file at a time on
one core, and a build cannot start before it ends. `forked_map` gives the
second half of the work (about) to a child forked for it: the child returns its
results pickled, which costs a fraction of computing them. If the child
fails, its share is computed here, so an error surfaces as in a serial run.

Forking copies nothing until written, but it does not mix with threads that
hold locks: callers use it only in a process that runs no other threads
(a one-off build, the CLI).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
from multiprocessing.connection import Connection
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Fewer items than this are not worth a fork (about 20 ms for a large process).
MIN_ITEMS = 64


def available() -> bool:
    """Fork exists here and a second core can run the child."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return cores > 1 and "fork" in multiprocessing.get_all_start_methods()


def forked_map(fn: Callable[[T], R], items: Sequence[T], share: float = 0.5) -> list[R]:
    """`[fn(item) for item in items]`, the last `share` of them computed by a
    forked child where that is worthwhile and possible. The child's share
    is best a little under half: it also pickles its results, and this
    process unpickles them only once its own are done."""
    if len(items) < MIN_ITEMS or not available():
        return [fn(item) for item in items]
    mine = len(items) - round(len(items) * share)
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_compute, args=(fn, items[mine:], sending), daemon=True)
    child.start()
    sending.close()
    try:
        results = [fn(item) for item in items[:mine]]
        try:
            theirs: list[R] = pickle.loads(receiving.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):  # the child failed: its share is done here
            theirs = [fn(item) for item in items[mine:]]
    finally:
        receiving.close()
        if child.is_alive():
            child.terminate()
        child.join()
    return results + theirs


def _compute(fn: Callable[[T], R], items: Sequence[T], connection: Connection) -> None:
    """The child: compute and send every result at once; on any error send
    nothing, and the parent computes them itself."""
    gc.disable()  # it lives for one task; collecting would only rescan what it inherited
    try:
        connection.send_bytes(pickle.dumps([fn(item) for item in items], protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        pass
    finally:
        connection.close()
