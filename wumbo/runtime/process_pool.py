"""A process pool that survives its workers dying: what ``executor="processes"`` runs on.

A ``ProcessPoolExecutor`` whose worker process dies (``os._exit``, a segfault, the OOM killer)
is *broken*: every item it held fails with ``BrokenProcessPool`` and it accepts no more work,
and nothing says which item killed it. :class:`SupervisedProcessPool` replaces the broken pool
and finds the culprit:

1. Every item that was in the broken pool is a *suspect* (it may have been running).
2. Suspects are re-run **one at a time, alone** in the new pool; new items wait meanwhile.
3. A suspect that breaks the pool while alone is the killer: its future fails with
   ``BrokenProcessPool`` (the runtime reports it as :class:`~wumbo.runtime.WorkerLost`). A
   suspect that finishes gives its result as usual.

So exactly one failure per killer item, and exactly one result for every other item: nothing
is dropped and nothing is reported twice. An item that was running next to the killer *is run
twice* (at-least-once execution), which matters only for stages with side effects.

:meth:`SupervisedProcessPool.abandon` stops one item for good (a per-item timeout): when it is
already running, the pool's processes are killed, since a process can be, and the other items
that were in flight are re-run as innocents, not suspects.

Examples:
    >>> pool = SupervisedProcessPool(max_workers=1)
    >>> pool.submit(abs, -2).result(timeout=30)
    2
    >>> pool.shutdown()
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SupervisedProcessPool", "start_method"]


def start_method() -> str:
    """``forkserver`` where it exists (fork after threads is unsafe), else ``spawn``.

    Examples:
        >>> start_method() in ("forkserver", "spawn")
        True
    """
    available = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in available else "spawn"


def _context() -> multiprocessing.context.BaseContext:
    """The start method's context; a forkserver imports wumbo once, before it forks workers.

    Without the preload every new worker imports wumbo (and returns, anyio) and the runtime's
    worker side itself before its first item: about 0.1 s per pool on this machine. The preload only adds to the
    forkserver's list and is ignored once a forkserver runs.
    """
    context = multiprocessing.get_context(start_method())
    if isinstance(context, multiprocessing.context.ForkServerContext):
        context.set_forkserver_preload(["wumbo", "wumbo.runtime.remote"])
    return context


@dataclass(eq=False)
class _Job:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    outer: Future[Any]
    inner: Future[Any] | None = None
    generation: int = -1
    alone: bool = False
    running: bool = field(default=False)


class SupervisedProcessPool(Executor):
    """A ``concurrent.futures`` executor over a replaceable ``ProcessPoolExecutor``.

    See the module docstring for what happens when a worker dies.

    Examples:
        >>> with SupervisedProcessPool(max_workers=2) as pool:
        ...     sorted(pool.map(abs, [-1, -2, 3]))
        [1, 2, 3]
    """

    def __init__(self, max_workers: int) -> None:
        if max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, got {max_workers}")
        self._max_workers = max_workers
        self._context = _context()
        self._lock = threading.RLock()
        self._generation: int = 0
        self._pool = self._new_pool()
        self._innocent_generations: set[int] = set()
        self._running: set[_Job] = set()
        self._suspects: deque[_Job] = deque()
        self._held: deque[_Job] = deque()
        self._isolating: _Job | None = None
        self._closed = False
        self.replacements = 0
        """How many times a broken pool was replaced (for tests and diagnostics)."""

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self._max_workers, mp_context=self._context)

    # -- submitting ------------------------------------------------------------------------------

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Schedule ``fn(*args)``; the returned future settles exactly once."""
        if kwargs:
            raise TypeError("SupervisedProcessPool.submit takes positional arguments only")
        job = _Job(fn, args, Future())
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit to a SupervisedProcessPool after shutdown")
            if self._isolating is not None or self._suspects:
                self._held.append(job)
            else:
                self._dispatch(job, alone=False)
        return job.outer

    def _dispatch(self, job: _Job, *, alone: bool) -> None:
        """Send ``job`` to the current pool (under the lock)."""
        while True:
            try:
                inner = self._pool.submit(job.fn, *job.args)
            except BrokenProcessPool:  # broken before its callbacks arrived: replace it now
                self._replace(self._generation)
                continue
            break
        job.inner, job.generation, job.alone, job.running = inner, self._generation, alone, True
        self._running.add(job)
        inner.add_done_callback(lambda done: self._settle(job, done))

    def _replace(self, generation: int) -> None:
        """Replace the pool of ``generation`` if it is still the current one."""
        if generation != self._generation:
            return
        broken = self._pool
        self._generation += 1
        self._pool = self._new_pool()
        self.replacements += 1
        broken.shutdown(wait=False, cancel_futures=True)

    # -- settling --------------------------------------------------------------------------------

    def _settle(self, job: _Job, inner: Future[Any]) -> None:
        """Done-callback of an inner future (runs in the pool's manager thread)."""
        with self._lock:
            if job.inner is not inner or not job.running:
                return
            job.running = False
            self._running.discard(job)
            if self._isolating is job:
                self._isolating = None
            if job.outer.done() or self._closed:  # abandoned or shut down: result unwanted
                self._advance()
                return
            error = None if inner.cancelled() else inner.exception()
            if isinstance(error, BrokenProcessPool):
                self._replace(job.generation)
                if job.generation in self._innocent_generations:
                    self._held.appendleft(job)
                elif job.alone:
                    job.outer.set_exception(error)
                else:
                    self._suspects.append(job)
            elif inner.cancelled():
                job.outer.cancel()
            elif error is not None:
                job.outer.set_exception(error)
            else:
                job.outer.set_result(inner.result())
            self._advance()

    def _advance(self) -> None:
        """Start the next isolated suspect, or release the held items (under the lock)."""
        if self._closed or self._isolating is not None:
            return
        if self._suspects:
            if any(job.generation == self._generation for job in self._running):
                return  # wait until the current pool holds nothing else
            self._isolating = self._suspects.popleft()
            self._dispatch(self._isolating, alone=True)
            return
        while self._held:
            self._dispatch(self._held.popleft(), alone=False)

    # -- stopping --------------------------------------------------------------------------------

    def abandon(self, future: Future[Any]) -> None:
        """Give up on the item of ``future`` (cancel it), killing its process if it runs.

        The future is cancelled; other items that were running are re-run.
        """
        with self._lock:
            job = next((j for j in self._running if j.outer is future), None)
            future.cancel()
            held = [j for j in (*self._held, *self._suspects) if j.outer is future]
            for waiting in held:
                (self._held if waiting in self._held else self._suspects).remove(waiting)
            if job is None or job.inner is None or job.inner.cancel():
                return
            self._innocent_generations.add(job.generation)
            if job.generation == self._generation:
                self._kill_workers()

    def _kill_workers(self) -> None:
        processes = self._pool._processes
        for process in list((processes or {}).values()):
            process.kill()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the pool. With ``cancel_futures``, cancel waiting items and kill running ones.

        Examples:
            >>> pool = SupervisedProcessPool(1)
            >>> pool.shutdown(cancel_futures=True)
            >>> pool.submit(abs, 1)
            Traceback (most recent call last):
            ...
            RuntimeError: cannot submit to a SupervisedProcessPool after shutdown
        """
        with self._lock:
            self._closed = True
            if cancel_futures:
                for job in (*self._held, *self._suspects, *self._running):
                    job.outer.cancel()
                self._held.clear()
                self._suspects.clear()
                if self._running:
                    self._kill_workers()
            pool = self._pool
        pool.shutdown(wait=wait, cancel_futures=cancel_futures)
