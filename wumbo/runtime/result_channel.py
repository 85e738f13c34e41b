"""Each item's outcome, sent back from a worker process the moment it is known.

A task of a [`SupervisedProcessPool`][wumbo.runtime.process_pool.SupervisedProcessPool] runs
several calls (a *chunk*), one after another, in one worker. Waiting for the task's return value
would lose every finished call when the worker dies on a later one, so the worker writes each
outcome to a pipe instead, as soon as it has it, and the task itself returns only how long its
calls took.

One [`ResultChannel`][wumbo.runtime.result_channel.ResultChannel] belongs to one pool (one
*generation* of a supervised pool): the pool hands the pipe's write end to every worker it
starts (``initializer=``), and one thread of the parent reads the other end and settles the
destination of each call (its future, say). The workers write under a lock, so messages never interleave; a worker
killed while it writes leaves at most one torn message behind, which the reader treats as the
end. Once the pool is gone (its workers dead or ended) and the channel is closed, the reader
reads what is left in the pipe, then reaches the end of the file and calls ``on_drained``:
every outcome that made it out of a worker has been settled by then, so the calls whose future
is still pending are exactly those that never finished.

Examples:
    >>> import multiprocessing
    >>> from wumbo.runtime.outcomes import FutureOutcomes
    >>> drained = []
    >>> channel = ResultChannel(multiprocessing.get_context("spawn"), 0, drained.append)
    >>> outcomes = FutureOutcomes.new(2)
    >>> futures = outcomes.futures
    >>> channel.expect(7, outcomes, "the task's owner")
    >>> install_sink(channel.writer, channel.lock)  # what each worker does when it starts
    >>> seconds = run_calls(7, abs, [(-1,), ("x",)], 0.0)  # in a worker: each outcome at once
    >>> futures[0].result(timeout=10), type(futures[1].exception(timeout=10)).__name__
    (1, 'TypeError')
    >>> channel.close(); channel.join()
    >>> drained == [channel], channel.leftovers()
    (True, [])
"""

from __future__ import annotations

import fcntl
import os
import pickle
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any, Generic, TypeVar

from wumbo.runtime.outcomes import Outcomes

T = TypeVar("T")

__all__ = ["ResultChannel", "install_sink", "run_calls"]


class _Expected(Generic[T]):
    """Where one task's outcomes go, how many came back (a prefix), and the task's owner."""

    __slots__ = ("outcomes", "owner", "received")

    def __init__(self, outcomes: Outcomes, owner: T) -> None:
        self.outcomes = outcomes
        self.owner = owner
        self.received = 0


class ResultChannel(Generic[T]):
    """A pipe from one pool's workers to the futures of their calls; see the module docstring.

    ``on_drained(channel)`` is called in the reader thread once the channel is closed and
    everything the workers wrote is read. Each task is registered with an *owner* (the pool's
    record of it), handed back by [`leftovers`][wumbo.runtime.result_channel.ResultChannel.leftovers].
    """

    def __init__(
        self,
        context: BaseContext,
        generation: int,
        on_drained: Callable[[ResultChannel[T]], None],
    ) -> None:
        self.generation = generation
        self._reader, self.writer = context.Pipe(duplex=False)
        self.lock = WriteLock.new()
        self._tasks: dict[int, _Expected[T]] = {}
        self._thread = threading.Thread(
            target=self._read,
            args=(on_drained,),
            name=f"wumbo-process-results-{generation}",
            daemon=True,
        )
        self._thread.start()

    def expect(self, key: int, outcomes: Outcomes, owner: T) -> None:
        """Register where the outcomes of task ``key`` go (call it before the task is sent)."""
        self._tasks[key] = _Expected(outcomes, owner)

    def forget(self, key: int) -> None:
        """Ignore whatever task ``key`` still sends (its calls are settled elsewhere)."""
        self._tasks.pop(key, None)

    def leftovers(self) -> list[tuple[T, int]]:
        """``(owner, received)`` of every task with calls that sent no outcome, in send order.

        Meaningful once drained: calls from offset ``received`` on never finished, and the one
        at ``received`` was running if the task had started.
        """
        return [(expected.owner, expected.received) for expected in self._tasks.values()]

    def close(self) -> None:
        """Close the parent's write end; call it once no worker of the pool can write any more."""
        self.writer.close()
        self.lock.remove()

    def join(self) -> None:
        """Wait until the reader thread has read everything and ended."""
        self._thread.join()

    def _read(self, on_drained: Callable[[ResultChannel[T]], None]) -> None:
        tasks, receive = self._tasks, self._reader.recv_bytes
        loads = pickle.loads
        with self._reader:
            while True:
                try:
                    envelope: tuple[int, int, int, bytes] = loads(receive())
                except Exception:  # EOF: every writer is gone (a torn last message too)
                    break
                key, first, count, pickled = envelope
                expected = tasks.get(key)
                if expected is None:
                    continue
                try:
                    batch: list[tuple[bool, Any]] = loads(pickled)
                except Exception as error:  # say, a result's class is missing here
                    batch = [(False, error)] * count
                outcomes = expected.outcomes
                expected.received = first + count
                if expected.received == len(outcomes):
                    tasks.pop(key, None)
                for offset, (ok, value) in enumerate(batch, first):
                    outcomes.settle(offset, ok, value)
        on_drained(self)


class WriteLock:
    """The lock a pool's workers write under: ``flock`` on a file of its own.

    Not a ``multiprocessing.Lock``: the kernel releases a ``flock`` when its holder dies, so a
    worker killed while it writes cannot leave the lock held for the others; and there is no
    semaphore for multiprocessing's resource tracker to clean up, which Python 3.13 refuses
    ("Reentrant call into the multiprocessing resource tracker") when the cyclic garbage
    collector finalizes one while the tracker is busy. It pickles as its path; each process
    opens the file once, on first use, and the parent deletes it when the pool is gone.

    Examples:
        >>> import pickle
        >>> lock = WriteLock.new()
        >>> in_a_worker = pickle.loads(pickle.dumps(lock))
        >>> with in_a_worker:
        ...     in_a_worker.path == lock.path
        True
        >>> lock.remove(); os.path.exists(lock.path)
        False
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None

    @classmethod
    def new(cls) -> WriteLock:
        """A lock on a new file, deleted by `remove` (or when the lock is collected)."""
        descriptor, path = tempfile.mkstemp(prefix="wumbo-results-", suffix=".lock")
        os.close(descriptor)
        lock = cls(path)
        lock._removal = weakref.finalize(lock, Path(path).unlink, missing_ok=True)
        return lock

    _removal: Callable[[], object] | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (WriteLock, (self.path,))

    def __enter__(self) -> None:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *exc_info: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def remove(self) -> None:
        """Delete the file of a lock made by `new` (its pool's workers are gone)."""
        if self._removal is not None:
            self._removal()


_sink: list[tuple[Connection, WriteLock]] = []
"""In a worker process: where `run_calls` writes (set once by `install_sink`)."""


def install_sink(writer: Connection, lock: WriteLock) -> None:
    """The pool's ``initializer``: remember the channel's write end in this worker."""
    _sink[:] = [(writer, lock)]


def _pickled(batch: list[tuple[bool, Any]]) -> bytes:
    """Pickle a batch of outcomes; an outcome that does not pickle becomes the error saying so."""
    dumps = ForkingPickler.dumps
    try:
        return bytes(dumps(batch))
    except Exception:
        return bytes(dumps([_pickles(ok, value) for ok, value in batch]))


def _pickles(ok: bool, value: object) -> tuple[bool, object]:
    try:
        ForkingPickler.dumps(value)
    except Exception as error:
        try:
            ForkingPickler.dumps(error)
        except Exception:
            return False, RuntimeError(f"{type(value).__name__} outcome did not pickle: {error!r}")
        return False, error
    return ok, value


def run_calls(
    key: int, fn: Callable[..., Any], calls: Sequence[tuple[Any, ...]], flush_seconds: float
) -> float:
    """In a worker: run ``fn(*args)`` for each of ``calls``, sending the outcomes as they come.

    Outcomes go out in batches, pickled together: a batch is sent once ``flush_seconds`` have
    passed since the last one (``0``: after every call), and at the end. Returns the mean time
    of a call in seconds (the pool sizes its chunks from it). A ``BaseException`` raised by
    ``fn`` is sent as its outcome, as CPython's pool does.
    """
    writer, lock = _sink[0]
    dumps, clock = ForkingPickler.dumps, time.perf_counter
    began = flushed = clock()
    first, last = 0, len(calls) - 1
    batch: list[tuple[bool, Any]] = []
    for offset, args in enumerate(calls):
        try:
            batch.append((True, fn(*args)))
        except BaseException as error:
            batch.append((False, error))
        now = clock()
        if now - flushed >= flush_seconds or offset == last:
            message = dumps((key, first, len(batch), _pickled(batch)))
            with lock:
                writer.send_bytes(message)
            first, batch, flushed = offset + 1, [], now
    return (clock() - began) / max(1, len(calls))
