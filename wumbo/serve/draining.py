"""Shutting down without dropping anyone: the requests in flight, waited for and then cut.

[`InFlight`][wumbo.serve.draining.InFlight] knows the template requests in progress. When a shutdown begins,
[`close`][wumbo.serve.draining.InFlight.close] turns new template requests away with a JSON 503 (``shutting_down``,
with ``Retry-After``) while the server still listens, so probes and late clients are answered
rather than refused. [`drain`][wumbo.serve.draining.InFlight.drain] waits until the requests in flight have
finished, at most the grace period, then cancels the rest; each cancelled request is answered
with the same JSON 503 (a ``map`` stream already under way ends with one such record, without
``line``).

[`Draining`][wumbo.serve.draining.Draining] is the ASGI middleware that does this around the application (``/healthz``,
``/readyz`` and ``/metrics`` are not template requests: they are always answered).

Examples:
    >>> import anyio
    >>> in_flight = InFlight()
    >>> async def request() -> str:
    ...     with in_flight.track() as scope:
    ...         await anyio.sleep_forever()
    ...     return "cancelled" if scope.cancelled_caught else "done"
    >>> async def shutdown() -> list[object]:
    ...     async with anyio.create_task_group() as tasks:
    ...         results: list[object] = []
    ...         async def run() -> None:
    ...             results.append(await request())
    ...         tasks.start_soon(run)
    ...         await anyio.wait_all_tasks_blocked()
    ...         in_flight.close()
    ...         results.append(await in_flight.drain(0.01))  # how many it had to cut
    ...     return results
    >>> anyio.run(shutdown)
    [1, 'cancelled']
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator

import anyio
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wumbo.serve.errors import ServeError

__all__ = ["ALWAYS_ANSWERED", "Draining", "InFlight", "shutting_down"]

ALWAYS_ANSWERED = frozenset({"/healthz", "/readyz", "/metrics"})
"""Paths answered during a shutdown like any other time."""


def shutting_down(retry_after_seconds: int, *, cancelled: bool) -> ServeError:
    """The 503 of a request refused (or, ``cancelled``, cut) because the server is stopping.

    Examples:
        >>> shutting_down(1, cancelled=False).body()["error"]["message"]
        'the server is shutting down; retry after 1 s (on another instance)'
    """
    what = (
        "the server shut down before this request finished"
        if cancelled
        else "the server is shutting down"
    )
    return ServeError(
        503,
        "shutting_down",
        f"{what}; retry after {retry_after_seconds} s (on another instance)",
        headers={"Retry-After": str(retry_after_seconds), "Connection": "close"},
    )


class InFlight:
    """The template requests in progress, each in a cancel scope a shutdown can cancel.

    Used from the server's event loop only.

    Examples:
        >>> in_flight = InFlight()
        >>> len(in_flight), in_flight.closing
        (0, False)
        >>> in_flight.close(); in_flight.closing
        True
    """

    def __init__(self) -> None:
        self._scopes: set[anyio.CancelScope] = set()
        self._emptied: anyio.Event | None = None
        self.closing = False

    def __len__(self) -> int:
        return len(self._scopes)

    @contextlib.contextmanager
    def track(self) -> Generator[anyio.CancelScope]:
        """A cancel scope for one request, known to [`drain`][wumbo.serve.draining.InFlight.drain] while it runs."""
        with anyio.CancelScope() as scope:
            self._scopes.add(scope)
            try:
                yield scope
            finally:
                self._scopes.discard(scope)
                if not self._scopes and self._emptied is not None:
                    self._emptied.set()

    def close(self) -> None:
        """From now on, new template requests are refused."""
        self.closing = True

    async def drain(self, seconds: float, give_up: Callable[[], bool] = lambda: False) -> int:
        """Wait until no request is in flight, at most ``seconds`` (or until ``give_up()``,
        checked every 0.1 s), then cancel those left; returns how many were cancelled."""
        deadline = anyio.current_time() + seconds
        while self._scopes and not give_up() and (left := deadline - anyio.current_time()) > 0:
            self._emptied = anyio.Event()
            with anyio.move_on_after(min(left, 0.1)):
                await self._emptied.wait()
        for scope in self._scopes:
            scope.cancel()
        return len(self._scopes)


class Draining:
    """ASGI middleware: template requests are tracked by ``in_flight``, refused with a JSON 503
    once it is closing, and answered with one when a shutdown cancels them."""

    def __init__(self, app: ASGIApp, in_flight: InFlight, retry_after_seconds: int) -> None:
        self.app = app
        self.in_flight = in_flight
        self.retry_after_seconds = retry_after_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in ALWAYS_ANSWERED:
            await self.app(scope, receive, send)
            return
        if self.in_flight.closing:
            await self._refuse(scope, receive, send, cancelled=False)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        with self.in_flight.track() as cut:
            await self.app(scope, receive, watched)
        if cut.cancelled_caught and not started:
            await self._refuse(scope, receive, send, cancelled=True)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, *, cancelled: bool) -> None:
        error = shutting_down(self.retry_after_seconds, cancelled=cancelled)
        response = JSONResponse(error.body(), status_code=503, headers=error.headers)
        with anyio.move_on_after(1, shield=True):  # a client that does not read is let go
            await response(scope, receive, send)
