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

from returns.result import Result, Success

from wumbo.core.effects_compile import derived
from wumbo.core.result import StageError, bounded_repr

__all__ = [
    "AsyncStep",
    "SyncStep",
    "at_item",
    "declared_or_raised",
    "make_step",
    "value_or_failure",
]


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
        behaviour = getattr(self.impl, "__wumbo_behaviour__", None)
        if behaviour is not None:  # derived code: rebuilt from its behaviour, which pickles
            return (_rederived, (type(self), self.__name__, behaviour, self.args))
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


def _rederived(
    kind: type[SyncStep], name: str, behaviour: Callable[..., Any], args: tuple[Any, ...]
) -> SyncStep:
    return kind(name, derived(behaviour, is_async=kind is AsyncStep), args)


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


def declared_or_raised(failure: Result[Any, Any], where: Callable[[], str] | None = None) -> Any:
    """Hand on an inner stage's failed Result: a declared ``Failure`` is returned as it is.

    An unexpected exception inside the inner stage (a ``StageError``) is raised again as the
    original exception, so the outer pipeline reports it at the combinator's position, with a
    note saying ``where()`` (called only then: a successful item pays nothing for it).

    Examples:
        >>> from returns.result import Failure
        >>> declared_or_raised(Failure("declared"))
        <Failure: declared>
        >>> declared_or_raised(Failure(StageError("int", 1, 1, "x", ValueError("bad"))))
        Traceback (most recent call last):
        ...
        ValueError: bad
        wumbo: stage 'int' (1 of 1) raised this on input 'x'
    """
    error = failure.failure()
    if isinstance(error, StageError):
        original = error.error
        if where is not None:
            original.add_note(f"wumbo: {where()}")
        raise original
    return failure


def value_or_failure(result: Result[Any, Any], where: Callable[[], str] | None = None) -> Any:
    """The value of an inner stage's ``Success``, else `declared_or_raised`.

    Examples:
        >>> from returns.result import Failure
        >>> value_or_failure(Success(1)), value_or_failure(Failure("declared"))
        (1, <Failure: declared>)
    """
    if isinstance(result, Success):
        return result.unwrap()
    return declared_or_raised(result, where)


def at_item(index: int, item: object) -> Callable[[], str]:
    """Where in a collection an inner stage failed, for `declared_or_raised` (built lazily).

    Examples:
        >>> at_item(2, "x")()
        "at item 2: 'x'"
    """
    return lambda: f"at item {index}: {bounded_repr(item)}"
