"""The reusable worker threads behind the default sync form of ``timeout``.

A sync stage under ``timeout`` runs in a worker thread while its caller waits for it, up to the
deadline. Starting a thread per call costs about 100 us; here idle workers wait for the next
call instead, so a call that finishes in time costs one round trip between two threads and a
microsecond or two of wumbo's own work. Nothing is allocated per call but a copy of the
caller's context (``contextvars``), in which the call runs.

The round trip is made cheap on Linux (about 4 us per call where it costs 50 to 80 us
otherwise, on an idle virtual machine; ``python -m benchmarks decorators``) in two ways:

* the worker that takes a call is pinned to the CPU its caller runs on
  (`wumbo.decorators.timeout_affinity`), so that handing the call over and back are two
  context switches on one CPU instead of two wake-ups of an idle, halted CPU. A call still
  running after `PINNED_AT_MOST`, and an abandoned one, may run on any CPU again;
* the caller wakes the worker through an eventfd with the GIL released (`_Doorbell`): the
  worker takes the GIL at once and usually finishes the call before its caller is back.

Elsewhere, or where the system refuses to pin threads, the calls are the same, with the slower
round trip.

A caller takes an idle worker, hands it the call and waits; when the call finishes in time the
caller collects its outcome and puts the worker back. A worker whose call passed its deadline
is *abandoned*: its caller has given up on it, it runs on until the function returns, then puts
itself back. Who owns a call's end (the caller that waited, or the abandoned worker) is decided
by a one-token list that both try to pop: whoever pops it first. There is no limit on the
number of workers (each abandoned one is replaced by a new one when needed); at most
`IDLE_KEPT` idle workers stay, the others end.

Examples:
    >>> from returns.result import Success
    >>> call_with_deadline(lambda n: Success(n + 1), 1, 5.0)
    (True, <Success: 2>)
    >>> import threading
    >>> release = threading.Event()
    >>> call_with_deadline(lambda n: release.wait(5), 1, 0.01)  # abandoned, runs on
    (False, None)
    >>> release.set()
"""

from __future__ import annotations

import contextvars
import functools
import os
import threading
from collections.abc import Callable
from typing import Any, Final

from wumbo.decorators.timeout_affinity import NO_CPU, caller_cpu, place

__all__ = ["IDLE_KEPT", "PINNED_AT_MOST", "call_with_deadline"]

IDLE_KEPT: Final = 16
"""The most idle workers kept waiting for calls; a worker beyond them ends."""
PINNED_AT_MOST: Final = 0.001
"""How long, in seconds, a worker stays pinned to its caller's CPU during one call. A call still
running then may run on any CPU (so that long calls of callers that happen to share a CPU do not
queue on it), and so may an abandoned one."""


def _nothing_to_free() -> None:
    """What closing a doorbell that is a lock does."""


class _Doorbell:
    """What an idle worker waits on (`wait`) until a caller hands it a call (`ring`).

    On Linux an eventfd, rung with the GIL released (``os.eventfd_write``): the worker, woken
    on its caller's CPU, takes the GIL at once and runs the call, often before the caller is
    back from the system call, and the caller then finds the call done without sleeping. A
    lock instead is released by a caller holding the GIL, so the worker wakes only to wait for
    it (two more context switches per call). Elsewhere, or when no file descriptor is left, a
    lock. `close` frees the file descriptor once the worker ends.
    """

    __slots__ = ("close", "ring", "wait")

    def __init__(self) -> None:
        self.ring: Callable[[], object]
        self.wait: Callable[[], object]
        self.close: Callable[[], object]
        try:
            descriptor = os.eventfd(0, os.EFD_CLOEXEC)
        except (AttributeError, OSError):  # not Linux, or out of file descriptors
            lock = threading.Lock()
            lock.acquire()
            self.ring, self.wait, self.close = lock.release, lock.acquire, _nothing_to_free
        else:
            self.ring = functools.partial(os.eventfd_write, descriptor, 1)
            self.wait = functools.partial(os.eventfd_read, descriptor)
            self.close = functools.partial(os.close, descriptor)


class _Worker:
    """A daemon thread that runs the calls handed to it, one at a time.

    The caller's side is `call`; the thread's side is `_serve`. The caller rings ``_bell`` to
    start a call; the worker releases ``_done`` (a lock that starts held) when the call ends
    and its caller still waits. ``_unclaimed`` holds one token while a call runs. ``_cpu`` is
    the CPU the thread is pinned to (`NO_CPU`: none); only callers change it.
    """

    __slots__ = (
        "_bell",
        "_context",
        "_cpu",
        "_done",
        "_error",
        "_function",
        "_native_id",
        "_result",
        "_unclaimed",
        "_value",
    )

    def __init__(self) -> None:
        self._bell = _Doorbell()
        self._done = threading.Lock()
        self._done.acquire()
        self._unclaimed: list[bool] = []
        self._function: Callable[[Any], Any] | None = None
        self._value: Any = None
        self._context: contextvars.Context | None = None
        self._result: Any = None
        self._error: BaseException | None = None
        thread = threading.Thread(target=self._serve, name="wumbo timeout worker", daemon=True)
        thread.start()
        self._native_id = thread.native_id
        self._cpu = NO_CPU

    def call(self, function: Callable[[Any], Any], value: Any, seconds: float) -> tuple[bool, Any]:
        """Run ``function(value)`` in this worker; see `call_with_deadline`."""
        cpu = caller_cpu()
        if cpu != self._cpu:
            self._cpu = place(self._native_id, cpu)
        pinned_for = seconds if self._cpu == NO_CPU else min(seconds, PINNED_AT_MOST)
        self._context = contextvars.copy_context()
        self._function = function
        self._value = value
        self._unclaimed.append(True)
        try:
            self._bell.ring()
            in_time = self._done.acquire(timeout=pinned_for)
            if not in_time and pinned_for < seconds:
                in_time = self._wait_unpinned(seconds - pinned_for)
        except BaseException:  # KeyboardInterrupt, an outer interrupt: stop waiting
            if self._finished_anyway():
                self._collect()
            raise
        if not in_time and not self._finished_anyway():
            return False, None
        result, error = self._collect()
        if error is not None:
            raise error
        return True, result

    def _wait_unpinned(self, seconds: float) -> bool:
        """Whether the call, still running past `PINNED_AT_MOST` (or its deadline, if sooner),
        ends within ``seconds`` more; meanwhile the worker may run on any CPU."""
        self._unpin()
        return self._done.acquire(timeout=seconds)

    def _unpin(self) -> None:
        """Let the thread run on any CPU; while a call runs, before the worker can be reused."""
        if self._cpu != NO_CPU:
            self._cpu = place(self._native_id, NO_CPU)

    def _finished_anyway(self) -> bool:
        """The caller gives up: False when it abandons the worker, True when the call has
        ended meanwhile (the worker took the token first; its outcome is collected as usual).
        Either way the worker is unpinned first, so an abandoned one does not compete with its
        caller for one CPU."""
        self._unpin()
        try:
            self._unclaimed.pop()
        except IndexError:
            self._done.acquire()  # released by the worker right after it took the token
            return True
        return False

    def _collect(self) -> tuple[Any, BaseException | None]:
        """The ended call's outcome; the worker goes back to the pool, holding nothing."""
        result, error = self._result, self._error
        self._result = self._error = None
        if not _rest(self):
            self.end()
        return result, error

    def end(self) -> None:
        """Have this idle worker's thread end (woken with no function to run, it returns)."""
        self._bell.ring()

    def forget(self) -> None:
        """Free what this worker holds, its thread gone (in a forked child)."""
        self._bell.close()

    def _serve(self) -> None:
        try:
            while self._serve_one():
                pass
        finally:
            self._bell.close()

    def _serve_one(self) -> bool:
        """Wait for a call and run it; False when the worker is to end."""
        self._bell.wait()
        function, context = self._function, self._context
        if function is None or context is None:
            return False
        try:
            self._result = context.run(function, self._value)
        except BaseException as error:  # SystemExit and friends: the caller re-raises them
            self._error = error
        self._function = self._value = self._context = None
        del function, context  # hold nothing of a finished call while idle
        try:
            self._unclaimed.pop()
        except IndexError:  # abandoned: no caller collects the outcome
            self._result = self._error = None
            return _rest(self)
        self._done.release()
        return True


def _rest(worker: _Worker) -> bool:
    """Put ``worker`` back in the pool of idle workers, unless `IDLE_KEPT` are there already."""
    if len(_idle) < IDLE_KEPT:
        _idle.append(worker)  # list.append and list.pop are atomic: no lock on the hot path
        return True
    return False


_idle: list[_Worker] = []


def _forget_workers() -> None:
    """In a forked child the workers' threads do not exist: start afresh."""
    while _idle:
        _idle.pop().forget()


os.register_at_fork(after_in_child=_forget_workers)


def call_with_deadline(
    function: Callable[[Any], Any], value: Any, seconds: float
) -> tuple[bool, Any]:
    """``(True, function(value))`` run in a worker thread, or ``(False, None)`` past ``seconds``.

    The call runs in a copy of the caller's context. An exception raised by ``function`` (any
    ``BaseException``) is raised here. Past the deadline the worker is abandoned and the call
    runs on in it.

    Examples:
        >>> call_with_deadline(str.upper, "a", 1.0)
        (True, 'A')
    """
    try:
        worker = _idle.pop()
    except IndexError:
        worker = _Worker()
    return worker.call(function, value, seconds)
