"""Running a pure per-file function over many files on every core.

Workers are forked, so they inherit the read-only context (the project snapshot) without
pickling it; where fork is unavailable, or the work is small, it runs in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items a pool costs more than it saves.
MIN_ITEMS_FOR_POOL = 64

_CONTEXT: Any = None
_FUNC: Any = None


def _call(item: Any) -> Any:
    return _uncollected(_FUNC, _CONTEXT, item)


def _uncollected(func: Callable[[Any, T], R], context: Any, item: T) -> R:
    """``func(context, item)`` with the cyclic garbage collector paused: a per-file job builds
    a tree and its facts, thousands of objects without cycles that reference counting frees,
    and the collections they trigger would scan them for nothing (a fifth of the index's cost)."""
    if not gc.isenabled():
        return func(context, item)
    gc.disable()
    try:
        return func(context, item)
    finally:
        gc.enable()


def map_in_processes(func: Callable[[Any, T], R], context: Any, items: Sequence[T]) -> list[R]:
    """``[func(context, item) for item in items]``, in forked workers when that pays off.

    Pass the largest items first: the pool hands out work in order, so the cores finish together.
    """
    return list(imap_in_processes(func, context, items))


def imap_in_processes(func: Callable[[Any, T], R], context: Any, items: Sequence[T]) -> Iterator[R]:
    """``map_in_processes`` as results come in, in order: the caller can keep what it needs of
    each result and drop the rest, instead of holding every result at once."""
    global _CONTEXT, _FUNC
    jobs = min(
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8
    )
    if (
        jobs < 2
        or len(items) < MIN_ITEMS_FOR_POOL
        or "fork" not in multiprocessing.get_all_start_methods()
        or os.environ.get("FIXUP_JOBS") == "1"
    ):
        yield from (_uncollected(func, context, item) for item in items)
        return
    _CONTEXT, _FUNC = context, func
    # Objects the workers inherit stay out of the collector's reach: a collection in a worker
    # would touch (and copy, page by page) everything the parent holds.
    gc.freeze()
    pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_signals)
    try:
        yield from pool.imap(_call, items, chunksize=max(1, min(len(items) // (jobs * 8), 32)))
        # Workers that finished their work leave on their own. Pool.terminate() (what leaving
        # `with Pool()` does) signals them, and a SIGTERM that reaches a worker before Python
        # has set it up after the fork is lost: the pool then waits for it forever.
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        gc.unfreeze()
        _CONTEXT = _FUNC = None


def _worker_signals() -> None:
    """In a worker, Ctrl-C is the parent's business, and SIGTERM ends the worker at once
    (whatever handlers it inherited from the parent)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
