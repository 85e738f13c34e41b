"""``curry``: toolz' currying, typed by wumbo itself so it holds for installed users.

toolz ships no type information, and a checker does not see the stubs a repository keeps for
itself. ``wumbo.curry`` gives the curried function a type of wumbo's own: a function of 1 to 4
positional parameters curries into [`Curried1`][wumbo.core.curry.Curried1] .. [`Curried4`][wumbo.core.curry.Curried4], each callable with
the leading arguments **by position** (fewer give the curried rest, all of them the result).
Anything else (keyword arguments, other shapes, ``curry(f, *args)``) is [`Curried`][wumbo.core.curry.Curried], which
is callable with anything and gives ``Any``. At run time every one is a plain ``toolz.curry``.

The arity is the number of *required* positional parameters, as at run time (toolz calls the
function as soon as the arguments given are enough): ``f(x, y=1)`` curries as arity 1.

Examples:
    >>> from wumbo import curry, template
    >>> @curry
    ... def scale(factor: float, amount: float) -> float:
    ...     return amount * factor
    >>> scale(2.0, 3.0), scale(2.0)(3.0)
    (6.0, 6.0)
    >>> (template(float) | scale(2.0)).run("1.5")
    3.0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, overload

import toolz
from typing_extensions import TypeVar

__all__ = ["Curried", "Curried1", "Curried2", "Curried3", "Curried4", "curry"]

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
T1 = TypeVar("T1")
T2 = TypeVar("T2")
T3 = TypeVar("T3")
T4 = TypeVar("T4")
A1 = TypeVar("A1", contravariant=True)
A2 = TypeVar("A2", contravariant=True)
A3 = TypeVar("A3", contravariant=True)
A4 = TypeVar("A4", contravariant=True)


class Curried(Protocol[R_co]):
    """A curried function whose final result is ``R_co``, called in a way the types cannot
    follow (keywords, or a shape other than 1 to 4 positional parameters): the call is ``Any``.

    Examples:
        >>> from wumbo import curry
        >>> @curry
        ... def shift(amount: float, by: float) -> float:
        ...     return amount + by
        >>> shift(by=1.0)(2.0), shift(by=1.0).keywords
        (3.0, {'by': 1.0})
    """

    @property
    def func(self) -> Callable[..., R_co]:
        """The function being curried."""
        ...

    @property
    def args(self) -> tuple[Any, ...]:
        """The positional arguments bound so far."""
        ...

    @property
    def keywords(self) -> dict[str, Any]:
        """The keyword arguments bound so far."""
        ...

    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...


# The typed forms. The keyword overloads come last, so that a wrong positional argument is still
# an error (they require the positional arguments given to have the right types too).


class Curried1(Curried[R_co], Protocol[A1, R_co]):
    """A curried function of one parameter: ``f(a1)`` is the result.

    Examples:
        >>> from wumbo import curry
        >>> curry(abs)(-2)
        2
    """

    @overload
    def __call__(self, a1: A1, /) -> R_co: ...
    @overload
    def __call__(self, /, **kwargs: Any) -> Curried[R_co]: ...


class Curried2(Curried[R_co], Protocol[A1, A2, R_co]):
    """A curried function of two parameters: ``f(a1)`` is a [`Curried1`][wumbo.core.curry.Curried1] for the second.

    Examples:
        >>> from wumbo import curry
        >>> def power(exponent: int, base: int) -> int:
        ...     return base**exponent
        >>> curry(power)(2)(5), curry(power)(2, 5)
        (25, 25)
    """

    @overload
    def __call__(self, a1: A1, a2: A2, /) -> R_co: ...
    @overload
    def __call__(self, a1: A1, /) -> Curried1[A2, R_co]: ...
    @overload
    def __call__(self, /, **kwargs: Any) -> Curried[R_co]: ...
    @overload
    def __call__(self, a1: A1, /, **kwargs: Any) -> Curried[R_co]: ...


class Curried3(Curried[R_co], Protocol[A1, A2, A3, R_co]):
    """A curried function of three parameters.

    Examples:
        >>> from wumbo import curry
        >>> def clamp(low: int, high: int, n: int) -> int:
        ...     return max(low, min(high, n))
        >>> curry(clamp)(0, 10)(42), curry(clamp)(0)(10)(-1)
        (10, 0)
    """

    @overload
    def __call__(self, a1: A1, a2: A2, a3: A3, /) -> R_co: ...
    @overload
    def __call__(self, a1: A1, a2: A2, /) -> Curried1[A3, R_co]: ...
    @overload
    def __call__(self, a1: A1, /) -> Curried2[A2, A3, R_co]: ...
    @overload
    def __call__(self, /, **kwargs: Any) -> Curried[R_co]: ...
    @overload
    def __call__(self, a1: A1, /, **kwargs: Any) -> Curried[R_co]: ...
    @overload
    def __call__(self, a1: A1, a2: A2, /, **kwargs: Any) -> Curried[R_co]: ...


class Curried4(Curried[R_co], Protocol[A1, A2, A3, A4, R_co]):
    """A curried function of four parameters.

    Examples:
        >>> from wumbo import curry
        >>> def affine(a: int, b: int, unit: str, x: int) -> str:
        ...     return f"{a * x + b}{unit}"
        >>> curry(affine)(2, 1, "m")(3), curry(affine)(2)(1)("m")(3)
        ('7m', '7m')
    """

    @overload
    def __call__(self, a1: A1, a2: A2, a3: A3, a4: A4, /) -> R_co: ...
    @overload
    def __call__(self, a1: A1, a2: A2, a3: A3, /) -> Curried1[A4, R_co]: ...
    @overload
    def __call__(self, a1: A1, a2: A2, /) -> Curried2[A3, A4, R_co]: ...
    @overload
    def __call__(self, a1: A1, /) -> Curried3[A2, A3, A4, R_co]: ...
    @overload
    def __call__(self, /, **kwargs: Any) -> Curried[R_co]: ...
    @overload
    def __call__(self, a1: A1, /, **kwargs: Any) -> Curried[R_co]: ...
    @overload
    def __call__(self, a1: A1, a2: A2, /, **kwargs: Any) -> Curried[R_co]: ...
    @overload
    def __call__(self, a1: A1, a2: A2, a3: A3, /, **kwargs: Any) -> Curried[R_co]: ...


@overload
def curry(fn: Callable[[T1], R], /) -> Curried1[T1, R]: ...
@overload
def curry(fn: Callable[[T1, T2], R], /) -> Curried2[T1, T2, R]: ...
@overload
def curry(fn: Callable[[T1, T2, T3], R], /) -> Curried3[T1, T2, T3, R]: ...
@overload
def curry(fn: Callable[[T1, T2, T3, T4], R], /) -> Curried4[T1, T2, T3, T4, R]: ...
@overload
def curry(fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Curried[R]: ...
def curry(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Curry ``fn`` (toolz' ``curry``), typed for 1 to 4 positional parameters.

    Give the configuration first and the data last, positionally: ``scale(2.0)`` is then a typed
    one-argument stage. ``curry(f, *args, **kwargs)`` binds arguments at once (untyped).

    Examples:
        >>> from wumbo import curry
        >>> @curry
        ... def add(a: int, b: int) -> int:
        ...     return a + b
        >>> add(1)(2), add(1, 2), curry(add, 1)(2)
        (3, 3, 3)
    """
    return toolz.curry(fn, *args, **kwargs)
