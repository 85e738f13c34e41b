"""``AbandonedThreads``: sync template calls that outlived their request, counted and bounded.

Python cannot stop a thread: when a sync template runs past its timeout (or its request is
cancelled at shutdown) the client is answered and the thread runs on until the template
returns. A template that hangs would so pile up threads without end. Each sync call is
started through [`AbandonedThreads.start`][wumbo.serve.threads.AbandonedThreads.start], and once ``limit`` abandoned calls are still
running, new sync calls are refused with a 503 (and ``Retry-After``) until some finish.

Examples:
    >>> import threading
    >>> threads, release = AbandonedThreads(1, retry_after_seconds=5), threading.Event()
    >>> call = threads.start()
    >>> worker = threading.Thread(target=call.run, args=(release.wait,))
    >>> worker.start()
    >>> call.abandon()  # its caller gave up while it runs
    >>> threads.count
    1
    >>> threads.start()
    Traceback (most recent call last):
    ...
    wumbo.serve.errors.ServeError: 1 sync template calls are still running after their timeout (the limit); retry after 5 s
    >>> release.set(); worker.join()  # the thread ends at last: the count goes down
    >>> threads.count
    0
    >>> never = threads.start()
    >>> never.abandon(); threads.count  # given up before it started: not counted
    0
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from wumbo.serve.errors import ServeError

__all__ = ["AbandonedThreads", "ThreadCall"]

T = TypeVar("T")


class ThreadCall:
    """One sync call: [`run`][wumbo.serve.threads.ThreadCall.run] it in its thread; [`abandon`][wumbo.serve.threads.ThreadCall.abandon] it when its caller stops
    waiting (nothing happens when it has already finished).

    Examples:
        >>> threads = AbandonedThreads(4, retry_after_seconds=1)
        >>> call = threads.start()
        >>> call.run(len, "abc")
        3
        >>> call.abandon(); threads.count  # finished: nothing to count
        0
    """

    __slots__ = ("_abandoned", "_done", "_owner", "_started")

    def __init__(self, owner: AbandonedThreads) -> None:
        self._owner = owner
        self._started = False
        self._done = False
        self._abandoned = False

    def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)``, telling the owner when it starts and ends."""
        with self._owner._lock:  # pyright: ignore[reportPrivateUsage]
            self._started = True
            if self._abandoned:  # given up on just before its thread took it
                self._owner._count += 1  # pyright: ignore[reportPrivateUsage]
        try:
            return function(*args)
        finally:
            with self._owner._lock:  # pyright: ignore[reportPrivateUsage]
                self._done = True
                if self._abandoned:
                    self._owner._count -= 1  # pyright: ignore[reportPrivateUsage]

    def abandon(self) -> None:
        """The caller no longer waits: count the call while its thread runs (a call that
        never started is never counted)."""
        with self._owner._lock:  # pyright: ignore[reportPrivateUsage]
            if not self._done and not self._abandoned:
                self._abandoned = True
                if self._started:
                    self._owner._count += 1  # pyright: ignore[reportPrivateUsage]


class AbandonedThreads:
    """How many sync calls still run after their caller gave up, and the most allowed.

    Thread-safe: calls end in their own threads.

    Examples:
        >>> AbandonedThreads(16, retry_after_seconds=1).count
        0
    """

    def __init__(self, limit: int, *, retry_after_seconds: int) -> None:
        self.limit = limit
        self.retry_after_seconds = retry_after_seconds
        self._lock = threading.Lock()
        self._count = 0

    @property
    def count(self) -> int:
        """Abandoned calls whose thread is still running."""
        return self._count

    def start(self) -> ThreadCall:
        """A handle for a sync call about to start, or a 503
        [`ServeError`][wumbo.serve.errors.ServeError] once ``limit`` abandoned calls still run."""
        if self._count >= self.limit:
            raise ServeError(
                503,
                "abandoned_threads",
                f"{self._count} sync template calls are still running after their timeout "
                f"(the limit); retry after {self.retry_after_seconds} s",
                details={"limit": self.limit},
                headers={"Retry-After": str(self.retry_after_seconds)},
            )
        return ThreadCall(self)
