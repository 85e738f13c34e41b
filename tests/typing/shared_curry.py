"""``wumbo.curry``: wumbo's own typed curry (wumbo/core/curry.py); mypy AND pyright, in the repo
and installed from a wheel (no stubs needed).

Positional, data-last currying is typed for 1 to 4 parameters: fewer arguments give a typed
curried object for the rest, all of them give the result. Keyword arguments and other shapes
fall back to ``Curried[R]``, callable with anything (result ``Any``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, assert_type

from wumbo import Result, Template, curry, map_items, template
from wumbo.core.curry import Curried, Curried1, Curried2

from _stages import ErrA, add, check_a, double, parse, parse_float, show


@curry
def scale(factor: float, x: float) -> float:
    return factor * x


@curry
def negate(x: float) -> float:
    return -x


@curry
def clamp(low: float, high: float, x: float) -> float:
    return max(low, min(high, x))


@curry
def affine(a: float, b: float, unit: str, x: float) -> str:
    return f"{a * x + b}{unit}"


@curry
def with_default(x: int, y: int = 1) -> int:  # curries as arity 1: y is optional
    return x + y


@curry
def within(limit: int, n: int) -> Result[int, ErrA]:
    return check_a(limit - n)


@curry
def five(a: int, b: int, c: int, d: int, e: int) -> int:
    return a + b + c + d + e


@curry
def keyword_only(x: int, *, unit: str) -> str:
    return f"{x}{unit}"



# -- wumbo.curry is typed
assert_type(curry(add), Curried2[int, int, int])
assert_type(curry(add)(1), Curried1[int, int])
assert_type(curry(add)(1, 2), int)
assert_type(curry(add)(1)(2), int)

# -- arity 2 ---------------------------------------------------------------------------------

assert_type(scale(2.0, 3.0), float)
assert_type(scale(2.0)(3.0), float)
scale_by_two: Callable[[float], float] = scale(2.0)
assert_type(scale(2)(3), float)  # int is accepted where float is expected
assert_type(scale.func, Callable[..., float])
assert_type(scale.args, tuple[Any, ...])
assert_type(scale.keywords, dict[str, Any])

# -- arity 1, 3, 4, and a defaulted parameter ------------------------------------------------

assert_type(negate(1.0), float)
assert_type(clamp(0.0, 1.0, 0.5), float)
assert_type(clamp(0.0, 1.0)(0.5), float)
assert_type(clamp(0.0)(1.0, 0.5), float)
assert_type(clamp(0.0)(1.0)(0.5), float)
assert_type(affine(2.0, 1.0, "m", 3.0), str)
assert_type(affine(2.0)(1.0)("m")(3.0), str)
assert_type(affine(2.0, 1.0)("m", 3.0), str)
assert_type(affine(2.0, 1.0, "m")(3.0), str)
assert_type(with_default(1), int)
assert_type(curry(double)(2), int)

# -- the fallback: keywords, other shapes ----------------------------------------------------

assert_type(scale(factor=2.0), Curried[float])
assert_type(scale(factor=2.0)(3.0), Any)
assert_type(scale(2.0, x=3.0), Curried[float])
assert_type(clamp(0.0, high=1.0), Curried[float])
assert_type(five, Curried[int])
assert_type(five(1, 2), Any)
assert_type(keyword_only, Curried[str])
assert_type(keyword_only(unit="m"), Any)
assert_type(curry(add, 1), Curried[int])  # arguments given to curry() itself


# -- curried stages compose ------------------------------------------------------------------

parse_f = template(parse_float)
assert_type(parse_f | scale(2.0), Template[str, float])
assert_type(template(parse) | scale(2.0), Template[str, float])  # int feeds a float parameter
assert_type(parse_f | scale(2.0) | clamp(0.0, 1.0) | negate, Template[str, float])
assert_type(parse_f.then(scale(2.0)), Template[str, float])
assert_type(scale(2.0) | template(str), Template[float, str])  # curried on the left
assert_type(template(scale(2.0)), Template[float, float])
assert_type(parse_f | affine(2.0, 1.0, "m"), Template[str, str])
assert_type(map_items(scale(2.0)), Template[Iterable[float], list[float]])
assert_type(template(parse) | within(10), Template[str, int, ErrA])  # a curried Result stage
assert_type(parse_f | scale(factor=2.0), Template[str, Any, Any])  # the fallback is untyped

# ============================================================================================
# Incorrect cases
# ============================================================================================

bad_curry_arg: object = scale("2")  # type: ignore[call-overload]
bad_curry_second: object = scale(2.0)("3")  # type: ignore[call-overload]
bad_curry_many: object = scale(2.0, 3.0, 4.0)  # type: ignore[call-overload]
bad_curry_result: str = scale(2.0, 3.0)  # type: ignore[assignment]
bad_curry_partial: Callable[[str], float] = scale(2.0)  # type: ignore[assignment]
bad_curry_arity3: object = clamp(0.0, "1")  # type: ignore[call-overload]
bad_curry_kw_positional: object = scale("2", x=3.0)  # type: ignore[call-overload]
bad_curry_stage: object = template(show) | scale(2.0)  # type: ignore[operator]
bad_curry_var: Template[str, int] = parse_f | scale(2.0)  # type: ignore[operator]
bad_curry_not_callable: object = curry(3)  # type: ignore[call-overload]
