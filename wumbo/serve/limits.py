"""The server's limits: body size (413), time to send a body (408), time per call (504),
requests at once (503).

* [`read_limited_body`][wumbo.serve.limits.read_limited_body] reads a request body and stops with a 413 as soon as it is larger
  than allowed (a ``Content-Length`` that says so is refused before reading anything), and with
  a 408 when it has not all arrived in time. The server reads a body before it takes a
  concurrency slot, so slow clients cannot keep others out.
* [`call_with_deadline`][wumbo.serve.limits.call_with_deadline] runs a template on one input within a time limit: an async
  template is cancelled at the deadline; a sync one runs in a worker thread (so it never stalls
  the event loop) that is abandoned at the deadline, since Python cannot stop a thread.
* [`ConcurrencyGate`][wumbo.serve.limits.ConcurrencyGate] admits a bounded number of requests at once and answers the next
  ones with a 503 and ``Retry-After`` at once, rather than queueing them without bound.

Examples:
    >>> import anyio
    >>> from wumbo import template
    >>> anyio.run(call_with_deadline, template(str.upper), "ok", 1.0)
    <Success: OK>
    >>> gate = ConcurrencyGate(1, retry_after_seconds=2)
    >>> slot = gate.enter()
    >>> gate.enter()
    Traceback (most recent call last):
    ...
    wumbo.serve.errors.ServeError: the server is busy (1 requests in progress, the limit); retry after 2 s
    >>> slot.release(); gate.in_use
    0
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Mapping
from math import inf
from typing import Any

import anyio
import anyio.to_thread
from returns.result import Result

from wumbo.core.template import Template
from wumbo.serve.errors import ServeError
from wumbo.serve.threads import AbandonedThreads

__all__ = [
    "ConcurrencyGate",
    "Slot",
    "call_with_deadline",
    "read_limited_body",
    "too_large",
    "too_slow",
]


def too_large(limit: int, what: str = "the request body") -> ServeError:
    """The 413 error for a body (or line) over ``limit`` bytes.

    Examples:
        >>> too_large(10).body()["error"]["message"]
        'the request body is larger than the limit of 10 bytes'
    """
    return ServeError(
        413,
        "too_large",
        f"{what} is larger than the limit of {limit} bytes",
        details={"limit_bytes": limit},
    )


def too_slow(seconds: float, what: str = "the request body") -> ServeError:
    """The 408 error for a body (or line) that did not arrive within ``seconds``; it asks for
    the connection to be closed, since the rest of the body is never read.

    Examples:
        >>> error = too_slow(2.5)
        >>> error.status, error.message, error.headers
        (408, 'the request body did not arrive within 2.5 s', {'Connection': 'close'})
    """
    return ServeError(
        408,
        "body_timeout",
        f"{what} did not arrive within {seconds:g} s",
        details={"body_seconds": seconds},
        headers={"Connection": "close"},
    )


async def read_limited_body(
    headers: Mapping[str, str], chunks: AsyncIterable[bytes], limit: int, seconds: float = inf
) -> bytes:
    """The whole body from ``chunks``, or a 413 once it exceeds ``limit`` bytes, or a 408 when
    it has not all arrived within ``seconds``.

    Examples:
        >>> import anyio
        >>> async def chunks():
        ...     yield b"[1, "
        ...     yield b"2]"
        >>> anyio.run(read_limited_body, {}, chunks(), 100)
        b'[1, 2]'
        >>> anyio.run(read_limited_body, {"content-length": "500"}, chunks(), 100)
        Traceback (most recent call last):
        ...
        wumbo.serve.errors.ServeError: the request body is larger than the limit of 100 bytes
        >>> async def stalled():
        ...     yield b"[1, "
        ...     await anyio.sleep_forever()
        >>> anyio.run(read_limited_body, {}, stalled(), 100, 0.01)
        Traceback (most recent call last):
        ...
        wumbo.serve.errors.ServeError: the request body did not arrive within 0.01 s
    """
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    body = bytearray()
    with anyio.move_on_after(seconds) as deadline:
        async for chunk in chunks:
            body += chunk
            if len(body) > limit:
                raise too_large(limit)
    if deadline.cancelled_caught:
        raise too_slow(seconds)
    return bytes(body)


async def call_with_deadline(
    pipeline: Template[Any, Any, Any],
    value: object,
    seconds: float,
    threads: AbandonedThreads | None = None,
) -> Result[Any, Any]:
    """``pipeline``'s Result for ``value``, or a 504 when it takes longer than ``seconds``.

    A sync pipeline runs in a worker thread, started through ``threads`` (a 503 when too many
    abandoned ones still run), which counts the thread as abandoned if the call times out or
    is cancelled before the thread ends.

    Examples:
        >>> import anyio
        >>> from wumbo import template
        >>> async def never(value: object) -> object:
        ...     await anyio.sleep_forever()
        >>> anyio.run(call_with_deadline, template(never), 1, 0.01)
        Traceback (most recent call last):
        ...
        wumbo.serve.errors.ServeError: template 'never' did not finish within 0.01 s
    """
    try:
        with anyio.fail_after(seconds):
            if pipeline.is_async:
                return await pipeline.acall(value)
            call = (threads or AbandonedThreads(1, retry_after_seconds=1)).start()
            try:
                return await anyio.to_thread.run_sync(
                    call.run, pipeline, value, abandon_on_cancel=True
                )
            finally:
                call.abandon()  # nothing happens when the call has finished
    except TimeoutError:
        raise ServeError(
            504,
            "timeout",
            f"template {pipeline.__name__!r} did not finish within {seconds:g} s",
            details={"timeout_seconds": seconds},
        ) from None


class Slot:
    """One admitted request; ``release`` it exactly once when the request is over.

    Examples:
        >>> slot = ConcurrencyGate(2, retry_after_seconds=1).enter()
        >>> slot.release(); slot.release()  # a second release changes nothing
    """

    __slots__ = ("_gate", "_released")

    def __init__(self, gate: ConcurrencyGate) -> None:
        self._gate = gate
        self._released = False

    def release(self) -> None:
        """Give the slot back to the gate (idempotent)."""
        if not self._released:
            self._released = True
            self._gate._leave()  # pyright: ignore[reportPrivateUsage]


class ConcurrencyGate:
    """At most ``limit`` requests at once; the next one gets a 503 with ``Retry-After``.

    Used from the server's event loop only (no lock: it never awaits).

    Examples:
        >>> gate = ConcurrencyGate(3, retry_after_seconds=1)
        >>> slots = [gate.enter(), gate.enter()]
        >>> gate.in_use, gate.limit
        (2, 3)
    """

    def __init__(self, limit: int, *, retry_after_seconds: int) -> None:
        self.limit = limit
        self.retry_after_seconds = retry_after_seconds
        self.in_use = 0

    def enter(self) -> Slot:
        """A slot for one request, or a 503 [`ServeError`][wumbo.serve.errors.ServeError]."""
        if self.in_use >= self.limit:
            raise ServeError(
                503,
                "busy",
                f"the server is busy ({self.in_use} requests in progress, the limit); "
                f"retry after {self.retry_after_seconds} s",
                headers={"Retry-After": str(self.retry_after_seconds)},
            )
        self.in_use += 1
        return Slot(self)

    def _leave(self) -> None:
        self.in_use -= 1
