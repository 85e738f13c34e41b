"""Which attempt of a stage is running: how ``retry`` tells ``trace`` (and observers) about it.

``retry`` sets [`current_attempt`][wumbo.decorators.attempt.current_attempt] around each attempt; ``trace`` reads it into its span.
A context variable works the same in threads, in asyncio tasks and in trio tasks.

Examples:
    >>> with attempt(2):
    ...     current_attempt.get()
    2
    >>> current_attempt.get()
    1
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["attempt", "current_attempt"]

current_attempt: ContextVar[int] = ContextVar("wumbo_current_attempt", default=1)
"""The 1-based number of the attempt now running (1 outside any retry)."""


@contextmanager
def attempt(number: int) -> Generator[None, None, None]:
    """Mark the code inside as attempt ``number``.

    Examples:
        >>> with attempt(3):
        ...     print(current_attempt.get())
        3
    """
    token = current_attempt.set(number)
    try:
        yield
    finally:
        current_attempt.reset(token)
