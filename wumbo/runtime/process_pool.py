"""A process pool that survives its workers dying: what ``executor="processes"`` runs on.

A ``ProcessPoolExecutor`` whose worker process dies (``os._exit``, a segfault, the OOM killer)
is *broken*: every item it held fails with ``BrokenProcessPool`` and it accepts no more work,
and nothing says which item killed it. [`SupervisedProcessPool`][wumbo.runtime.process_pool.SupervisedProcessPool] replaces the broken pool
and finds the culprit.

A task of the pool is a *job* of one or more calls (``submit``: one; ``submit_each`` and
``report_each``: a chunk of items) that one worker runs in order. The worker sends the
outcomes back through a [`ResultChannel`][wumbo.runtime.result_channel.ResultChannel] as it goes, in
batches at most ``FLUSH_SECONDS`` apart, so the calls that finished before a death keep their
outcome. Once the broken pool's channel is drained, the calls without an outcome are decided:

1. Every job that was in the broken pool leaves its unfinished calls as a *suspect* (one of
   them may have been running).
2. Suspects are re-run **one job at a time, alone** in the new pool, each outcome sent at
   once; new items wait meanwhile.
3. A suspect job that breaks the pool while alone died on its first call without an outcome:
   that call is the killer and fails with ``BrokenProcessPool`` (the runtime reports it as
   [`WorkerLost`][wumbo.runtime.WorkerLost]); the calls after it never started and are sent
   again. The other suspects give their outcomes as usual.

So exactly one failure per killer item, and exactly one result for every other item: nothing
is dropped and nothing is reported twice. An item that was running next to the killer (or
finished just before a death, in a batch not sent yet) *is run twice* (at-least-once
execution), which matters only for stages with side effects.

[`SupervisedProcessPool.abandon`][wumbo.runtime.process_pool.SupervisedProcessPool.abandon] stops one item for good (a per-item timeout): when it is
already in the pool, the pool's processes are killed, since a process can be, and the other
items that were in flight are re-run as innocents, not suspects.

**One supervisor thread.** Every decision (sending an item, replacing a pool, killing workers,
deciding what a death cost) is taken by one thread of the pool's own, in the order the events
arrive (the channel's reader thread only delivers the outcomes workers sent, and reports the
drain as an event):
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
import itertools
import math
import multiprocessing
import multiprocessing.context
import queue
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Final

from wumbo.runtime.outcomes import FutureOutcomes, Outcomes, ReportedOutcomes
from wumbo.runtime.result_channel import ResultChannel, install_sink, run_calls

__all__ = ["FLUSH_SECONDS", "SupervisedProcessPool", "start_method"]

FLUSH_SECONDS: Final = 4e-3
"""A worker sends the outcomes of a task's calls in batches, one at most this often."""


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
        context.set_forkserver_preload(
            ["wumbo", "wumbo.runtime.remote", "wumbo.runtime.result_channel"]
        )
    return context


@dataclass(eq=False)
class _Job:
    """Calls of ``fn`` sent as one task: they run one after another in one worker."""

    fn: Callable[..., Any]
    calls: list[tuple[Any, ...]]
    outcomes: Outcomes
    """Where each call's outcome goes, as soon as the worker sends it."""
    inner: Future[Any] | None = None
    generation: int = -1
    alone: bool = False

    def part(self, offsets: list[int]) -> _Job:
        """A new job of the calls at ``offsets`` (what is left of this one)."""
        return _Job(self.fn, [self.calls[i] for i in offsets], self.outcomes.part(offsets))


def _holds(job: _Job, future: Future[Any]) -> bool:
    """Whether ``future`` is the future of one of ``job``'s calls."""
    outcomes = job.outcomes
    return isinstance(outcomes, FutureOutcomes) and future in outcomes.futures


def _killed() -> BrokenProcessPool:
    return BrokenProcessPool("a worker process died while it ran this call")


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
        self.item_seconds = math.inf
        """The mean time of a call in the last task that finished (``inf`` before the first)."""
        # The state below belongs to the supervisor thread (before it starts: to __init__).
        self._generation: int = 0
        self._channels: list[ResultChannel[_Job]] = []
        self._pool = self._new_pool()
        self._keys = itertools.count()
        self._innocent_generations: set[int] = set()
        self._draining: set[int] = set()
        """Broken generations whose channel is not drained yet: what their calls did is unknown."""
        self._running: set[_Job] = set()
        self._suspects: deque[_Job] = deque()
        self._waiting: deque[_Job] = deque()
        self._isolating: _Job | None = None
        self._stopping = False
        self.replacements = 0
        """How many times a broken pool was replaced (for tests and diagnostics)."""

    def _new_pool(self) -> ProcessPoolExecutor:
        """A pool for the current generation, its workers writing to a new channel."""
        channel = ResultChannel[_Job](self._context, self._generation, self._on_drained)
        self._channels.append(channel)
        return ProcessPoolExecutor(
            self._max_workers,
            mp_context=self._context,
            initializer=install_sink,
            initargs=(channel.writer, channel.lock),
        )

    # -- the caller's side: every call only queues an event --------------------------------------

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Schedule ``fn(*args)``; the returned future settles exactly once."""
        if kwargs:
            raise TypeError("SupervisedProcessPool.submit takes positional arguments only")
        outcomes = FutureOutcomes.new(1)
        self._enqueue(_Job(fn, [args], outcomes))
        return outcomes.futures[0]

    def submit_each(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Future[Any]]:
        """Schedule ``fn(item)`` for each of ``items`` as one task: one future per item.

        The items run one after another in one worker, and each future settles as soon as
        its item is done. When the worker dies, the items that finished keep their outcome;
        the others are run again (see the module docstring).

        Examples:
            >>> with SupervisedProcessPool(max_workers=1) as pool:
            ...     [future.result() for future in pool.submit_each(abs, [-1, -2])]
            [1, 2]
        """
        outcomes = FutureOutcomes.new(len(items))
        self._enqueue(_Job(fn, [(item,) for item in items], outcomes))
        return outcomes.futures

    def report_each(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        report: Callable[[int, bool, Any], None],
        first: int = 0,
    ) -> None:
        """`submit_each` without futures: ``report(first + k, ok, value)`` for the ``k``-th item.

        ``value`` is what ``fn`` returned (``ok``) or the exception it raised (a
        ``BrokenProcessPool`` when its worker died on it). ``report`` runs in a thread of the
        pool and must not block; once the pool is shut down with ``cancel_futures``, items
        not reported yet are not reported at all.

        Examples:
            >>> reports = []
            >>> with SupervisedProcessPool(max_workers=1) as pool:
            ...     pool.report_each(abs, [-1, -2], lambda *reported: reports.append(reported), 10)
            >>> reports
            [(10, True, 1), (11, True, 2)]
        """
        indices = range(first, first + len(items))
        self._enqueue(_Job(fn, [(item,) for item in items], ReportedOutcomes(report, indices)))

    def _enqueue(self, job: _Job) -> None:
        with self._closing:
            if self._closed:
                raise RuntimeError("cannot submit to a SupervisedProcessPool after shutdown")
            if self._supervisor is None:
                self._supervisor = threading.Thread(
                    target=self._supervise, name="wumbo-process-supervisor", daemon=True
                )
                self._supervisor.start()
            self._events.put(functools.partial(self._accept, job))

    def abandon(self, future: Future[Any]) -> None:
        """Give up on the call of ``future`` (cancel it), killing its process if it runs.

        The future is cancelled at once; other calls that were running are re-run. A future
        that is done already is left as it is.
        """
        if not future.cancel():
            return
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
            if first:
                self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
                self._channels[-1].close()
            if wait:
                self._channels[-1].join()
        elif wait and supervisor is not threading.current_thread():
            supervisor.join()

    def _on_drained(self, channel: ResultChannel[_Job]) -> None:
        """In a channel's reader thread: everything the channel's workers sent is settled."""
        self._events.put(functools.partial(self._drained, channel))

    # -- the supervisor thread -------------------------------------------------------------------

    def _supervise(self) -> None:
        """Handle events until shut down and every item is settled; then stop the pool."""
        while not (
            self._stopping
            and not (self._running or self._waiting or self._suspects or self._draining)
        ):
            self._events.get()()
        self._pool.shutdown(wait=True)
        self._channels[-1].close()  # its reader settles what is still in the pipe, then ends
        for channel in self._channels:
            channel.join()

    def _accept(self, job: _Job) -> None:
        if job.outcomes.pending():
            self._waiting.append(job)
        self._advance()

    def _dispatch(self, job: _Job, *, alone: bool) -> None:
        """Send ``job`` to the current pool."""
        while True:
            key = next(self._keys)
            channel = self._channels[-1]
            channel.expect(key, job.outcomes, job)
            try:
                flush = 0.0 if alone else FLUSH_SECONDS  # alone: the first call not heard of killed
                inner = self._pool.submit(run_calls, key, job.fn, job.calls, flush)
            except BrokenProcessPool:  # broken before its callbacks arrived: replace it now
                channel.forget(key)
                self._replace(self._generation)
                continue
            except Exception as error:  # no process could start, the interpreter is exiting
                channel.forget(key)
                job.outcomes.fail(error)
                if self._isolating is job:
                    self._isolating = None
                return
            break
        job.inner, job.generation, job.alone = inner, self._generation, alone
        self._running.add(job)
        done = functools.partial(self._settle, job, key)
        inner.add_done_callback(lambda settled: self._events.put(lambda: done(settled)))

    def _replace(self, generation: int) -> None:
        """Replace the pool of ``generation`` if it is still the current one.

        Called on the supervisor thread, never in the broken pool's manager thread: waiting
        for that thread to end is safe here, and leaves none of its threads behind. Once its
        workers are gone, the old channel is closed: its reader settles what they sent and
        then reports the drain (see `_drained`).
        """
        if generation != self._generation:
            return
        broken, channel = self._pool, self._channels[-1]
        self._generation += 1
        self._pool = self._new_pool()
        self.replacements += 1
        self._draining.add(generation)
        _kill(broken)  # see _kill: CPython 3.11 may have left a worker it waits for
        broken.shutdown(wait=True)
        # Its manager thread has ended. On 3.11 an item submitted while the pool was breaking
        # is never failed by it: fail it here, so that it is re-run like the others.
        for job in self._running:
            if job.generation == generation and job.inner is not None:
                FutureOutcomes([job.inner]).settle(0, False, _lost())
        channel.close()

    def _settle(self, job: _Job, key: int, inner: Future[Any]) -> None:
        """``inner`` (the task of ``job`` in a pool) is done; its calls' outcomes came by channel."""
        if job.inner is not inner or job not in self._running:
            return
        self._running.discard(job)
        if self._isolating is job:
            self._isolating = None
        if inner.cancelled():
            job.outcomes.cancel()
        elif (error := inner.exception()) is None:
            self.item_seconds = inner.result()
        elif isinstance(error, BrokenProcessPool):
            self._replace(job.generation)  # what its calls did is known once drained
        else:  # the task never ran (say, an item did not pickle): each call alone says why
            self._channels[job.generation].forget(key)
            pending = job.outcomes.pending()
            if len(pending) > 1:
                self._waiting.extendleft(reversed([job.part([offset]) for offset in pending]))
            else:
                job.outcomes.fail(error)
        self._advance()

    def _drained(self, channel: ResultChannel[_Job]) -> None:
        """Every call of a broken generation that finished is settled: decide the others.

        A job that ran alone died on its first unfinished call (the killer); its later calls
        never started. Jobs that ran side by side leave their unfinished calls as suspects.
        """
        generation = channel.generation
        self._draining.discard(generation)
        innocent = generation in self._innocent_generations
        again: list[_Job] = []
        for job, received in channel.leftovers():
            pending = job.outcomes.pending(received)
            if not pending:
                continue
            if job.alone and not innocent and pending[0] == received:
                job.outcomes.settle(received, False, _killed())
                pending = pending[1:]
            if pending and (innocent or job.alone):
                again.append(job.part(pending))
            elif pending:
                self._suspects.append(job.part(pending))
        self._waiting.extendleft(reversed(again))
        self._advance()

    def _advance(self) -> None:
        """Start the next isolated suspect, or send waiting items while the pool has room."""
        if self._draining:
            return  # the suspects of a broken pool are not known yet
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
        """Drop jobs left with nothing to do; kill the pool's processes if ``future`` runs there."""
        for waiting in (self._waiting, self._suspects):
            for dropped in [job for job in waiting if not job.outcomes.pending()]:
                waiting.remove(dropped)
        running = next((job for job in self._running if _holds(job, future)), None)
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
            job.outcomes.cancel()
        self._waiting.clear()
        self._suspects.clear()
        if any(self._in_current_pool(job) for job in self._running):
            self._kill_workers()

    def _in_current_pool(self, job: _Job) -> bool:
        """Whether ``job`` is in the current pool and not done there."""
        return job.generation == self._generation and not (job.inner is None or job.inner.done())
