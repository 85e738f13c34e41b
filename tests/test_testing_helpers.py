"""wumbo.testing's assertions on Results and the ``inputs_of`` strategy."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from hypothesis import given
from returns.result import Failure, Result, Success

from wumbo import StageError, pipe, template
from wumbo.decorators import CircuitBreaker, cache, metrics, retry, sandbox, timeout, trace
from wumbo.testing import (
    assert_failure,
    assert_no_stage_error,
    assert_success,
    input_type_of,
    inputs_of,
)


def parse(text: str) -> int:
    return int(text)


def positive(n: int) -> Result[int, str]:
    return Success(n) if n > 0 else Failure(f"{n} is not positive")


quantity = template(str.strip) | parse | positive


def _message(error: pytest.ExceptionInfo[AssertionError]) -> str:
    return str(error.value)


def test_assert_success_returns_the_value() -> None:
    assert assert_success(quantity(" 4 ")) == 4
    assert assert_success(quantity(" 4 "), 4) == 4


def test_assert_success_on_a_raised_stage_names_stage_position_input() -> None:
    with pytest.raises(AssertionError) as failed:
        assert_success(quantity(" four "), 4)
    assert _message(failed) == (
        "expected Success(4), got a Failure: stage 'parse' (2 of 3) raised ValueError\n"
        "  input: 'four'\n"
        "  error: ValueError: invalid literal for int() with base 10: 'four'"
    )
    assert isinstance(failed.value.__cause__, ValueError)


def test_assert_success_on_a_declared_failure() -> None:
    with pytest.raises(AssertionError, match=r"^expected a Success, got a Failure: "):
        assert_success(quantity("-2"))
    with pytest.raises(AssertionError) as failed:
        assert_success(quantity("-2"))
    assert "declared failure '-2 is not positive'" in _message(failed)


def test_assert_success_diffs_other_values() -> None:
    def shape(n: int) -> dict[str, object]:
        return {"n": n, "tags": ["a", "b"]}

    with pytest.raises(AssertionError) as failed:
        assert_success(template(shape)(1), {"n": 1, "tags": ["a", "c"]})
    assert _message(failed).splitlines()[1:] == [
        "Full diff (- expected, + actual):",
        "  - {'n': 1, 'tags': ['a', 'c']}",
        "  + {'n': 1, 'tags': ['a', 'b']}",
    ]


def test_a_long_input_is_pretty_printed_on_several_lines() -> None:
    record = {f"field_{index}": index for index in range(12)}
    with pytest.raises(AssertionError) as failed:
        assert_success(template(lambda r: r["missing"])(record))
    lines = _message(failed).splitlines()
    assert lines[1] == "  input: {'field_0': 0,"
    assert "KeyError" in lines[0]


def test_helpers_reject_what_is_not_a_result() -> None:
    with pytest.raises(TypeError, match=r"expects the Result of a pipeline call .* got int 4"):
        assert_success(quantity.run("4"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="assert_failure expects"):
        assert_failure("oops")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="assert_no_stage_error expects"):
        assert_no_stage_error(None)  # type: ignore[arg-type]


def test_assert_failure_matches_and_returns_the_stage_error() -> None:
    error = assert_failure(
        quantity("x"), ValueError, stage="parse", position=2, match=r"base 10: 'x'"
    )
    assert isinstance(error, StageError)
    assert (error.stage, error.input) == ("parse", "x")
    assert assert_failure(quantity("x"), (KeyError, ValueError)).stage == "parse"
    assert assert_failure(quantity("0"), failure="0 is not positive") == "0 is not positive"


def test_assert_failure_shows_every_mismatch_as_a_diff() -> None:
    with pytest.raises(AssertionError) as failed:
        assert_failure(quantity("x"), TypeError, stage="positive", position=2, match="nope")
    assert _message(failed).splitlines() == [
        "the failure does not match: stage 'parse' (2 of 3) raised ValueError",
        "  input: 'x'",
        "  error: ValueError: invalid literal for int() with base 10: 'x'",
        "Full diff (- expected, + actual):",
        "  - {'error': 'TypeError', 'match': 'nope', 'position': 2, 'stage': 'positive'}",
        "  + {'error': 'ValueError',",
        "  +  'match': \"invalid literal for int() with base 10: 'x'\",",
        "  +  'position': 2,",
        "  +  'stage': 'parse'}",
    ]


def test_assert_failure_on_a_success_or_the_wrong_kind_of_failure() -> None:
    with pytest.raises(AssertionError, match=re.escape("expected a Failure, got Success(3)")):
        assert_failure(quantity("3"))
    with pytest.raises(AssertionError, match="'failure': None"):
        assert_failure(quantity("x"), failure="x is not positive")
    with pytest.raises(AssertionError, match="'stage': None"):
        assert_failure(quantity("-1"), stage="positive")


def test_assert_no_stage_error() -> None:
    assert_no_stage_error(quantity("3"))
    assert_no_stage_error(quantity("-3"))  # declared: fine
    with pytest.raises(AssertionError, match=r"^a stage raised: stage 'parse' \(2 of 3\)"):
        assert_no_stage_error(quantity("x"))


@dataclass(frozen=True)
class Order:
    sku: str
    qty: int


def total(order: Order) -> int:
    return order.qty


def test_input_type_of_reads_the_first_annotation_through_decorators() -> None:
    assert input_type_of(template(parse) | positive) is str
    assert input_type_of(template(total) | str) is Order
    decorated = retry(attempts=2)(trace(cache()(total)))
    assert input_type_of(decorated | str) is Order
    assert input_type_of(timeout(5)(CircuitBreaker()(sandbox(metrics()(total))))) is Order
    assert input_type_of(total) is Order


def test_an_unannotated_first_stage_is_a_clear_error() -> None:
    def untyped(value):  # type: ignore[no-untyped-def]
        return value

    with pytest.raises(TypeError, match=r"its first stage 'untyped' has no annotation"):
        inputs_of(template(untyped) | total)
    with pytest.raises(TypeError, match=r"first stage 'strip' has no annotation"):
        input_type_of(quantity)  # str.strip: a builtin without annotations
    with pytest.raises(TypeError, match="it has no stages"):
        inputs_of(pipe())


@given(inputs_of(template(total) | str))
def test_inputs_of_draws_the_input_type(order: Order) -> None:
    assert isinstance(order, Order)
    assert isinstance(order.sku, str)
    assert isinstance(order.qty, int)


def slug(title: str) -> str:
    return "-".join(title.lower().split())


@given(inputs_of(slug))
def test_one_line_property_no_input_makes_a_stage_raise(title: str) -> None:
    assert_no_stage_error((template(slug) | len)(title))
