"""The reusable worker threads behind the default sync form of ``timeout``.

A sync stage under ``timeout`` runs in a worker thread while its caller waits for it, up to the
deadline. Starting a thread per call costs about 100 us; here idle workers wait for the next
call instead, so a call that finishes in time costs one round trip between two threads (two
lock hand-offs: the floor of any design that waits for another thread, measured beside it by
``python -m benchmarks decorators``) and a microsecond or two of wumbo's own work. Nothing is
allocated per call but a copy of the caller's context (``contextvars``), in which the call runs.

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
import os
import threading
from collections.abc import Callable
from typing import Any, Final

__all__ = ["IDLE_KEPT", "call_with_deadline"]

IDLE_KEPT: Final = 16
"""The most idle workers kept waiting for calls; a worker beyond them ends."""


class _Worker:
    """A daemon thread that runs the calls handed to it, one at a time.

    The caller's side is `call`; the thread's side is `_serve`. The two locks start held:
    ``_wake`` is released by the caller to start a call, ``_done`` by the worker when the call
    ends and its caller still waits. ``_unclaimed`` holds one token while a call runs.
    """

    __slots__ = (
        "_context",
        "_done",
        "_error",
        "_function",
        "_result",
        "_unclaimed",
        "_value",
        "_wake",
    )

    def __init__(self) -> None:
        self._wake = threading.Lock()
        self._wake.acquire()
        self._done = threading.Lock()
        self._done.acquire()
        self._unclaimed: list[bool] = []
        self._function: Callable[[Any], Any] | None = None
        self._value: Any = None
        self._context: contextvars.Context | None = None
        self._result: Any = None
        self._error: BaseException | None = None
        threading.Thread(target=self._serve, name="wumbo timeout worker", daemon=True).start()

    def call(self, function: Callable[[Any], Any], value: Any, seconds: float) -> tuple[bool, Any]:
        """Run ``function(value)`` in this worker; see `call_with_deadline`."""
        self._context = contextvars.copy_context()
        self._function = function
        self._value = value
        self._unclaimed.append(True)
        try:
            self._wake.release()
            in_time = self._done.acquire(timeout=seconds)
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

    def _finished_anyway(self) -> bool:
        """The caller gives up: False when it abandons the worker, True when the call has
        ended meanwhile (the worker took the token first; its outcome is collected as usual)."""
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
            self._wake.release()  # with no function to run: the worker ends
        return result, error

    def _serve(self) -> None:
        while True:
            self._wake.acquire()
            function, context = self._function, self._context
            if function is None or context is None:
                return
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
                if not _rest(self):
                    return
            else:
                self._done.release()


def _rest(worker: _Worker) -> bool:
    """Put ``worker`` back in the pool of idle workers, unless `IDLE_KEPT` are there already."""
    if len(_idle) < IDLE_KEPT:
        _idle.append(worker)  # list.append and list.pop are atomic: no lock on the hot path
        return True
    return False


_idle: list[_Worker] = []


def _forget_workers() -> None:
    """In a forked child the workers' threads do not exist: start afresh."""
    _idle.clear()


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
