"""The reusable worker threads behind the sync form of ``timeout``.

A sync stage under ``timeout`` runs in a worker thread while its caller waits for it, up to the
deadline. Starting a thread per call costs about 100 us; here idle workers wait for the next
call instead, so a call that finishes in time costs two thread hand-offs. A worker whose call
passed its deadline is *abandoned*: its caller has given up on it, it runs on until the function
returns, then it becomes idle again. There is no limit on the number of workers (each abandoned
one is replaced by a new one when needed); at most `IDLE_KEPT` idle workers stay, the
others end. Each call runs in a copy of the caller's context (``contextvars``).

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
"""The most idle workers kept waiting for calls; a worker that finds this many ends."""


class _Call:
    """One call handed to a worker; ``done`` is released when it has finished."""

    __slots__ = ("context", "done", "error", "function", "result", "value")

    def __init__(self, function: Callable[[Any], Any], value: Any) -> None:
        self.context = contextvars.copy_context()
        self.function = function
        self.value = value
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = threading.Lock()
        self.done.acquire()

    def run(self, worker: _Worker) -> bool:
        """Run the call; return whether ``worker`` stays (it is idle again before the caller
        wakes, so calls made one after another all find it)."""
        try:
            self.result = self.context.run(self.function, self.value)
        except BaseException as error:  # SystemExit and friends: the caller re-raises them
            self.error = error
        stays = len(_idle) < IDLE_KEPT
        if stays:
            _idle.append(worker)  # list.append is atomic: no lock on the hot path
        self.done.release()
        return stays


class _Worker:
    """A daemon thread that runs the calls handed to it, one at a time."""

    __slots__ = ("_call", "_wake")

    def __init__(self) -> None:
        self._call: _Call | None = None
        self._wake = threading.Lock()
        self._wake.acquire()
        threading.Thread(target=self._serve, name="wumbo timeout worker", daemon=True).start()

    def hand(self, call: _Call) -> None:
        self._call = call
        self._wake.release()

    def _serve(self) -> None:
        while True:
            self._wake.acquire()
            call, self._call = self._call, None
            assert call is not None
            stays = call.run(self)
            del call  # hold nothing of a finished call while idle
            if not stays:
                return


_idle: list[_Worker] = []


def _forget_workers() -> None:
    """In a forked child the workers' threads do not exist: start afresh."""
    _idle.clear()


os.register_at_fork(after_in_child=_forget_workers)


def call_with_deadline(
    function: Callable[[Any], Any], value: Any, seconds: float
) -> tuple[bool, Any]:
    """``(True, function(value))`` run in a worker thread, or ``(False, None)`` past ``seconds``.

    An exception raised by ``function`` (any ``BaseException``) is raised here. Past the
    deadline the worker is abandoned and the call runs on in it.

    Examples:
        >>> call_with_deadline(str.upper, "a", 1.0)
        (True, 'A')
    """
    call = _Call(function, value)
    try:
        worker = _idle.pop()
    except IndexError:
        worker = _Worker()
    worker.hand(call)
    if not call.done.acquire(timeout=seconds):
        return False, None
    if call.error is not None:
        raise call.error
    return True, call.result
