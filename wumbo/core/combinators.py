"""Combinators a pipeline author needs, each a small function returning a typed Template.

``map_items``, ``filter_items``, ``tap``, ``fan_out``, ``branch``, ``batch``, ``reduce_items``,
``fallback`` and ``expect``. Inner stages may be Templates or plain callables, sync or async;
a combinator is async exactly when one of its inner stages is. An inner stage that raises is
reported at the combinator's position (with a note saying which item); a declared ``Failure``
from an inner stage is returned as it is.

Examples:
    >>> from wumbo import template
    >>> from wumbo.core.combinators import batch, filter_items, map_items, reduce_items
    >>> def parse(text: str) -> int:
    ...     return int(text)
    >>> total = (
    ...     template(str.split)
    ...     | map_items(parse)
    ...     | filter_items(lambda n: n > 0)
    ...     | reduce_items(lambda acc, n: acc + n, 0)
    ... )
    >>> total.run("3 -1 4")
    7
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, Never, TypeAlias, overload

from returns.result import Failure, Result, Success
from toolz import partition_all
from typing_extensions import TypeVar

from wumbo.core.effects import Behaviour, Call, CallAll, behaviour_step
from wumbo.core.steps import SyncStep, at_item, declared_or_raised, value_or_failure
from wumbo.core.template import Template, template
from wumbo.core.validate import positive_int

__all__ = [
    "Batch",
    "Tap",
    "batch",
    "branch",
    "expect",
    "fallback",
    "fan_out",
    "filter_items",
    "map_items",
    "reduce_items",
    "tap",
]

A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
R = TypeVar("R")
E = TypeVar("E")
E2 = TypeVar("E2")
V1 = TypeVar("V1")
V2 = TypeVar("V2")
V3 = TypeVar("V3")
V4 = TypeVar("V4")
V5 = TypeVar("V5")
V6 = TypeVar("V6")
V7 = TypeVar("V7")
V8 = TypeVar("V8")
V9 = TypeVar("V9")
V10 = TypeVar("V10")
F1 = TypeVar("F1")
F2 = TypeVar("F2")
F3 = TypeVar("F3")
F4 = TypeVar("F4")
F5 = TypeVar("F5")
F6 = TypeVar("F6")
F7 = TypeVar("F7")
F8 = TypeVar("F8")
F9 = TypeVar("F9")
F10 = TypeVar("F10")
NoError = TypeVar("NoError", bound=Never)
T = TypeVar("T", default=Any)
TA = TypeVar("TA", contravariant=True)
TE = TypeVar("TE", covariant=True, default=Never)
# Type variables of a stage given as a function, which may or may not declare an error: Never
# unless solved (pyright leaves an unsolved one Unknown; a default must follow the others).
DC = TypeVar("DC", default=Never)
DE = TypeVar("DE", default=Never)
DE2 = TypeVar("DE2", default=Never)

_Stage = Template[Any, Any, Any]

# A function stage of any kind, typed by ONE signature: pyright picks the union member that
# fits (a Result's value and error, a coroutine's awaited value) and types a lambda from the
# call's context. mypy cannot choose between ``Result[B, E]`` and ``B`` for a Result-returning
# function, so the overloads around it take the kinds that mypy can tell apart.
_AnyFunction: TypeAlias = Callable[
    [A], Coroutine[Any, Any, Result[B, E]] | Coroutine[Any, Any, B] | Result[B, E] | B
]
# A function that declares its error: it returns a Result, or is async and returns one. Two
# kinds, not one callable returning a union: a lambda returning a Result fits a union's overload
# and the plain kind too, and mypy makes such a call Any (tests/typing/mypy_only_known_issues.py
# #8 shows it without wumbo).
_DeclaringFunction: TypeAlias = Callable[[A], Result[B, E]]
_AsyncDeclaringFunction: TypeAlias = Callable[[A], Coroutine[Any, Any, Result[B, E]]]
_AsyncFunction: TypeAlias = Callable[[A], Coroutine[Any, Any, B]]
_Predicate: TypeAlias = Callable[[A], object]


def _as_template(stage: Callable[[Any], Any]) -> _Stage:
    return template(stage)


def _single(name: str, step: Callable[[Any], Any]) -> _Stage:
    return template(step, name=name)


# -- map_items -------------------------------------------------------------------------------


def _each(keep_items: bool, inner: _Stage, items: Iterable[Any]) -> Behaviour:
    """The inner stage's values (or, with ``keep_items``, the items it found truthy)."""
    out: list[Any] = []
    for index, item in enumerate(items):
        result = yield Call(inner, item)
        if not isinstance(result, Success):
            return declared_or_raised(result, at_item(index, item))
        if not keep_items:
            out.append(result.unwrap())
        elif result.unwrap():
            out.append(item)
    return out


@overload
def map_items(stage: Template[A, B, E], /) -> Template[Iterable[A], list[B], E]: ...  # type: ignore[overload-overlap]
@overload
def map_items(  # type: ignore[overload-overlap]
    stage: Callable[[A], Coroutine[Any, Any, Result[B, E]]], /
) -> Template[Iterable[A], list[B], E]: ...
@overload
def map_items(
    stage: Callable[[A], Coroutine[Any, Any, B]], /
) -> Template[Iterable[A], list[B]]: ...
@overload
def map_items(  # type: ignore[overload-overlap]
    stage: Callable[[A], Result[B, E]], /
) -> Template[Iterable[A], list[B], E]: ...
@overload
def map_items(stage: Callable[[A], B], /) -> Template[Iterable[A], list[B]]: ...
def map_items(stage: Callable[[Any], Any], /) -> _Stage:
    """Apply ``stage`` to every item of an iterable, giving a list (sequentially).

    For many items with concurrency and backpressure, run a pipeline with ``.map`` instead.

    Examples:
        >>> from wumbo.core.combinators import map_items
        >>> map_items(int).run(["1", "2"])
        [1, 2]
        >>> print(map_items(int)(["1", "x"]).failure())
        stage 'map_items(int)' (1 of 1) raised ValueError: invalid literal for int() with base 10: 'x'; input: ['1', 'x']
    """
    inner = _as_template(stage)
    name = f"map_items({inner.__name__})"
    return _single(name, behaviour_step(name, inner.is_async, _each, False, inner))


# -- filter_items ----------------------------------------------------------------------------


@overload
def filter_items(predicate: Template[A, object, E], /) -> Template[Iterable[A], list[A], E]: ...  # type: ignore[overload-overlap]
@overload
def filter_items(  # type: ignore[overload-overlap]
    predicate: Callable[[A], Coroutine[Any, Any, Result[object, E]]], /
) -> Template[Iterable[A], list[A], E]: ...
@overload
def filter_items(
    predicate: Callable[[A], Coroutine[Any, Any, object]], /
) -> Template[Iterable[A], list[A]]: ...
@overload
def filter_items(  # type: ignore[overload-overlap]
    predicate: Callable[[A], Result[object, E]], /
) -> Template[Iterable[A], list[A], E]: ...
@overload
def filter_items(predicate: Callable[[A], object], /) -> Template[Iterable[A], list[A]]: ...
def filter_items(predicate: Callable[[Any], Any], /) -> _Stage:
    """Keep the items for which ``predicate`` is truthy, as a list.

    Examples:
        >>> from wumbo.core.combinators import filter_items
        >>> filter_items(str.isdigit).run(["1", "a", "2"])
        ['1', '2']
    """
    inner = _as_template(predicate)
    name = f"filter_items({inner.__name__})"
    return _single(name, behaviour_step(name, inner.is_async, _each, True, inner))


# -- tap -------------------------------------------------------------------------------------


def _tap(inner: _Stage, value: Any) -> Behaviour:
    result = yield Call(inner, value)
    return value if isinstance(result, Success) else declared_or_raised(result)


class Tap(Template[TA, TA, TE]):  # type: ignore[type-var]  # pyright: ignore[reportInvalidTypeArguments]
    """What [`tap`][wumbo.core.combinators.tap] returns: a ``Template[A, A, E]`` that hands its value on unchanged.

    Its own class lets ``x | tap(f)`` keep ``x``'s output type when ``f`` takes a wider type
    (``tap(print)`` takes ``object``): ``Tap`` is contravariant in ``A``.

    Examples:
        >>> from wumbo import tap, template
        >>> pipeline = template(int) | tap(print)
        >>> pipeline.run("3")
        3
        3
    """


@overload
def tap(side_effect: Template[A, object, E], /) -> Tap[A, E]: ...  # type: ignore[overload-overlap]
@overload
def tap(  # type: ignore[overload-overlap]
    side_effect: Callable[[A], Coroutine[Any, Any, Result[object, E]]], /
) -> Tap[A, E]: ...
@overload
def tap(  # type: ignore[overload-overlap]
    side_effect: Callable[[A], Result[object, E]], /
) -> Tap[A, E]: ...
@overload
def tap(side_effect: Callable[[A], object], /) -> Tap[A]: ...
def tap(side_effect: Callable[[Any], Any], /) -> Tap[Any, Any]:
    """Call ``side_effect(value)`` and pass ``value`` on unchanged (its failure still stops).

    Examples:
        >>> from wumbo import template
        >>> from wumbo.core.combinators import tap
        >>> seen = []
        >>> (template(str.upper) | tap(seen.append)).run("hi"), seen
        ('HI', ['HI'])
    """
    inner = _as_template(side_effect)
    name = f"tap({inner.__name__})"
    step = behaviour_step(name, inner.is_async, _tap, inner)
    return Tap(_single(name, step).stages, name=name)


# -- fan_out ---------------------------------------------------------------------------------


def _fan_out(inners: tuple[_Stage, ...], value: Any) -> Behaviour:
    results: list[Result[Any, Any] | None] = yield CallAll(inners, value)
    values: list[Any] = []
    for inner, result in zip(inners, results, strict=True):
        if result is None:  # a branch cancelled by another one's failure
            continue
        # isinstance against Success, the common case, is the fast check (returns' are ABCs)
        if not isinstance(result, Success):
            return declared_or_raised(result, functools.partial("in branch {!r}".format, inner))
        values.append(result.unwrap())
    return tuple(values)


# Templates that declare no error get overloads of their own (pyright turns a union of type
# variables all solved to Never into Unknown). They take ``NoError`` (bound to Never) rather
# than ``Never`` itself: an inline ``template(result_stage)`` is then inferred on its own, not
# against a ``Never`` context that would make mypy pick its plain overload (the Result leaking
# into the value, the error dropped).
@overload
def fan_out(
    first: Template[A, V1, NoError],
    second: Template[A, V2, NoError],
    /,
) -> Template[A, tuple[V1, V2], Never]: ...
@overload
def fan_out(
    first: Template[A, V1, NoError],
    second: Template[A, V2, NoError],
    third: Template[A, V3, NoError],
    /,
) -> Template[A, tuple[V1, V2, V3], Never]: ...
@overload
def fan_out(
    first: Template[A, V1, NoError],
    second: Template[A, V2, NoError],
    third: Template[A, V3, NoError],
    fourth: Template[A, V4, NoError],
    /,
) -> Template[A, tuple[V1, V2, V3, V4], Never]: ...
@overload
def fan_out(
    first: Template[A, V1, NoError],
    second: Template[A, V2, NoError],
    third: Template[A, V3, NoError],
    fourth: Template[A, V4, NoError],
    fifth: Template[A, V5, NoError],
    /,
) -> Template[A, tuple[V1, V2, V3, V4, V5], Never]: ...
@overload
def fan_out(
    first: Template[A, V1, NoError],
    second: Template[A, V2, NoError],
    third: Template[A, V3, NoError],
    fourth: Template[A, V4, NoError],
    fifth: Template[A, V5, NoError],
    sixth: Template[A, V6, NoError],
    /,
) -> Template[A, tuple[V1, V2, V3, V4, V5, V6], Never]: ...
@overload
def fan_out(
    first: Template[A, V1, NoError],
    second: Template[A, V2, NoError],
    third: Template[A, V3, NoError],
    fourth: Template[A, V4, NoError],
    fifth: Template[A, V5, NoError],
    sixth: Template[A, V6, NoError],
    seventh: Template[A, V7, NoError],
    /,
) -> Template[A, tuple[V1, V2, V3, V4, V5, V6, V7], Never]: ...
@overload
def fan_out(
    first: Template[A, V1, NoError],
    second: Template[A, V2, NoError],
    third: Template[A, V3, NoError],
    fourth: Template[A, V4, NoError],
    fifth: Template[A, V5, NoError],
    sixth: Template[A, V6, NoError],
    seventh: Template[A, V7, NoError],
    eighth: Template[A, V8, NoError],
    /,
) -> Template[A, tuple[V1, V2, V3, V4, V5, V6, V7, V8], Never]: ...
@overload
def fan_out(
    first: Template[A, V1, NoError],
    second: Template[A, V2, NoError],
    third: Template[A, V3, NoError],
    fourth: Template[A, V4, NoError],
    fifth: Template[A, V5, NoError],
    sixth: Template[A, V6, NoError],
    seventh: Template[A, V7, NoError],
    eighth: Template[A, V8, NoError],
    ninth: Template[A, V9, NoError],
    /,
) -> Template[A, tuple[V1, V2, V3, V4, V5, V6, V7, V8, V9], Never]: ...
@overload
def fan_out(
    first: Template[A, V1, NoError],
    second: Template[A, V2, NoError],
    third: Template[A, V3, NoError],
    fourth: Template[A, V4, NoError],
    fifth: Template[A, V5, NoError],
    sixth: Template[A, V6, NoError],
    seventh: Template[A, V7, NoError],
    eighth: Template[A, V8, NoError],
    ninth: Template[A, V9, NoError],
    tenth: Template[A, V10, NoError],
    /,
) -> Template[A, tuple[V1, V2, V3, V4, V5, V6, V7, V8, V9, V10], Never]: ...
@overload
def fan_out(
    first: Template[A, V1, F1],
    second: Template[A, V2, F2],
    /,
) -> Template[A, tuple[V1, V2], F1 | F2]: ...
@overload
def fan_out(
    first: Template[A, V1, F1],
    second: Template[A, V2, F2],
    third: Template[A, V3, F3],
    /,
) -> Template[A, tuple[V1, V2, V3], F1 | F2 | F3]: ...
@overload
def fan_out(
    first: Template[A, V1, F1],
    second: Template[A, V2, F2],
    third: Template[A, V3, F3],
    fourth: Template[A, V4, F4],
    /,
) -> Template[A, tuple[V1, V2, V3, V4], F1 | F2 | F3 | F4]: ...
@overload
def fan_out(
    first: Template[A, V1, F1],
    second: Template[A, V2, F2],
    third: Template[A, V3, F3],
    fourth: Template[A, V4, F4],
    fifth: Template[A, V5, F5],
    /,
) -> Template[A, tuple[V1, V2, V3, V4, V5], F1 | F2 | F3 | F4 | F5]: ...
@overload
def fan_out(
    first: Template[A, V1, F1],
    second: Template[A, V2, F2],
    third: Template[A, V3, F3],
    fourth: Template[A, V4, F4],
    fifth: Template[A, V5, F5],
    sixth: Template[A, V6, F6],
    /,
) -> Template[A, tuple[V1, V2, V3, V4, V5, V6], F1 | F2 | F3 | F4 | F5 | F6]: ...
@overload
def fan_out(
    first: Template[A, V1, F1],
    second: Template[A, V2, F2],
    third: Template[A, V3, F3],
    fourth: Template[A, V4, F4],
    fifth: Template[A, V5, F5],
    sixth: Template[A, V6, F6],
    seventh: Template[A, V7, F7],
    /,
) -> Template[A, tuple[V1, V2, V3, V4, V5, V6, V7], F1 | F2 | F3 | F4 | F5 | F6 | F7]: ...
@overload
def fan_out(
    first: Template[A, V1, F1],
    second: Template[A, V2, F2],
    third: Template[A, V3, F3],
    fourth: Template[A, V4, F4],
    fifth: Template[A, V5, F5],
    sixth: Template[A, V6, F6],
    seventh: Template[A, V7, F7],
    eighth: Template[A, V8, F8],
    /,
) -> Template[A, tuple[V1, V2, V3, V4, V5, V6, V7, V8], F1 | F2 | F3 | F4 | F5 | F6 | F7 | F8]: ...
@overload
def fan_out(
    first: Template[A, V1, F1],
    second: Template[A, V2, F2],
    third: Template[A, V3, F3],
    fourth: Template[A, V4, F4],
    fifth: Template[A, V5, F5],
    sixth: Template[A, V6, F6],
    seventh: Template[A, V7, F7],
    eighth: Template[A, V8, F8],
    ninth: Template[A, V9, F9],
    /,
) -> Template[
    A, tuple[V1, V2, V3, V4, V5, V6, V7, V8, V9], F1 | F2 | F3 | F4 | F5 | F6 | F7 | F8 | F9
]: ...
@overload
def fan_out(
    first: Template[A, V1, F1],
    second: Template[A, V2, F2],
    third: Template[A, V3, F3],
    fourth: Template[A, V4, F4],
    fifth: Template[A, V5, F5],
    sixth: Template[A, V6, F6],
    seventh: Template[A, V7, F7],
    eighth: Template[A, V8, F8],
    ninth: Template[A, V9, F9],
    tenth: Template[A, V10, F10],
    /,
) -> Template[
    A,
    tuple[V1, V2, V3, V4, V5, V6, V7, V8, V9, V10],
    F1 | F2 | F3 | F4 | F5 | F6 | F7 | F8 | F9 | F10,
]: ...
def fan_out(*stages: Callable[[Any], Any]) -> _Stage:
    """Run every stage on the same input and collect their results into a tuple.

    Async branches run concurrently (anyio task group); the first failure cancels the others.
    Takes two to ten Templates, typed: a branch whose input differs from the others' is an
    error in both checkers. Wrap plain functions with ``template``; for more than ten branches,
    nest ``fan_out`` calls.

    Examples:
        >>> from wumbo import template
        >>> from wumbo.core.combinators import fan_out
        >>> fan_out(template(min), template(max), template(len)).run([3, 1, 2])
        (1, 3, 3)
    """
    if len(stages) < 2:
        raise TypeError(f"fan_out needs at least two stages, got {len(stages)}")
    inners = tuple(_as_template(stage) for stage in stages)
    name = f"fan_out({', '.join(inner.__name__ for inner in inners)})"
    is_async = any(inner.is_async for inner in inners)
    return _single(name, behaviour_step(name, is_async, _fan_out, inners))


# -- branch ----------------------------------------------------------------------------------


def _branch(predicate: _Stage, if_true: _Stage, if_false: _Stage, value: Any) -> Behaviour:
    decision = yield Call(predicate, value)
    if not isinstance(decision, Success):
        return declared_or_raised(decision)
    chosen = if_true if decision.unwrap() else if_false
    return value_or_failure((yield Call(chosen, value)))


# Overloads by the kind of each side: a Template, a function declaring its error (it returns a
# Result, or is async and returns one: two kinds), an async function, a plain one. Each error type
# variable belongs to one side and is solved by it, so pyright never meets a union of unsolved
# variables (it makes one Unknown). The kinds that read a function's return type come before the
# plain kind, which would take a Result or a coroutine as the value. Two functions that are neither
# both declaring nor with a Template meet ``_AnyFunction`` first, with ONE error variable: pyright
# solves every kind there and types lambdas from the call's context (pyright_only_known_issues.py
# #5, #6); mypy, which cannot read that union for a Result or a coroutine, goes on to the overloads
# after it.
@overload
def branch(
    predicate: _Predicate[A],
    if_true: Template[A, B, NoError],
    if_false: Template[A, C, NoError],
    /,
) -> Template[A, B | C]: ...  # pyright turns Never | Never into Unknown: its own overload
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A], if_true: Template[A, B, E], if_false: Template[A, C, E2], /
) -> Template[A, B | C, E | E2]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A], if_true: Template[A, B, E], if_false: _DeclaringFunction[A, C, E2], /
) -> Template[A, B | C, E | E2]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A],
    if_true: Template[A, B, E],
    if_false: _AsyncDeclaringFunction[A, C, E2],
    /,
) -> Template[A, B | C, E | E2]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A], if_true: _DeclaringFunction[A, B, E], if_false: Template[A, C, E2], /
) -> Template[A, B | C, E | E2]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A],
    if_true: _AsyncDeclaringFunction[A, B, E],
    if_false: Template[A, C, E2],
    /,
) -> Template[A, B | C, E | E2]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A],
    if_true: _DeclaringFunction[A, B, E],
    if_false: _DeclaringFunction[A, C, E2],
    /,
) -> Template[A, B | C, E | E2]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A],
    if_true: _DeclaringFunction[A, B, E],
    if_false: _AsyncDeclaringFunction[A, C, E2],
    /,
) -> Template[A, B | C, E | E2]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A],
    if_true: _AsyncDeclaringFunction[A, B, E],
    if_false: _DeclaringFunction[A, C, E2],
    /,
) -> Template[A, B | C, E | E2]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A],
    if_true: _AsyncDeclaringFunction[A, B, E],
    if_false: _AsyncDeclaringFunction[A, C, E2],
    /,
) -> Template[A, B | C, E | E2]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A], if_true: Template[A, B, E], if_false: _AsyncFunction[A, C], /
) -> Template[A, B | C, E]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A], if_true: _AsyncFunction[A, B], if_false: Template[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A], if_true: Template[A, B, E], if_false: Callable[[A], C], /
) -> Template[A, B | C, E]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A], if_true: Callable[[A], B], if_false: Template[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def branch(
    predicate: _Predicate[A], if_true: _AnyFunction[A, B, DE], if_false: _AnyFunction[A, DC, DE], /
) -> Template[A, B | DC, DE]: ...  # ONE error variable: left unsolved, it is Never
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A],
    if_true: _DeclaringFunction[A, B, E],
    if_false: _AsyncFunction[A, C],
    /,
) -> Template[A, B | C, E]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A],
    if_true: _AsyncDeclaringFunction[A, B, E],
    if_false: _AsyncFunction[A, C],
    /,
) -> Template[A, B | C, E]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A],
    if_true: _AsyncFunction[A, B],
    if_false: _DeclaringFunction[A, C, E2],
    /,
) -> Template[A, B | C, E2]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A],
    if_true: _AsyncFunction[A, B],
    if_false: _AsyncDeclaringFunction[A, C, E2],
    /,
) -> Template[A, B | C, E2]: ...
@overload
def branch(
    predicate: _Predicate[A], if_true: _AsyncFunction[A, B], if_false: _AsyncFunction[A, C], /
) -> Template[A, B | C]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A], if_true: _DeclaringFunction[A, B, E], if_false: Callable[[A], C], /
) -> Template[A, B | C, E]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A],
    if_true: _AsyncDeclaringFunction[A, B, E],
    if_false: Callable[[A], C],
    /,
) -> Template[A, B | C, E]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A], if_true: Callable[[A], B], if_false: _DeclaringFunction[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def branch(  # type: ignore[overload-overlap]
    predicate: _Predicate[A],
    if_true: Callable[[A], B],
    if_false: _AsyncDeclaringFunction[A, C, E2],
    /,
) -> Template[A, B | C, E2]: ...
@overload
def branch(
    predicate: _Predicate[A], if_true: _AsyncFunction[A, B], if_false: Callable[[A], C], /
) -> Template[A, B | C]: ...
@overload
def branch(
    predicate: _Predicate[A], if_true: Callable[[A], B], if_false: _AsyncFunction[A, C], /
) -> Template[A, B | C]: ...
@overload
def branch(
    predicate: _Predicate[A], if_true: Callable[[A], B], if_false: Callable[[A], C], /
) -> Template[A, B | C]: ...
def branch(
    predicate: Callable[[Any], Any],
    if_true: Callable[[Any], Any],
    if_false: Callable[[Any], Any],
    /,
) -> _Stage:
    """Run ``if_true`` when ``predicate(value)`` is truthy, else ``if_false``.

    Each side may be a Template, a plain function or lambda, a function returning a ``Result``
    (its value is the value, its error is declared) or an ``async def``, in any pairing.

    Examples:
        >>> from wumbo.core.combinators import branch
        >>> sign = branch(lambda n: n >= 0, lambda n: "non-negative", lambda n: "negative")
        >>> sign.run(-4)
        'negative'
    """
    inners = (_as_template(predicate), _as_template(if_true), _as_template(if_false))
    name = f"branch({', '.join(inner.__name__ for inner in inners)})"
    is_async = any(inner.is_async for inner in inners)
    return _single(name, behaviour_step(name, is_async, _branch, *inners))


# -- batch -----------------------------------------------------------------------------------


def _batch(size: int, items: Iterable[Any]) -> list[list[Any]]:
    return [list(chunk) for chunk in partition_all(size, items)]


class Batch(Template[Iterable[Any], list[list[Any]]]):
    """What [`batch`][wumbo.core.combinators.batch] returns: a Template splitting an iterable into lists.

    Its own class lets ``x | batch(n)`` (and ``x.then(batch(n))``) take the item type from
    ``x``'s output: ``Template[str, list[int]] | batch(2)`` is a
    ``Template[str, list[list[int]]]``.

    Examples:
        >>> from wumbo import batch, template
        >>> (template(str.split) | batch(2)).run("a b c")
        [['a', 'b'], ['c']]
    """


def batch(size: int, /) -> Batch:
    """Split an iterable into lists of ``size`` items (the last may be shorter).

    After ``|`` the checkers take the item type from the stage before; on its own,
    ``batch(n)`` is a ``Template[Iterable[Any], list[list[Any]]]`` (annotate it to narrow:
    ``chunks: Template[Iterable[int], list[list[int]]] = batch(2)``).

    Examples:
        >>> from wumbo.core.combinators import batch
        >>> batch(2).run(range(5))
        [[0, 1], [2, 3], [4]]
    """
    positive_int("batch size", size)
    name = f"batch({size})"
    return Batch(_single(name, SyncStep(name, _batch, (size,))).stages, name=name)


# -- reduce_items ----------------------------------------------------------------------------

_NO_INITIAL: Any = object()


def _reduce(function: Callable[[Any, Any], Any], initial: Any, items: Iterable[Any]) -> Any:
    iterator = iter(items)
    if initial is _NO_INITIAL:
        try:
            initial = next(iterator)
        except StopIteration:
            raise ValueError("reduce_items() of an empty iterable with no initial value") from None
    accumulated = initial
    for item in iterator:
        accumulated = function(accumulated, item)
    return accumulated


@overload
def reduce_items(function: Callable[[R, A], R], initial: R, /) -> Template[Iterable[A], R]: ...
@overload
def reduce_items(function: Callable[[A, A], A], /) -> Template[Iterable[A], A]: ...
def reduce_items(function: Callable[[Any, Any], Any], initial: Any = _NO_INITIAL, /) -> _Stage:
    """Fold the items with ``function(accumulated, item)``, from ``initial`` or the first item.

    Examples:
        >>> import operator
        >>> from wumbo.core.combinators import reduce_items
        >>> reduce_items(operator.add).run([1, 2, 3])
        6
        >>> reduce_items(lambda acc, word: acc + len(word), 0).run(["ab", "c"])
        3
    """
    label = getattr(function, "__name__", type(function).__name__)
    name = f"reduce_items({label})"
    return _single(name, SyncStep(name, _reduce, (function, initial)))


# -- fallback --------------------------------------------------------------------------------


def _fallback(primary: _Stage, secondary: _Stage, value: Any) -> Behaviour:
    result = yield Call(primary, value)
    if isinstance(result, Failure):
        result = yield Call(secondary, value)
    return value_or_failure(result)  # a raising secondary is reported at fallback's position


# Overloads by the kind of each side, as branch's (see there): the primary's error is handled,
# so the result declares the secondary's. A lambda next to a Template meets the Template's
# kind-by-kind overloads; two functions meet ``_AnyFunction`` first (pyright's lambdas); the
# plain kind comes last, where mypy takes two lambdas one of which returns its parameter.
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: Template[A, B, E], secondary: Template[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: Template[A, B, E], secondary: _DeclaringFunction[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: Template[A, B, E], secondary: _AsyncDeclaringFunction[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: _DeclaringFunction[A, B, E], secondary: Template[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: _AsyncDeclaringFunction[A, B, E], secondary: Template[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: _DeclaringFunction[A, B, E], secondary: _DeclaringFunction[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: _DeclaringFunction[A, B, E], secondary: _AsyncDeclaringFunction[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: _AsyncDeclaringFunction[A, B, E], secondary: _DeclaringFunction[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: _AsyncDeclaringFunction[A, B, E], secondary: _AsyncDeclaringFunction[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(
    primary: Template[A, B, E], secondary: _AsyncFunction[A, C], /
) -> Template[A, B | C]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: _AsyncFunction[A, B], secondary: Template[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(primary: Template[A, B, E], secondary: Callable[[A], C], /) -> Template[A, B | C]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: Callable[[A], B], secondary: Template[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(
    primary: _AnyFunction[A, B, DE], secondary: _AnyFunction[A, DC, DE2], /
) -> Template[A, B | DC, DE2]: ...
@overload
def fallback(
    primary: _DeclaringFunction[A, B, E], secondary: _AsyncFunction[A, C], /
) -> Template[A, B | C]: ...
@overload
def fallback(
    primary: _AsyncDeclaringFunction[A, B, E], secondary: _AsyncFunction[A, C], /
) -> Template[A, B | C]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: _AsyncFunction[A, B], secondary: _DeclaringFunction[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: _AsyncFunction[A, B], secondary: _AsyncDeclaringFunction[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(
    primary: _AsyncFunction[A, B], secondary: _AsyncFunction[A, C], /
) -> Template[A, B | C]: ...
@overload
def fallback(
    primary: _DeclaringFunction[A, B, E], secondary: Callable[[A], C], /
) -> Template[A, B | C]: ...
@overload
def fallback(
    primary: _AsyncDeclaringFunction[A, B, E], secondary: Callable[[A], C], /
) -> Template[A, B | C]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: Callable[[A], B], secondary: _DeclaringFunction[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(  # type: ignore[overload-overlap]
    primary: Callable[[A], B], secondary: _AsyncDeclaringFunction[A, C, E2], /
) -> Template[A, B | C, E2]: ...
@overload
def fallback(
    primary: _AsyncFunction[A, B], secondary: Callable[[A], C], /
) -> Template[A, B | C]: ...
@overload
def fallback(
    primary: Callable[[A], B], secondary: _AsyncFunction[A, C], /
) -> Template[A, B | C]: ...
@overload
def fallback(primary: Callable[[A], B], secondary: Callable[[A], C], /) -> Template[A, B | C]: ...
def fallback(primary: Callable[[Any], Any], secondary: Callable[[Any], Any], /) -> _Stage:
    """Run ``primary``; if it fails (raises or returns a Failure), run ``secondary`` instead.

    Examples:
        >>> from wumbo.core.combinators import fallback
        >>> def from_cache(key: str) -> str:
        ...     raise KeyError(key)
        >>> def from_source(key: str) -> str:
        ...     return key.upper()
        >>> fallback(from_cache, from_source).run("k")
        'K'
    """
    inners = (_as_template(primary), _as_template(secondary))
    name = f"fallback({inners[0].__name__}, {inners[1].__name__})"
    is_async = any(inner.is_async for inner in inners)
    return _single(name, behaviour_step(name, is_async, _fallback, *inners))


# -- expect ----------------------------------------------------------------------------------


def _expect(hint: Any, value: Any) -> Any:
    from beartype.door import die_if_unbearable  # imported on first use, then a dict lookup

    die_if_unbearable(value, hint)
    return value


@overload
def expect(hint: type[A], /) -> Template[object, A]: ...
@overload
def expect(hint: object, /) -> Template[object, Any]: ...
def expect(hint: object, /) -> _Stage:
    """A stage that checks any value against a type hint (beartype) and passes it on as that type.

    A value that does not fit becomes a Failure whose error says what was expected and what came.

    Examples:
        >>> import json
        >>> from wumbo import template
        >>> from wumbo.core.combinators import expect
        >>> load = template(json.loads) | expect(list[int])
        >>> load.run("[1, 2]")
        [1, 2]
        >>> type(load('{"a": 1}').failure().error).__name__
        'BeartypeDoorHintViolation'
    """
    label = getattr(hint, "__name__", None) if isinstance(hint, type) else None
    name = f"expect({label or repr(hint).replace('typing.', '')})"
    return _single(name, SyncStep(name, _expect, (hint,)))
