"""Property tests: the composition laws hold for random pipelines (wumbo.testing exports them)."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from wumbo import Template, pipe, template
from wumbo.core.pipe import pipe_all
from wumbo.testing import (
    assert_associative,
    assert_identity,
    assert_matches_reference,
    assert_sync_async_agree,
    check_pipeline_laws,
    outcome,
    reference_call,
)


def inc(n: int) -> int:
    return n + 1


def triple(n: int) -> int:
    return n * 3


def untyped(n):  # type: ignore[no-untyped-def]  # exercises the run-time Result check
    return n - 2


def untyped_result(n):  # type: ignore[no-untyped-def]
    return Success(n // 2) if n % 5 else Failure(f"{n} divisible by 5")


def varying(n):  # type: ignore[no-untyped-def]  # a plain int or float, a Success or a Failure
    if n % 4 == 0:
        return Success(n + 1)
    if n % 4 == 1:
        return Failure(f"{n} is 1 mod 4") if n > 20 else n - 3
    if n % 4 == 2:
        return float(n)
    return n * 2


def halve_even(n: int) -> Result[int, ValueError]:
    return Success(n // 2) if n % 2 == 0 else Failure(ValueError(f"{n} is odd"))


def explode_on_sevens(n: int) -> int:
    if n % 7 == 0:
        raise ArithmeticError(f"{n} is a multiple of 7")
    return n


async def async_inc(n: int) -> int:
    await anyio.sleep(0)
    return n + 1


async def async_result(n: int) -> Result[int, KeyError]:
    return Success(n) if n >= 0 else Failure(KeyError(n))


SYNC_STAGES: list[Any] = [
    inc,
    triple,
    untyped,
    untyped_result,
    halve_even,
    explode_on_sevens,
    template(inc) | triple,
]
ALL_STAGES: list[Any] = [*SYNC_STAGES, async_inc, async_result]

sync_stage_lists = st.lists(st.sampled_from(SYNC_STAGES), max_size=8)
stage_lists = st.lists(st.sampled_from(ALL_STAGES), max_size=6)
values = st.integers(min_value=-50, max_value=50)


@given(sync_stage_lists, values)
def test_matches_hand_written_composition(stages: list[Any], value: int) -> None:
    assert_matches_reference(stages, value)


@given(sync_stage_lists, values)
def test_plain_call_gives_value_or_original_exception(stages: list[Any], value: int) -> None:
    expected = reference_call(stages, value)
    pipeline = pipe(*stages)
    try:
        got = pipeline.run(value)
    except Exception as error:
        assert not expected.ok
        if type(error).__name__ == "UnwrapFailedError":
            assert expected.error_type is None  # a non-exception Failure value
        else:
            assert type(error).__name__ == expected.error_type
            assert any(note.startswith("wumbo: stage") for note in error.__notes__)
    else:
        assert expected.ok
        assert got == expected.value


@given(st.lists(st.sampled_from(SYNC_STAGES), min_size=3, max_size=9), values, st.data())
def test_associativity(stages: list[Any], value: int, data: st.DataObject) -> None:
    cut = data.draw(st.integers(1, len(stages) - 2))
    cut2 = data.draw(st.integers(cut + 1, len(stages) - 1))
    parts = (pipe(*stages[:cut]), pipe(*stages[cut:cut2]), pipe(*stages[cut2:]))
    assert_associative(*parts, value)


@given(st.sampled_from(ALL_STAGES), values)
def test_identity(stage: Any, value: int) -> None:
    assert_identity(stage, value)


@given(stage_lists, values)
def test_sync_and_async_calls_agree(stages: list[Any], value: int) -> None:
    assert_sync_async_agree(pipe(*stages), value)
    assert_matches_reference(stages, value)


@given(st.lists(st.sampled_from(SYNC_STAGES), min_size=65, max_size=120), values)
def test_long_pipelines_take_the_indexed_path(stages: list[Any], value: int) -> None:
    assert_matches_reference(stages, value)


def _agrees_at_every_call(stages: list[Any], inputs: list[int]) -> None:
    pipeline = pipe(*stages)
    for _ in range(3):  # a new shape runs on the interpreter first: compile it
        pipeline(0)
    for value in inputs:  # each stage remembers the plain class it returned last
        expected = reference_call(stages, value)
        assert outcome(pipeline(value)) == expected
        try:
            got = pipeline.run(value)
        except Exception:
            assert not expected.ok
        else:
            assert expected.ok
            assert got == expected.value


CHANGING_STAGES: list[Any] = [*SYNC_STAGES, varying, varying]


@given(st.lists(st.sampled_from(CHANGING_STAGES), max_size=8), st.lists(values, max_size=12))
def test_a_pipeline_called_again_and_again_matches_the_reference(
    stages: list[Any], inputs: list[int]
) -> None:
    _agrees_at_every_call(stages, inputs)


@given(
    st.lists(st.sampled_from(CHANGING_STAGES), min_size=65, max_size=90),
    st.lists(values, max_size=6),
)
def test_a_long_pipeline_called_again_and_again_matches_the_reference(
    stages: list[Any], inputs: list[int]
) -> None:
    _agrees_at_every_call(stages, inputs)


@given(values)
def test_lifting_and_flattening(value: int) -> None:
    lifted = template(inc)
    flattened = template(lambda n: Success(n + 1))
    nested_template = pipe(template(inc))
    assert outcome(lifted(value)) == outcome(flattened(value)) == outcome(nested_template(value))
    assert lifted(value) == Success(value + 1)


@given(values)
def test_short_circuit(value: int) -> None:
    calls: list[int] = []

    def record(n: int) -> int:
        calls.append(n)
        return n

    def always_fail(n: int) -> Result[int, str]:
        return Failure("stop")

    assert pipe_all([always_fail, record])(value) == Failure("stop")
    assert calls == []


def test_exported_law_runner_finds_violations() -> None:
    check_pipeline_laws([inc, halve_even, explode_on_sevens, async_inc], values, max_examples=20)

    class Liar:
        """A stage whose second call differs: the laws must notice."""

        calls = 0

        def __call__(self, n: int) -> int:
            Liar.calls += 1
            return n + Liar.calls

    with pytest.raises(AssertionError):
        check_pipeline_laws([Liar(), inc], values, max_examples=5)


def test_templates_compose_with_the_law_helpers() -> None:
    assert isinstance(pipe_all([inc, triple]), Template)
    assert_associative(inc, triple, untyped, 4)
