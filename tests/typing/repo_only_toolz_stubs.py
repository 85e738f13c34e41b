"""toolz through the repo's own stubs (stubs/toolz); mypy AND pyright, in the repo only.

The stubs type wumbo's own modules where they use toolz; installed users do not have them (the
installed run leaves this file out), which is why ``wumbo.curry`` is typed by wumbo itself.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, MutableMapping
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

from _stages import add, double, is_positive, parse, show


def count_into(acc: list[str], word: str) -> list[str]:
    return [*acc, word]


@toolz_curry
def scale(factor: float, x: float) -> float:
    return factor * x


assert_type(toolz_curry(add)(1, 2), int)
assert_type(toolz.curry(add)(1)(2), int)
assert_type(scale(factor=2.0), toolz_curry[float])


def is_curried(value: object) -> bool:
    return isinstance(value, toolz_curry)  # curry is a class at run time too


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

bad_toolz_curry_arg: object = scale("2")  # type: ignore[call-overload]
bad_pipe: object = toolz_pipe("2", double)  # type: ignore[arg-type]
bad_pipe_later: object = toolz_pipe("2", parse, show, double)  # type: ignore[misc]
bad_compose: object = compose_left(show, double)  # type: ignore[arg-type]
bad_juxt_call: object = juxt(double, show)("3")  # type: ignore[arg-type]
bad_first: str = first([1, 2])  # type: ignore[assignment]
bad_groupby: object = groupby(len, [1, 2])  # type: ignore[arg-type]
bad_merge: dict[str, str] = merge({"a": 1})  # type: ignore[dict-item]
bad_partition: object = partition_all("2", [1])  # type: ignore[arg-type]
