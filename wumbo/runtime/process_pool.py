"""A process pool that survives its workers dying: what ``executor="processes"`` runs on.

A ``ProcessPoolExecutor`` whose worker process dies (``os._exit``, a segfault, the OOM killer)
is *broken*: every item it held fails with ``BrokenProcessPool`` and it accepts no more work,
and nothing says which item killed it. [`SupervisedProcessPool`][wumbo.runtime.process_pool.SupervisedProcessPool] replaces the broken pool
and finds the culprit:

1. Every item that was in the broken pool is a *suspect* (it may have been running).
2. Suspects are re-run **one at a time, alone** in the new pool; new items wait meanwhile.
3. A suspect that breaks the pool while alone is the killer: its future fails with
   ``BrokenProcessPool`` (the runtime reports it as [`WorkerLost`][wumbo.runtime.WorkerLost]). A
   suspect that finishes gives its result as usual.

So exactly one failure per killer item, and exactly one result for every other item: nothing
is dropped and nothing is reported twice. An item that was running next to the killer *is run
twice* (at-least-once execution), which matters only for stages with side effects.

[`SupervisedProcessPool.abandon`][wumbo.runtime.process_pool.SupervisedProcessPool.abandon] stops one item for good (a per-item timeout): when it is
already in the pool, the pool's processes are killed, since a process can be, and the other
items that were in flight are re-run as innocents, not suspects.

**One supervisor thread.** Every decision (sending an item, replacing a pool, killing workers,
settling a future) is taken by one thread of the pool's own, in the order the events arrive:
``submit`` and ``abandon`` only queue an event, and so do the done-callbacks that CPython's
pool runs in its manager thread. Those callbacks run while CPython holds the pool's internal
lock (Python 3.12 and later), so anything that needs that lock from inside them (shutting
the broken pool down, submitting to a pool that is breaking) would wait for ever. Inner
futures are never cancelled from outside (the manager thread of Python 3.11 fails on that
race): the pool holds at most ``max_workers + 1`` items, each about to run or running, and
an item that must stop is stopped by killing its pool.

Examples:
    >>> pool = SupervisedProcessPool(max_workers=1)
    >>> pool.submit(abs, -2).result(timeout=30)
    2
    >>> pool.shutdown()
"""

from __future__ import annotations

import functools
import multiprocessing
import multiprocessing.context
import queue
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, InvalidStateError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
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


def _resolve(outer: Future[Any], inner: Future[Any]) -> None:
    """Give ``outer`` the outcome of ``inner``, unless ``outer`` was cancelled meanwhile."""
    if inner.cancelled():
        outer.cancel()
        return
    error = inner.exception()
    if error is None:
        _set_unless_done(outer, functools.partial(outer.set_result, inner.result()))
    else:
        _set_unless_done(outer, functools.partial(outer.set_exception, error))


def _set_unless_done(future: Future[Any], settle: Callable[[], None]) -> None:
    """Run ``settle`` (which sets ``future``) unless ``future`` is done already.

    An outer future may be cancelled by its owner at any time: its result is unwanted then.
    """
    try:
        settle()
    except InvalidStateError:
        return


def _lost() -> BrokenProcessPool:
    return BrokenProcessPool("the process pool broke before this item was sent to a worker")


def _kill(pool: ProcessPoolExecutor) -> None:
    """Kill every worker process of ``pool``.

    Also what a broken pool needs before it is shut down: on Python 3.11 a worker started by a
    ``submit`` while the pool was breaking escapes CPython's own termination, and the pool's
    manager thread would wait for that idle worker for ever.
    """
    for process in list((pool._processes or {}).values()):
        process.kill()


class SupervisedProcessPool(Executor):
    """A ``concurrent.futures`` executor over a replaceable ``ProcessPoolExecutor``.

    See the module docstring for what happens when a worker dies. Shut it down (or use it in
    a ``with`` block): that ends its supervisor thread and its processes.

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
        self._events: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._closing = threading.Lock()
        """Orders ``submit`` against ``shutdown``; guards ``_closed`` and ``_supervisor``."""
        self._closed = False
        self._supervisor: threading.Thread | None = None
        # The state below belongs to the supervisor thread (before it starts: to __init__).
        self._generation: int = 0
        self._pool = self._new_pool()
        self._innocent_generations: set[int] = set()
        self._running: set[_Job] = set()
        self._suspects: deque[_Job] = deque()
        self._waiting: deque[_Job] = deque()
        self._isolating: _Job | None = None
        self._stopping = False
        self.replacements = 0
        """How many times a broken pool was replaced (for tests and diagnostics)."""

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self._max_workers, mp_context=self._context)

    # -- the caller's side: every call only queues an event --------------------------------------

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Schedule ``fn(*args)``; the returned future settles exactly once."""
        if kwargs:
            raise TypeError("SupervisedProcessPool.submit takes positional arguments only")
        job = _Job(fn, args, Future())
        with self._closing:
            if self._closed:
                raise RuntimeError("cannot submit to a SupervisedProcessPool after shutdown")
            if self._supervisor is None:
                self._supervisor = threading.Thread(
                    target=self._supervise, name="wumbo-process-supervisor", daemon=True
                )
                self._supervisor.start()
            self._events.put(functools.partial(self._accept, job))
        return job.outer

    def abandon(self, future: Future[Any]) -> None:
        """Give up on the item of ``future`` (cancel it), killing its process if it runs.

        The future is cancelled at once; other items that were running are re-run.
        """
        future.cancel()
        with self._closing:
            if self._supervisor is not None:
                self._events.put(functools.partial(self._abandon, future))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the pool. With ``cancel_futures``, cancel waiting items and kill running ones.

        Without it, the items already submitted still run; ``wait`` waits for them, for the
        supervisor thread and for every process of the pool to end.

        Examples:
            >>> pool = SupervisedProcessPool(1)
            >>> pool.shutdown(cancel_futures=True)
            >>> pool.submit(abs, 1)
            Traceback (most recent call last):
            ...
            RuntimeError: cannot submit to a SupervisedProcessPool after shutdown
        """
        with self._closing:
            first = not self._closed
            self._closed = True
            supervisor = self._supervisor
            if first and supervisor is not None:
                self._events.put(functools.partial(self._stop, cancel_futures))
        if supervisor is None:  # nothing was ever submitted
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
        elif wait and supervisor is not threading.current_thread():
            supervisor.join()

    # -- the supervisor thread -------------------------------------------------------------------

    def _supervise(self) -> None:
        """Handle events until shut down and every item is settled; then stop the pool."""
        while not (self._stopping and not (self._running or self._waiting or self._suspects)):
            self._events.get()()
        self._pool.shutdown(wait=True)

    def _accept(self, job: _Job) -> None:
        if job.outer.cancelled():
            return
        self._waiting.append(job)
        self._advance()

    def _dispatch(self, job: _Job, *, alone: bool) -> None:
        """Send ``job`` to the current pool."""
        while True:
            try:
                inner = self._pool.submit(job.fn, *job.args)
            except BrokenProcessPool:  # broken before its callbacks arrived: replace it now
                self._replace(self._generation)
                continue
            except Exception as error:  # no process could start, the interpreter is exiting
                _set_unless_done(job.outer, functools.partial(job.outer.set_exception, error))
                if self._isolating is job:
                    self._isolating = None
                return
            break
        job.inner, job.generation, job.alone = inner, self._generation, alone
        self._running.add(job)
        done = functools.partial(self._settle, job)
        inner.add_done_callback(lambda settled: self._events.put(lambda: done(settled)))

    def _replace(self, generation: int) -> None:
        """Replace the pool of ``generation`` if it is still the current one.

        Called on the supervisor thread, never in the broken pool's manager thread: waiting
        for that thread to end is safe here, and leaves none of its threads behind.
        """
        if generation != self._generation:
            return
        broken = self._pool
        self._generation += 1
        self._pool = self._new_pool()
        self.replacements += 1
        _kill(broken)  # see _kill: CPython 3.11 may have left a worker it waits for
        broken.shutdown(wait=True)
        # Its manager thread has ended. On 3.11 an item submitted while the pool was breaking
        # is never failed by it: fail it here, so that it is re-run like the others.
        for job in self._running:
            if job.generation == generation and job.inner is not None:
                _set_unless_done(job.inner, functools.partial(job.inner.set_exception, _lost()))

    def _settle(self, job: _Job, inner: Future[Any]) -> None:
        """``inner`` (the future of ``job`` in a pool) is done."""
        if job.inner is not inner or job not in self._running:
            return
        self._running.discard(job)
        if self._isolating is job:
            self._isolating = None
        if not job.outer.done():  # else abandoned or cancelled: its outcome is unwanted
            error = None if inner.cancelled() else inner.exception()
            if isinstance(error, BrokenProcessPool):
                self._replace(job.generation)
                if job.generation in self._innocent_generations:
                    self._waiting.appendleft(job)
                elif job.alone:
                    _set_unless_done(job.outer, functools.partial(job.outer.set_exception, error))
                else:
                    self._suspects.append(job)
            else:
                _resolve(job.outer, inner)
        self._advance()

    def _advance(self) -> None:
        """Start the next isolated suspect, or send waiting items while the pool has room."""
        while self._suspects and self._isolating is None:
            if any(job.generation == self._generation for job in self._running):
                return  # wait until the current pool holds nothing else
            self._isolating = self._suspects.popleft()
            self._dispatch(self._isolating, alone=True)  # on failure it isolates the next one
        if self._isolating is not None or self._suspects:
            return
        in_pool = sum(1 for job in self._running if job.generation == self._generation)
        while self._waiting and in_pool <= self._max_workers:
            self._dispatch(self._waiting.popleft(), alone=False)
            in_pool += 1

    def _abandon(self, future: Future[Any]) -> None:
        """Drop the job of ``future`` if it waits; kill its pool's processes if it is in one."""
        for waiting in (self._waiting, self._suspects):
            for dropped in [job for job in waiting if job.outer is future]:
                waiting.remove(dropped)
        running = next((job for job in self._running if job.outer is future), None)
        if running is not None and self._in_current_pool(running):
            self._innocent_generations.add(running.generation)
            self._kill_workers()

    def _kill_workers(self) -> None:
        _kill(self._pool)

    def _stop(self, cancel: bool) -> None:
        """Shutdown reached the supervisor: with ``cancel``, drop and stop every item."""
        self._stopping = True
        if not cancel:
            return
        for job in (*self._waiting, *self._suspects, *self._running):
            job.outer.cancel()
        self._waiting.clear()
        self._suspects.clear()
        if any(self._in_current_pool(job) for job in self._running):
            self._kill_workers()

    def _in_current_pool(self, job: _Job) -> bool:
        """Whether ``job`` is in the current pool and not done there."""
        return job.generation == self._generation and not (job.inner is None or job.inner.done())
