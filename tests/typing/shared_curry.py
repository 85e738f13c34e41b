"""toolz through the repo's stubs (stubs/toolz): ``curry`` keeps types; mypy AND pyright.

Positional, data-last currying is typed for 1 to 4 parameters: fewer arguments give a typed
curry object for the rest, all of them give the result. Keyword arguments and other shapes fall
back to ``curry[R]``, callable with anything (result ``Any``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import Any, assert_type

import toolz
import toolz.curried
from toolz import (
    compose,
    compose_left,
    concat,
    first,
    frequencies,
    groupby,
    identity,
    juxt,
    last,
    merge,
    partition_all,
    reduceby,
)
from toolz import curry as toolz_curry
from toolz import pipe as toolz_pipe

from wumbo import Result, Template, curry, map_items, template

from _stages import ErrA, add, check_a, double, is_positive, parse, parse_float, show


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


def count_into(acc: list[str], word: str) -> list[str]:
    return [*acc, word]


@curry
def five(a: int, b: int, c: int, d: int, e: int) -> int:
    return a + b + c + d + e


@curry
def keyword_only(x: int, *, unit: str) -> str:
    return f"{x}{unit}"


# -- wumbo.curry is toolz.curry ---------------------------------------------------------------

assert_type(toolz_curry(add)(1, 2), int)
assert_type(toolz.curry(add)(1)(2), int)

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

assert_type(scale(factor=2.0), toolz_curry[float])
assert_type(scale(factor=2.0)(3.0), Any)
assert_type(scale(2.0, x=3.0), toolz_curry[float])
assert_type(clamp(0.0, high=1.0), toolz_curry[float])
assert_type(five, toolz_curry[int])
assert_type(five(1, 2), Any)
assert_type(keyword_only, toolz_curry[str])
assert_type(keyword_only(unit="m"), Any)
assert_type(curry(add, 1), toolz_curry[int])  # arguments given to curry() itself


def is_curried(value: object) -> bool:
    return isinstance(value, toolz_curry)  # curry is a class at run time too


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

# -- the other toolz functions in the stubs --------------------------------------------------

assert_type(identity(3), int)
assert_type(toolz_pipe("2", parse, double, show), str)
assert_type(toolz_pipe("2"), str)
assert_type(compose_left(parse, double, show)("2"), str)
assert_type(compose(show, double, parse)("2"), str)
assert_type(compose()(3), int)
assert_type(juxt(double, show)(3), tuple[int, str])
assert_type(juxt(double, show, is_positive)(3), tuple[int, str, bool])
assert_type(juxt([double, double])(3), tuple[int, ...])
assert_type(first([1, 2]), int)
assert_type(last("ab"), str)
assert_type(concat([[1], [2, 3]]), Iterator[int])
assert_type(partition_all(2, [1, 2, 3]), Iterator[tuple[int, ...]])
assert_type(frequencies(["a", "b", "a"]), dict[str, int])
assert_type(groupby(len, ["a", "bb"]), dict[int, list[str]])
assert_type(groupby("name", [{"name": "a"}]), dict[Any, list[dict[str, str]]])
assert_type(reduceby(is_positive, add, [1, -2, 3]), dict[bool, int])
assert_type(reduceby(is_positive, add, [1, -2, 3], 0), dict[bool, int])
assert_type(reduceby(len, count_into, ["a", "bb"], list), dict[int, list[str]])
assert_type(merge({"a": 1}, {"b": 2}), dict[str, int])
assert_type(merge([{"a": 1}, {"b": 2}]), dict[str, int])
assert_type(merge({"a": 1}, factory=OrderedDict), MutableMapping[str, int])
functions: list[Callable[[int], int]] = [double, double]
assert_type(toolz_pipe(1, *functions), Any)  # a list of unknown length: untyped
assert_type(compose_left(*functions), Callable[..., Any])
assert_type(juxt(*functions)(3), tuple[int, ...])
assert_type(toolz.comp(show, double)(2), str)
assert_type(toolz.valmap, Any)  # a name the stubs do not describe: Any (incomplete stub)
assert_type(toolz.itertoolz.sliding_window, Any)
assert_type(toolz.curried.get, Any)  # toolz.curried is not described: Any

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
bad_pipe: object = toolz_pipe("2", double)  # type: ignore[arg-type]
bad_pipe_later: object = toolz_pipe("2", parse, show, double)  # type: ignore[misc]
bad_compose: object = compose_left(show, double)  # type: ignore[arg-type]
bad_juxt_call: object = juxt(double, show)("3")  # type: ignore[arg-type]
bad_first: str = first([1, 2])  # type: ignore[assignment]
bad_groupby: object = groupby(len, [1, 2])  # type: ignore[arg-type]
bad_merge: dict[str, str] = merge({"a": 1})  # type: ignore[dict-item]
bad_partition: object = partition_all("2", [1])  # type: ignore[arg-type]
