"""Runtime type checking with beartype: per call when asked, and once at ``|`` for free.

Two checks live here:

* [`checked_call`][wumbo.core.checking.checked_call] wraps a stage so that beartype checks its input and output against its
  annotations on every call; a mismatch raises inside the stage and so becomes a
  ``Failure(StageError)`` naming it. Only stages with ``check=True`` pay for this.
* [`check_fit`][wumbo.core.checking.check_fit] runs once when two stages are composed: if the left stage's output hint and
  the right stage's input hint cannot describe the same value, composition raises ``TypeError``
  right at the ``|``, so users without mypy hear about ``validate | aggregate`` before running it.
  It only judges hints it fully understands and gives the benefit of the doubt otherwise (no
  false alarms: parameterised hints are compared by their origin, ``int`` fits ``float``).

Examples:
    >>> from wumbo.core.stage import Stage
    >>> def parse(text: str) -> int:
    ...     return int(text)
    >>> def shout(text: str) -> str:
    ...     return text.upper()
    >>> check_fit(Stage.of(parse), Stage.of(shout))
    Traceback (most recent call last):
    ...
    TypeError: cannot compose parse | shout: 'parse' returns int but 'shout' takes str
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any, cast

from returns.result import Success

from wumbo.core.stage import MISSING, Returns, Stage, StageInfo

__all__ = ["check_fit", "checked_call", "hint_name", "may_fit"]


def hint_name(hint: object) -> str:
    """A readable name for a type hint.

    Examples:
        >>> hint_name(int), hint_name(list[int])
        ('int', 'list[int]')
    """
    if isinstance(hint, type) and not typing.get_args(hint):
        return hint.__qualname__
    return repr(hint).replace("typing.", "")


def checked_call(stage: Stage) -> Callable[[Any], Any]:
    """``stage.fn`` wrapped so that every call checks input and output against its hints.

    Plain and ``async def`` functions go through ``beartype`` itself; other callables
    (partials, callable objects) are checked with ``beartype.door`` against the hints that
    `Stage` resolved.

    Examples:
        >>> from wumbo.core.stage import Stage
        >>> def double(n: int) -> int:
        ...     return n * 2
        >>> checked_call(Stage.of(double, check=True))("2")
        Traceback (most recent call last):
        ...
        beartype.roar.BeartypeCallHintParamViolation: Function ...double() parameter n='2' violates type hint <class 'int'>, as str '2' not instance of int.
    """
    from beartype import beartype  # imported on first use: ``import wumbo`` stays light
    from beartype.roar import BeartypeException

    fn = stage.fn
    if inspect.isfunction(fn):
        try:
            return beartype(fn)
        except BeartypeException as error:
            raise TypeError(f"cannot check stage {stage.name!r}: {error}") from error
    return _door_checked(stage)


def _door_checked(stage: Stage) -> Callable[[Any], Any]:
    from beartype.door import die_if_unbearable

    fn = stage.fn
    in_hint: Any = stage.in_hint
    out_hint: Any = stage.out_hint

    def check_in(value: object) -> None:
        if in_hint is not MISSING:
            die_if_unbearable(value, in_hint)

    def check_out(result: object) -> None:
        if out_hint is MISSING:
            return
        if stage.returns is Returns.RESULT:
            if isinstance(result, Success):
                value = cast("Success[object]", result).unwrap()
                die_if_unbearable(value, out_hint)
            return
        die_if_unbearable(result, out_hint)

    if stage.is_async:

        @functools.wraps(fn)
        async def checked_async(value: object) -> object:
            check_in(value)
            result = await fn(value)
            check_out(result)
            return result

        return checked_async

    @functools.wraps(fn)
    def checked(value: object) -> object:
        check_in(value)
        result = fn(value)
        check_out(result)
        return result

    return checked


def _is_judgeable(hint: object) -> bool:
    """True when ``hint`` is concrete: no type variables, forward references or ``Any``."""
    if hint is MISSING or hint is Any or isinstance(hint, str | typing.ForwardRef):
        return False
    if isinstance(hint, typing.TypeVar | typing.ParamSpec):
        return False
    return all(_is_judgeable(arg) for arg in typing.get_args(hint) if arg is not Ellipsis)


def _union(members: Iterable[Any]) -> Any:
    return typing.Union[tuple(members)]  # noqa: UP007  (a runtime union of computed members)


def _erase(hint: Any) -> Any:
    """Drop type arguments (``list[int]`` -> ``list``) but keep unions and literals."""
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return _union(_erase(arg) for arg in typing.get_args(hint))
    if origin is typing.Annotated:
        return _erase(typing.get_args(hint)[0])
    if isinstance(origin, type):
        return origin
    return hint


def _promote(hint: Any) -> Any:
    """Apply the numeric tower that type checkers apply: ``int`` fits ``float`` and ``complex``."""
    if hint is float:
        return float | int
    if hint is complex:
        return complex | float | int
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return _union(_promote(arg) for arg in typing.get_args(hint))
    return hint


@functools.lru_cache(maxsize=1024)
def may_fit(produced: Any, wanted: Any) -> bool:
    """False only when ``produced`` can never be ``wanted``: the verdict `check_fit` words.

    Cached per pair of hints, so composing known pieces again judges nothing; unhashable hints
    raise ``TypeError`` here (`check_fit` judges them without the cache).

    Examples:
        >>> may_fit(int, float), may_fit(int, str), may_fit(list[int], list)
        (True, False, True)
    """
    if not (_is_judgeable(produced) and _is_judgeable(wanted)):
        return True
    from beartype.door import is_subhint  # imported on first use: ``import wumbo`` stays light

    try:
        erased_out, erased_in = _erase(produced), _promote(_erase(wanted))
        return is_subhint(erased_out, erased_in) or is_subhint(erased_in, erased_out)
    except Exception:  # a hint beartype cannot compare: give it the benefit of the doubt
        return True


def check_fit(left: StageInfo, right: StageInfo) -> None:
    """Raise ``TypeError`` if ``left``'s output can never be ``right``'s input.

    Silent when either hint is missing, generic or not understood.

    Examples:
        >>> from wumbo.core.stage import Stage
        >>> def count(items: list[str]) -> int:
        ...     return len(items)
        >>> def half(n: float) -> float:
        ...     return n / 2
        >>> check_fit(Stage.of(count), Stage.of(half)) is None  # int fits float
        True
    """
    produced: Any = left.out_hint
    wanted: Any = right.in_hint
    try:
        fits = may_fit(produced, wanted)
    except TypeError:  # an unhashable hint: judge it without the cache
        fits = may_fit.__wrapped__(produced, wanted)
    if not fits:
        raise TypeError(
            f"cannot compose {left.name} | {right.name}: {left.name!r} returns "
            f"{hint_name(produced)} but {right.name!r} takes {hint_name(wanted)}"
        )
