"""The laws a wumbo pipeline obeys, as assertions users can run against their own stages.

* associativity: ``(f | g) | h`` and ``f | (g | h)`` hold the same stages and give the same result;
* identity: ``pipe() | f``, ``f | pipe()`` and ``f`` give the same result;
* reference: a pipeline gives what a hand-written loop over its stages gives on the railway
  (plain values lifted, Results flattened, the first raise or Failure stops);
* sync and async: ``pipeline(x)`` and ``await pipeline.acall(x)`` agree.

Results are compared as [`Outcome`][wumbo.testing.laws.Outcome] values, since two ``StageError`` objects from two runs
are different objects describing the same failure.

Examples:
    >>> from wumbo.testing import assert_matches_reference
    >>> assert_matches_reference([str.strip, int], " 7 ")
    >>> assert_matches_reference([str.strip, int], "seven")
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import anyio
from returns.result import Failure, Result, Success

from wumbo.core.pipe import pipe, pipe_all
from wumbo.core.result import StageError
from wumbo.core.template import Template

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "Outcome",
    "assert_associative",
    "assert_identity",
    "assert_matches_reference",
    "assert_sync_async_agree",
    "check_pipeline_laws",
    "outcome",
    "reference_call",
]

Stage = Callable[[Any], Any]


class Outcome(NamedTuple):
    """What a call produced, comparable across runs.

    ``ok`` and ``value`` for a success; for a failure, the failing stage's position (for a
    ``StageError``), the error's type and its message.

    Examples:
        >>> from wumbo import template
        >>> outcome(template(int)("x"))
        Outcome(ok=False, value=None, position=1, error_type='ValueError', message="invalid literal for int() with base 10: 'x'")
    """

    ok: bool
    value: Any
    position: int | None = None
    error_type: str | None = None
    message: str | None = None


def outcome(result: Result[Any, Any]) -> Outcome:
    """Describe a Result as an [`Outcome`][wumbo.testing.laws.Outcome].

    Examples:
        >>> from returns.result import Success
        >>> outcome(Success(3))
        Outcome(ok=True, value=3, position=None, error_type=None, message=None)
    """
    if isinstance(result, Success):
        return Outcome(ok=True, value=result.unwrap())
    error = result.failure()
    if isinstance(error, StageError):
        original = error.error
        return Outcome(False, None, error.position, type(original).__name__, str(original))
    if isinstance(error, BaseException):
        return Outcome(False, None, None, type(error).__name__, str(error))
    return Outcome(False, error)


def _call_stage(stage: Stage, value: Any) -> Any:
    result: object = stage(value)
    if inspect.isawaitable(result):

        async def wait() -> Any:
            return await result

        return anyio.run(wait)
    return result


def reference_call(stages: Sequence[Stage], value: Any) -> Outcome:
    """Run stages one by one, the obvious way, and describe what happened.

    This is the specification a compiled pipeline must match.

    Examples:
        >>> reference_call([str.strip, int], " 4 ")
        Outcome(ok=True, value=4, position=None, error_type=None, message=None)
    """
    flat: list[Stage] = []
    for stage in stages:
        if isinstance(stage, Template) and stage.stages:
            flat.extend(part.fn for part in stage.stages)
        elif not isinstance(stage, Template):
            flat.append(stage)
    for position, stage in enumerate(flat, start=1):
        try:
            result = _call_stage(stage, value)
        except Exception as error:
            return Outcome(False, None, position, type(error).__name__, str(error))
        if isinstance(result, Success):
            value = result.unwrap()  # pyright: ignore[reportUnknownVariableType]
        elif isinstance(result, Failure):
            return outcome(result)  # pyright: ignore[reportUnknownArgumentType]
        else:
            value = result
    return Outcome(ok=True, value=value)


def _same(label: str, left: Outcome, right: Outcome) -> None:
    if left != right:
        raise AssertionError(f"{label}: {left} != {right}")


def assert_matches_reference(stages: Sequence[Stage], value: Any) -> None:
    """``pipe(*stages)(value)`` must equal [`reference_call`][wumbo.testing.laws.reference_call] on the same stages.

    Examples:
        >>> assert_matches_reference([len, lambda n: n * 2], "abc")
    """
    _same("pipeline vs reference", outcome(pipe(*stages)(value)), reference_call(stages, value))


def assert_associative(first: Stage, second: Stage, third: Stage, value: Any) -> None:
    """``(first | second) | third`` and ``first | (second | third)``: same stages, same result.

    Examples:
        >>> assert_associative(str.split, len, str, "a b c")
    """
    left = (pipe_all([first]) | second) | third
    right = pipe_all([first]) | (pipe_all([second]) | third)
    if left.stages != right.stages:
        raise AssertionError(f"associativity: {left.stages} != {right.stages}")
    _same("associativity", outcome(left(value)), outcome(right(value)))


def assert_identity(stage: Stage, value: Any) -> None:
    """``pipe() | stage``, ``stage | pipe()`` and ``stage`` agree.

    Examples:
        >>> assert_identity(str.upper, "x")
    """
    alone = pipe_all([stage])
    for label, composed in (("left identity", pipe() | alone), ("right identity", alone | pipe())):
        if composed.stages != alone.stages:
            raise AssertionError(f"{label}: {composed.stages} != {alone.stages}")
        _same(label, outcome(composed(value)), outcome(alone(value)))


def assert_sync_async_agree(pipeline: Template[Any, Any, Any], value: Any) -> None:
    """``pipeline(value)`` and ``await pipeline.acall(value)`` give the same outcome.

    Examples:
        >>> from wumbo import template
        >>> assert_sync_async_agree(template(int), "12")
    """
    sync = outcome(pipeline(value))
    in_loop = outcome(anyio.run(pipeline.acall, value))
    _same("sync vs async", sync, in_loop)


def check_pipeline_laws(
    stages: Sequence[Stage], values: SearchStrategy[Any], *, max_examples: int = 50
) -> None:
    """Check every law for ``stages`` on values drawn by hypothesis (needs ``wumbo[testing]``).

    Associativity is checked for every split of ``stages`` into three consecutive parts.
    Without hypothesis it raises ``ModuleNotFoundError`` saying to run
    ``pip install 'wumbo[testing]'``.

    Examples:
        >>> from hypothesis import strategies as st
        >>> check_pipeline_laws([str.strip, len], st.text(max_size=5), max_examples=10)
    """
    try:
        from hypothesis import given, settings
    except ModuleNotFoundError as missing:
        if missing.name != "hypothesis":  # hypothesis is there, something it needs is not
            raise
        raise ModuleNotFoundError(
            "check_pipeline_laws needs hypothesis, which the 'testing' extra installs: "
            "pip install 'wumbo[testing]'",
            name="hypothesis",
        ) from missing

    @settings(max_examples=max_examples, deadline=None, database=None)
    @given(values)
    def laws(value: Any) -> None:
        assert_matches_reference(stages, value)
        assert_sync_async_agree(pipe(*stages), value)
        for stage in stages:
            assert_identity(stage, value)
        for cut in range(1, len(stages) - 1):
            for cut2 in range(cut + 1, len(stages)):
                first, second, third = stages[:cut], stages[cut:cut2], stages[cut2:]
                assert_associative(pipe(*first), pipe(*second), pipe(*third), value)

    laws()
