"""Decorator forms of "primary, else fallback": ``fallback_to`` and ``recover``.

* ``@fallback_to(secondary)`` on a primary stage is exactly the core combinator
  ``wumbo.fallback(primary, secondary)``: when the primary fails (raises or returns a
  Failure), ``secondary(value)`` runs on the same input.
* ``@recover(handler)`` also hands over why the primary failed: ``handler(value, error)``
  receives the exception the primary raised, or the value of the Failure it returned.

The result is ``B | C`` (the primary's or the fallback's value); its declared errors are the
fallback's, since the primary's failures are handled. Either side may be async.

Examples:
    >>> def from_cache(key: str) -> str:
    ...     raise KeyError(key)
    >>> def explain(key: str, error: object) -> str:
    ...     return f"{key}: {type(error).__name__}"
    >>> recover(explain)(from_cache).run("user")
    'user: KeyError'
    >>> fallback_to(str.upper)(from_cache).run("user")
    'USER'
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any, Generic, Never, overload

from returns.result import Result, Success
from typing_extensions import TypeVar

from wumbo.core.combinators import fallback
from wumbo.core.effects import Apply, Behaviour, Call, behaviour_step
from wumbo.core.stage import describe
from wumbo.core.template import Template
from wumbo.decorators._wrap import Inner, as_template, decorated, error_of

__all__ = ["FallbackFactory", "fallback_to", "recover"]

A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
E = TypeVar("E")


class FallbackFactory(Generic[A, C, E]):
    """What ``fallback_to`` and ``recover`` return: applied to a primary stage taking ``A``, it
    gives a Template whose value is the primary's or ``C``, failing only with ``E``.

    Examples:
        >>> factory = fallback_to(lambda text: 0)
        >>> factory(int).run("x")
        0
    """

    __slots__ = ("_build",)

    def __init__(self, build: Callable[[Callable[[Any], Any]], Inner]) -> None:
        self._build = build

    @overload
    def __call__(self, primary: Template[A, B, Any], /) -> Template[A, B | C, E]: ...
    @overload
    def __call__(
        self, primary: Callable[[A], Coroutine[Any, Any, Result[B, Any]]], /
    ) -> Template[A, B | C, E]: ...
    @overload
    def __call__(
        self, primary: Callable[[A], Coroutine[Any, Any, B]], /
    ) -> Template[A, B | C, E]: ...
    @overload
    def __call__(self, primary: Callable[[A], Result[B, Any]], /) -> Template[A, B | C, E]: ...
    @overload
    def __call__(self, primary: Callable[[A], B], /) -> Template[A, B | C, E]: ...
    def __call__(self, primary: Callable[[Any], Any], /) -> Template[Any, Any, Any]:
        return self._build(primary)


@overload
def fallback_to(secondary: Template[A, C, E], /) -> FallbackFactory[A, C, E]: ...  # type: ignore[overload-overlap]
@overload
def fallback_to(  # type: ignore[overload-overlap]
    secondary: Callable[[A], Coroutine[Any, Any, Result[C, E]]], /
) -> FallbackFactory[A, C, E]: ...
@overload
def fallback_to(
    secondary: Callable[[A], Coroutine[Any, Any, C]], /
) -> FallbackFactory[A, C, Never]: ...
@overload
def fallback_to(secondary: Callable[[A], Result[C, E]], /) -> FallbackFactory[A, C, E]: ...  # type: ignore[overload-overlap]
@overload
def fallback_to(secondary: Callable[[A], C], /) -> FallbackFactory[A, C, Never]: ...
def fallback_to(secondary: Callable[[Any], Any], /) -> FallbackFactory[Any, Any, Any]:
    """On the primary's failure, run ``secondary`` on the same input: ``@fallback_to(backup)``.

    ``fallback_to(secondary)(primary)`` is ``wumbo.fallback(primary, secondary)``.

    Examples:
        >>> @fallback_to(lambda text: -1)
        ... def parse(text: str) -> int:
        ...     return int(text)
        >>> parse.run("7"), parse.run("seven"), parse
        (7, -1, <Template fallback(parse, <lambda>)>)
    """
    backup = as_template(secondary)

    def build(primary: Callable[[Any], Any]) -> Inner:
        return fallback(as_template(primary), backup)

    return FallbackFactory(build)


def _recover(primary: Inner, handler: Callable[[Any, Any], Any], value: Any) -> Behaviour:
    result = yield Call(primary, value)
    if result.__class__ is Success:
        return result
    return (yield Apply(handler, value, error_of(result)))  # awaited if it is async


@overload
def recover(  # type: ignore[overload-overlap]
    handler: Callable[[A, Any], Coroutine[Any, Any, Result[C, E]]], /
) -> FallbackFactory[A, C, E]: ...
@overload
def recover(
    handler: Callable[[A, Any], Coroutine[Any, Any, C]], /
) -> FallbackFactory[A, C, Never]: ...
@overload
def recover(handler: Callable[[A, Any], Result[C, E]], /) -> FallbackFactory[A, C, E]: ...  # type: ignore[overload-overlap]
@overload
def recover(handler: Callable[[A, Any], C], /) -> FallbackFactory[A, C, Never]: ...
def recover(handler: Callable[[Any, Any], Any], /) -> FallbackFactory[Any, Any, Any]:
    """On the primary's failure, return ``handler(value, error)``: ``@recover(handler)``.

    ``error`` is the exception the primary raised (the original one, not a wrapper), or the
    value of the Failure it returned. The handler may return a value or a Result, raise (a
    failure of the decorated stage), or be ``async def``.

    Examples:
        >>> from wumbo import Failure
        >>> @recover(lambda key, error: f"default ({error!r})")
        ... def setting(key: str) -> str:
        ...     raise LookupError(key)
        >>> setting.run("color")
        "default (LookupError('color'))"
        >>> def lookup(key: str):
        ...     return Failure(f"no {key}")
        >>> recover(lambda key, error: error)(lookup).run("size")
        'no size'
    """
    if not callable(handler):
        raise TypeError(f"recover() expects a function (value, error), got {describe(handler)}")

    def build(primary: Callable[[Any], Any]) -> Inner:
        inner = as_template(primary)
        is_async = inner.is_async or inspect.iscoroutinefunction(handler)
        label = getattr(handler, "__name__", type(handler).__name__)
        name = f"recover({inner.__name__}, {label})"
        step = behaviour_step(name, is_async, _recover, inner, handler)
        return decorated(name, primary, inner, step)

    return FallbackFactory(build)
