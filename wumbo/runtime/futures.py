"""Await a ``concurrent.futures.Future`` from async code, on asyncio and on trio alike.

The future's done-callback runs in whatever thread completes it (an executor's worker, a
process pool's manager thread, Dask's client loop); it wakes the waiting task through anyio's
event-loop token without ever blocking that thread.

Examples:
    >>> import anyio
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> async def main() -> int:
    ...     with ThreadPoolExecutor(1) as pool:
    ...         waiter = FutureWaiter()
    ...         future = pool.submit(sum, [1, 2, 3])
    ...         await waiter.wait(future)
    ...         return future.result()
    >>> anyio.run(main)
    6
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import anyio
import anyio.lowlevel

__all__ = ["FutureWaiter"]


class FutureWaiter:
    """Waits for futures on the event loop it was created on (create it inside async code).

    Examples:
        >>> try:
        ...     FutureWaiter()
        ... except Exception as error:
        ...     print(type(error).__name__)
        NoEventLoopError
    """

    __slots__ = ("_token",)

    def __init__(self) -> None:
        self._token = anyio.lowlevel.current_token()

    async def wait(self, future: Future[Any]) -> None:
        """Return once ``future`` is done (its result is not taken); cancellable."""
        if future.done():
            return
        done = anyio.Event()
        token = self._token

        def wake(_: Future[Any]) -> None:
            try:
                token.backend_class.run_sync_soon(done.set, (), token.native_token)
            except anyio.RunFinishedError:  # the run is over: nobody waits any more
                return

        future.add_done_callback(wake)
        await done.wait()
