"""Picklable callables that combinators are built from, and how they read inner results.

A combinator's stage must pickle (process pools and Dask send pipelines to other processes), so
it cannot be a closure: it is a `SyncStep` or `AsyncStep` holding a module-level
implementation function and its arguments.

Examples:
    >>> def add(n: int, value: int) -> int:
    ...     return value + n
    >>> step = SyncStep("add(2)", add, (2,))
    >>> step(40), step.__name__
    (42, 'add(2)')
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from returns.result import Failure, Result, Success

from wumbo.core.result import StageError, bounded_repr

__all__ = ["AsyncStep", "Stop", "SyncStep", "make_step", "value_or_stop"]


class SyncStep:
    """A named, picklable stage: ``impl(*args, value)``.

    Examples:
        >>> SyncStep("neg", lambda value: -value, ())(3)
        -3
    """

    __slots__ = ("__name__", "args", "impl")

    def __init__(self, name: str, impl: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.__name__ = name
        self.impl = impl
        self.args = args

    def __call__(self, value: Any) -> Any:
        return self.impl(*self.args, value)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.__name__, self.impl, self.args))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SyncStep) or type(other) is not type(self):
            return False
        return (self.__name__, self.impl, self.args) == (other.__name__, other.impl, other.args)

    def __hash__(self) -> int:
        return hash((self.__name__, self.impl, self.args))

    def __repr__(self) -> str:
        return f"<step {self.__name__}>"


class AsyncStep(SyncStep):
    """The async twin of `SyncStep`: ``await impl(*args, value)``.

    Examples:
        >>> import anyio
        >>> async def neg(value: int) -> int:
        ...     return -value
        >>> anyio.run(AsyncStep("neg", neg, ()), 3)
        -3
    """

    __slots__ = ()

    async def __call__(self, value: Any) -> Any:
        implementation: Callable[..., Awaitable[Any]] = self.impl
        return await implementation(*self.args, value)


def make_step(
    name: str,
    is_async: bool,
    sync_impl: Callable[..., Any],
    async_impl: Callable[..., Awaitable[Any]],
    *args: Any,
) -> SyncStep:
    """The sync or the async step, as the inner stages require.

    Examples:
        >>> async def twice(value: int) -> int:
        ...     return value * 2
        >>> type(make_step("twice", True, lambda v: v * 2, twice)).__name__
        'AsyncStep'
    """
    return AsyncStep(name, async_impl, args) if is_async else SyncStep(name, sync_impl, args)


class Stop(Exception):
    """Carries a declared ``Failure`` out of a combinator's loop (never escapes a combinator)."""

    def __init__(self, failure: Result[Any, Any]) -> None:
        super().__init__()
        self.failure = failure


def value_or_stop(result: Result[Any, Any], where: Callable[[], str] | None = None) -> Any:
    """The value of an inner stage's Result, or leave the combinator.

    An unexpected exception inside the inner stage (a ``StageError``) is re-raised as the
    original exception, so the outer pipeline reports it at the combinator's position, with a
    note saying ``where()`` (called only then: a successful item pays nothing for it); a
    declared failure is carried out with `Stop` and returned as it is.

    Examples:
        >>> value_or_stop(Success(1))
        1
        >>> value_or_stop(Failure("declared"))
        Traceback (most recent call last):
        ...
        wumbo.core.steps.Stop
    """
    if isinstance(result, Success):
        return result.unwrap()
    error = result.failure()
    if isinstance(error, StageError):
        original = error.error
        if where is not None:
            original.add_note(f"wumbo: {where()}")
        raise original
    raise Stop(result)


def at_item(index: int, item: object) -> Callable[[], str]:
    """Where in a collection an inner stage failed, for `value_or_stop` (built lazily).

    Examples:
        >>> at_item(2, "x")()
        "at item 2: 'x'"
    """
    return lambda: f"at item {index}: {bounded_repr(item)}"


def stopped(stop: Stop) -> Failure[Any]:
    """The declared failure a `Stop` carried.

    Examples:
        >>> stopped(Stop(Failure("no")))
        <Failure: no>
    """
    failure = stop.failure
    assert isinstance(failure, Failure)
    return failure
