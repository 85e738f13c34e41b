"""The ``executor=`` option: where the items of a run go, and what comes back from there.

=====================================  =========================================  ==========
``executor=``                          runs each item                             owned
=====================================  =========================================  ==========
``None``                               inline (the event loop, or the caller)     n/a
``"threads"``                          in a ``ThreadPoolExecutor``                yes
``"processes"``                        in a [`SupervisedProcessPool`][wumbo.runtime.process_pool.SupervisedProcessPool]        yes
a ``ProcessPoolExecutor``              in that pool (the pipeline is pickled)     no
any other ``concurrent.futures``       by that executor, as ``pipeline(item)``    no
``Executor``
a ``distributed.Client`` or its        as Dask tasks (the pipeline is pickled)    no
``get_executor()``
=====================================  =========================================  ==========

An *owned* executor is created for the run and shut down when it ends (also when the consumer
stops early); an executor passed in is left running for its owner. Processes and Dask need a
picklable pipeline: that is checked when the run starts, before any item is sent.

**Chunks.** In threads of this process, handing one item to a worker costs a few
microseconds (a future, a queue, waking a thread, the GIL going back and forth). When items
turn out to be faster than that, one task runs a *chunk* of consecutive items: each thread
times what it runs, and [`Dispatcher.chunk_limit`][wumbo.runtime.executors.Dispatcher.chunk_limit] allows up to ``MAX_CHUNK`` items per
task while the last measured mean item time fits ``CHUNK_SECONDS`` that many times. Slow items
(I/O waits) measure too slow to share a task, so each keeps its own thread and concurrency is
not reduced. When items turn slow after a chunk went out, the chunk notices once it has run
longer than ``SPLIT_SECONDS`` and sends its remaining items out one per task. A chunk still
reports every item's Result on its own, as soon as it is done, and stops before its next item
once the run is cancelled.

An owned process pool (``"processes"``) chunks the same way with its own
[`Chunking`][wumbo.runtime.executors.Chunking], ``PROCESS_CHUNKS``: a task there costs hundreds of
microseconds, so a chunk holds about ``PROCESS_CHUNK_SECONDS`` of items (at most
``MAX_PROCESS_CHUNK``), timed by the worker that ran the previous task. There ``concurrency``
counts chunks (``counts_tasks``): the window grows by the chunk size. The items come back
without a future each (see [`SupervisedProcessPool.report_each`][wumbo.runtime.process_pool.SupervisedProcessPool.report_each]).

Examples:
    >>> from wumbo import template
    >>> dispatcher = Dispatcher.of(template(abs), "threads", size=2)
    >>> dispatcher.outcome(dispatcher.submit(-4), -4)
    <Success: 4>
    >>> dispatcher.close(cancel=False)
"""

from __future__ import annotations

import functools
import math
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import (
    BrokenExecutor,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from dataclasses import dataclass, field
from typing import Any, Final

from returns.result import Failure, Result

from wumbo.core.stage import describe
from wumbo.core.template import Template
from wumbo.runtime.errors import ExecutorError, WorkerLost
from wumbo.runtime.process_pool import SupervisedProcessPool
from wumbo.runtime.remote import RemoteCall

__all__ = [
    "CHUNK_SECONDS",
    "MAX_CHUNK",
    "MAX_PROCESS_CHUNK",
    "PROCESS_CHUNKS",
    "PROCESS_CHUNK_SECONDS",
    "SPLIT_SECONDS",
    "THREAD_CHUNKS",
    "Chunking",
    "Dispatcher",
    "is_dask",
]

CHUNK_SECONDS: Final = 100e-6
"""Items share a thread task while that many of them take no longer than this, measured."""

MAX_CHUNK: Final = 32
"""The most consecutive items one thread task runs (and never more than the window lets in)."""

SPLIT_SECONDS: Final = 4 * CHUNK_SECONDS
"""A thread chunk that runs longer than this sends its remaining items out one per task."""

PROCESS_CHUNK_SECONDS: Final = 20e-3
"""Items share a process task while that many of them take no longer than this, measured."""

MAX_PROCESS_CHUNK: Final = 1024
"""The most consecutive items one process task runs (and never more than the window lets in)."""


@dataclass(frozen=True, slots=True)
class Chunking:
    """How many consecutive items one task runs: as many as fit in ``seconds``, measured.

    Examples:
        >>> Chunking(seconds=1e-3, most=8).size(math.inf)  # nothing measured yet: one
        1
        >>> Chunking(seconds=1e-3, most=64).size(1e-4), Chunking(seconds=1e-3, most=64).size(1e-6)
        (10, 64)
    """

    seconds: float
    """Items share a task while that many take no longer than this."""
    most: int
    """The most items in one task."""
    counts_tasks: bool = False
    """Whether ``concurrency`` counts tasks rather than items: a chunk then takes one place
    in the window, not one per item (the window grows by the chunk size)."""

    def size(self, item_seconds: float) -> int:
        """The chunk size for items measured at ``item_seconds`` each (``inf``: unmeasured)."""
        return max(1, min(self.most, int(self.seconds / item_seconds)))


THREAD_CHUNKS: Final = Chunking(CHUNK_SECONDS, MAX_CHUNK)
"""Chunks in threads of this process: a hand-off costs a few microseconds."""

PROCESS_CHUNKS: Final = Chunking(PROCESS_CHUNK_SECONDS, MAX_PROCESS_CHUNK, counts_tasks=True)
"""Chunks in an owned process pool: a task costs pickling, a pipe and a few thread hops, and
one worker runs one item of a chunk at a time, so ``concurrency`` counts chunks there."""


def is_dask(executor: object) -> bool:
    """Whether ``executor`` comes from Dask distributed (checked without importing it).

    Examples:
        >>> is_dask("threads")
        False
    """
    return type(executor).__module__.partition(".")[0] == "distributed"


def _given(executor: Executor) -> Callable[[], Executor]:
    """The ``start`` of an executor that was passed in: it exists already."""
    return lambda: executor


def _processes(requested: int) -> int:
    return max(1, min(requested, os.cpu_count() or 1))


def _report(report: Callable[[tuple[int, Any]], None], index: int, future: Future[Any]) -> None:
    """A done-callback: report the done ``future`` of item ``index``."""
    report((index, future))


def _failed(error: BaseException) -> Future[Any]:
    """A future that already holds ``error``: a submit that failed, reported like any other."""
    failed: Future[Any] = Future()
    failed.set_exception(error)
    return failed


@dataclass(eq=False)
class Dispatcher:
    """Submits items to one executor and turns every outcome into a Result.

    Build it with [`of`][wumbo.runtime.executors.Dispatcher.of]. ``size`` is how many items the executor runs at once when the
    run created it (``None`` when it was passed in).

    Examples:
        >>> from wumbo import template
        >>> Dispatcher.of(template(abs), "gpu", size=1)
        Traceback (most recent call last):
        ...
        TypeError: executor= expects None, "threads", "processes", a concurrent.futures.Executor or a distributed.Client; got str 'gpu'
    """

    start: Callable[[], Executor]
    """Returns the executor; an owned one is created on the first call (the first item)."""
    call: Any
    owned: bool
    name: str
    stages: int
    lost: tuple[type[BaseException], ...] = (BrokenExecutor,)
    size: int | None = None
    local: bool = False
    """Whether the executor runs items in threads of this process (a ``ThreadPoolExecutor``)."""
    chunking: Chunking | None = None
    """How items share tasks (threads of this process, an owned process pool); ``None``: they
    do not, one item per task."""
    stopping: threading.Event = field(default_factory=threading.Event)
    """Set when the run is cancelled: a running chunk stops before its next item."""
    tasks: int = 0
    """How many tasks were sent: one per item, or one per chunk of items (a diagnostic count)."""
    _item_seconds: float = math.inf
    """The mean time of an item in the last task a local thread ran (not measured yet: inf).

    Threads overwrite it without a lock: a lost update only delays the next adjustment."""
    _executor: Executor | None = None
    _abandoned: bool = False

    @classmethod
    def of(cls, pipeline: Template[Any, Any, Any], executor: object, *, size: int) -> Dispatcher:
        """Resolve the ``executor=`` option for ``pipeline``; ``size`` sizes owned pools.

        Examples:
            >>> from wumbo import template
            >>> dispatcher = Dispatcher.of(template(abs), "processes", size=64)
            >>> dispatcher.size == min(64, os.cpu_count() or 1)
            True
            >>> dispatcher.close(cancel=True)
        """
        name, stages = pipeline.__name__, len(pipeline.stages)
        if executor == "threads":
            threads = functools.partial(ThreadPoolExecutor, size, thread_name_prefix="wumbo-map")
            return cls(
                threads, pipeline, True, name, stages, size=size, local=True, chunking=THREAD_CHUNKS
            )
        if executor == "processes":
            call = RemoteCall.of(pipeline, "executor='processes'")
            workers = _processes(size)
            processes = functools.partial(SupervisedProcessPool, workers)
            return cls(processes, call, True, name, stages, size=workers, chunking=PROCESS_CHUNKS)
        if isinstance(executor, ProcessPoolExecutor):
            call = RemoteCall.of(pipeline, "a ProcessPoolExecutor")
            return cls(_given(executor), call, False, name, stages)
        if is_dask(executor):
            from wumbo.runtime.dask_executor import dask_executor, lost_worker_errors

            call = RemoteCall.of(pipeline, "a Dask cluster")
            lost: tuple[type[BaseException], ...] = (BrokenExecutor, *lost_worker_errors())
            dask = dask_executor(executor)
            return cls(_given(dask), call, False, name, stages, lost)
        if isinstance(executor, Executor):
            if isinstance(executor, ThreadPoolExecutor):
                given = _given(executor)
                return cls(given, pipeline, False, name, stages, local=True, chunking=THREAD_CHUNKS)
            return cls(_given(executor), pipeline, False, name, stages)
        raise TypeError(
            'executor= expects None, "threads", "processes", a concurrent.futures.Executor or '
            f"a distributed.Client; got {describe(executor)}"
        )

    def submit(self, item: Any) -> Future[Any]:
        """Send one item; a failure to submit comes back as a failed future, never raised."""
        return self._submit_each([item])[0]

    def chunk_limit(self) -> int:
        """How many consecutive items the next task may run; see *Chunks* in the module doc.

        Always 1 for an executor that runs items one per task (outside this process, not
        owned); else 1 until items are measured fast, then as many as fit its
        [`Chunking`][wumbo.runtime.executors.Chunking].

        Examples:
            >>> from wumbo import template
            >>> dispatcher = Dispatcher.of(template(abs), "threads", size=1)
            >>> dispatcher.chunk_limit()  # nothing measured yet
            1
            >>> dispatcher.close(cancel=False)
        """
        if self.chunking is None:
            return 1
        executor = self._executor
        if isinstance(executor, SupervisedProcessPool):
            return self.chunking.size(executor.item_seconds)
        return self.chunking.size(self._item_seconds)

    def sender(
        self, finished: queue.SimpleQueue[tuple[int, Any]]
    ) -> Callable[[int, Sequence[Any]], Sequence[Future[Any] | None]]:
        """``send(first, items)``: run ``items`` as one task, the first one numbered ``first``.

        ``(first + k, outcome)`` arrives on ``finished`` for the ``k``-th item as soon as it
        is done. The outcome is the item's Result when the executor runs it in a thread of
        this process (the thread reports it itself: no done-callback, no lock on the future),
        else the done future; pass it to [`outcome`][wumbo.runtime.executors.Dispatcher.outcome] either way. ``send`` returns one
        future per item (the task's, for threads; the item's own, else), or ``None`` for the
        items of a chunk sent to an owned process pool (they are reported without one). More than one
        item per task needs a ``chunking`` ([`chunk_limit`][wumbo.runtime.executors.Dispatcher.chunk_limit] says how many).

        Examples:
            >>> import queue
            >>> from wumbo import template
            >>> finished: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
            >>> dispatcher = Dispatcher.of(template(abs), "threads", size=1)
            >>> send = dispatcher.sender(finished)
            >>> _ = send(7, [-3, 4])
            >>> reports = [finished.get(timeout=10) for _ in range(2)]
            >>> [(index, dispatcher.outcome(reported, None)) for index, reported in reports]
            [(7, <Success: 3>), (8, <Success: 4>)]
            >>> dispatcher.close(cancel=False)
        """
        report = finished.put
        if not self.local:

            def send(first: int, items: Sequence[Any]) -> Sequence[Future[Any] | None]:
                if len(items) != 1 and self.chunking is None:
                    raise ValueError(
                        f"only threads of this process and an owned process pool run several "
                        f"items per task; got {len(items)} items for {self.name!r}"
                    )
                self.tasks += 1
                executor = self._executor or self._started()
                if isinstance(executor, SupervisedProcessPool) and len(items) > 1:
                    executor.report_each(self.call, items, reported, first)
                    return [None] * len(items)  # report_each: no future per item
                futures = self._submit_each(items)
                for index, future in enumerate(futures, first):
                    future.add_done_callback(functools.partial(_report, report, index))
                return futures

            def reported(index: int, _ok: bool, value: Any) -> None:
                report((index, value))  # a Result, or the exception the call raised

            return send
        call, stopping, clock = self.call, self.stopping, time.perf_counter

        def run(first: int, items: Sequence[Any]) -> None:
            began = clock()
            for done, item in enumerate(items):
                if stopping.is_set():
                    return
                spent = clock() - began
                if done and spent > SPLIT_SECONDS:  # the items got slow: share out the rest
                    self._item_seconds = spent / done
                    for later in range(done, len(items)):
                        send_to_thread(first + later, items[later : later + 1])
                    return
                try:
                    outcome = call(item)
                except BaseException as error:
                    report((first + done, error))
                    if not isinstance(error, Exception):
                        raise
                else:
                    report((first + done, outcome))
            self._item_seconds = (clock() - began) / len(items)

        def send_to_thread(first: int, items: Sequence[Any]) -> Sequence[Future[Any] | None]:
            self.tasks += 1
            try:
                task = (self._executor or self._started()).submit(run, first, items)
            except Exception as error:
                for index in range(first, first + len(items)):
                    report((index, error))
                task = _failed(error)
            return [task] * len(items)

        return send_to_thread

    def _submit_each(self, items: Sequence[Any]) -> list[Future[Any]]:
        """One future per item; a failure to submit comes back as failed futures, never raised."""
        try:
            executor = self._executor or self._started()
            if isinstance(executor, SupervisedProcessPool):
                return executor.submit_each(self.call, items)
            return [executor.submit(self.call, item) for item in items]
        except Exception as error:
            return [_failed(error) for _ in items]

    def _started(self) -> Executor:
        self._executor = self.start()
        return self._executor

    def outcome(
        self, reported: Result[Any, Any] | Future[Any] | BaseException, item: Any
    ) -> Result[Any, Any]:
        """The Result of an item from what came back: its Result, a done future, or an error.

        An error (raised by the executor, or held by the future) becomes a Failure saying why
        the executor failed; an exception that is not an ``Exception`` is raised.
        """
        if isinstance(reported, Future):
            future: Future[Any] = reported
            error = future.exception()
            if error is None:
                result: Result[Any, Any] = future.result()
                return result
        elif isinstance(reported, BaseException):
            error = reported
        else:
            return reported  # what the pipeline returned
        if isinstance(error, self.lost) and isinstance(error, Exception):
            return Failure(WorkerLost.of(self.name, self.stages, item, error))
        if isinstance(error, Exception):
            return Failure(ExecutorError.of(self.name, self.stages, item, error))
        raise error

    def abandon(self, future: Future[Any]) -> None:
        """Give up on an item (timed out): cancel it, and kill its process when that is ours.

        A running thread cannot be stopped: it runs on in the background until it returns.
        """
        if isinstance(self._executor, SupervisedProcessPool):
            self._executor.abandon(future)
        elif not future.cancel():
            self._abandoned = True

    def close(self, *, cancel: bool) -> None:
        """Shut an owned executor down; with ``cancel``, drop and stop unfinished work.

        The call waits for the owned pool's threads or processes to end, except for threads
        still running abandoned work (they cannot be stopped).
        """
        if cancel:
            self.stopping.set()
        if self.owned and self._executor is not None:
            self._executor.shutdown(wait=not self._abandoned, cancel_futures=cancel)
