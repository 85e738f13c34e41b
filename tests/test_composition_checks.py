"""Bad operands and mismatched hints are reported at the | with a clear TypeError."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from returns.result import Result, Success

from wumbo import StageError, pipe, template

T = TypeVar("T")


@dataclass
class Order:
    id: str


@dataclass
class Summary:
    count: int


def validate(raw: dict[str, object]) -> Order:
    return Order(str(raw["id"]))


def aggregate(orders: list[Order]) -> Summary:
    return Summary(len(orders))


def test_non_callable_operand_is_named() -> None:
    with pytest.raises(TypeError, match=r"cannot compose <Template validate> \| int 5: expected"):
        template(validate) | 5  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"cannot compose dict \{'a': 1\} \| <Template validate>"):
        {"a": 1} | template(validate)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"pipe\(\): stage 2 of 2: expected .* got str 'x'"):
        pipe(validate, "x")  # type: ignore[call-overload]


def test_stage_that_cannot_take_one_argument() -> None:
    def two(a: int, b: int) -> int:
        return a + b

    with pytest.raises(TypeError, match=r"stage 'two' cannot be called with one argument"):
        template(two)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"cannot compose .* functools.partial or toolz.curry"):
        template(validate) | two  # type: ignore[operator]
    assert (template(int) | functools.partial(two, 1)).run("2") == 3


def test_mismatched_hints_fail_at_the_pipe() -> None:
    with pytest.raises(
        TypeError, match=r"cannot compose validate \| aggregate: 'validate' returns Order"
    ):
        template(validate) | aggregate  # type: ignore[operator]


def test_compatible_hints_compose() -> None:
    def first(items: Sequence[Order]) -> Order:
        return items[0]

    def as_float(n: float) -> float:
        return n

    def count(o: Order) -> int:
        return 1

    def anything(value: Any) -> str:
        return str(value)

    def generic(value: T) -> T:
        return value

    def result_stage(o: Order) -> Result[Order, KeyError]:
        return Success(o)

    template(aggregate) | (lambda s: s)
    template(first) | count | as_float | anything | generic
    template(validate) | result_stage | count
    template(lambda items: items) | first


def test_check_at_call_time_names_the_stage() -> None:
    def double(n: int) -> int:
        return n * 2

    checked = template(double, check=True)
    error = checked("2").failure()  # type: ignore[arg-type]
    assert isinstance(error, StageError)
    assert error.stage == "double"
    assert "violates type hint" in str(error)
    assert checked(2) == Success(4)

    def lies(n: int) -> int:
        return str(n)  # type: ignore[return-value]

    assert isinstance(template(lies).checked()(1).failure(), StageError)
    assert template(lies)(1) == Success("1")  # unchecked templates pay nothing and check nothing


def test_checked_partial_and_callable_object() -> None:
    def scale(factor: int, value: int) -> int:
        return value * factor

    class Adder:
        def __call__(self, value: int) -> int:
            return value + 1

    pipeline = (template(functools.partial(scale, 2)) | Adder()).checked()
    assert pipeline(3) == Success(7)
    assert isinstance(pipeline("3").failure(), StageError)


@pytest.mark.anyio
async def test_checked_async_stage() -> None:
    async def fetch(n: int) -> int:
        return n

    checked = template(fetch).checked()
    assert await checked.acall(1) == Success(1)
    assert isinstance((await checked.acall("1")).failure(), StageError)  # type: ignore[arg-type]


def test_an_operand_with_a_broken_repr_still_gets_a_clear_error() -> None:
    class Opaque:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    with pytest.raises(TypeError, match=r"expected a Template or a callable .* got Opaque <Opaque"):
        template(validate) | Opaque()  # type: ignore[operator]
