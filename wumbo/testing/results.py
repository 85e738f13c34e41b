"""Assertions on a pipeline's Result that say what went wrong: the stage, its input and a diff.

``assert_success(result, expected)`` passes when ``result`` is ``Success(expected)`` and returns
the value. ``assert_no_stage_error(result)`` passes unless a stage raised (a declared ``Failure``
passes): the one-line body of a property test. ``assert_failure(result, ...)`` passes when ``result`` is a ``Failure`` matching what
is given (the exception type a stage raised, the failing stage, a message pattern, a declared
failure value) and returns what the failure holds. When they fail, the ``AssertionError`` names
the stage that failed, its position and its input, and shows expected against actual as a diff
(``-`` expected, ``+`` actual, as pytest does); the exception a stage raised is chained as
``__cause__``, so pytest prints where in the stage it came from.

Examples:
    >>> from wumbo import template
    >>> parse = template(str.strip) | int
    >>> assert_success(parse(" 42 "), 42)
    42
    >>> assert_failure(parse("x"), ValueError, stage="int").input
    'x'
    >>> assert_success(parse("x"), 42)
    Traceback (most recent call last):
    ...
    AssertionError: expected Success(42), got a Failure: stage 'int' (2 of 2) raised ValueError
      input: 'x'
      error: ValueError: invalid literal for int() with base 10: 'x'
"""

from __future__ import annotations

import difflib
import pprint
import re
from typing import Any, Final, TypeVar

from returns.result import Failure, Result, Success

from wumbo.core.result import StageError

__all__ = ["assert_failure", "assert_no_stage_error", "assert_success"]

T = TypeVar("T")


class _Missing:
    def __repr__(self) -> str:
        return "<not given>"


_MISSING: Final[Any] = _Missing()


def _diff(expected: object, actual: object) -> str:
    """pytest's full diff: ``-`` lines are expected, ``+`` lines actual."""
    lines = difflib.ndiff(
        pprint.pformat(expected, width=80).splitlines(),
        pprint.pformat(actual, width=80).splitlines(),
    )
    return "Full diff (- expected, + actual):\n" + "\n".join(
        f"  {line}" for line in lines if not line.startswith("?")
    )


def _check_result(helper: str, result: object) -> Result[Any, Any]:
    if not isinstance(result, Success | Failure):
        raise TypeError(
            f"{helper} expects the Result of a pipeline call (Success or Failure), got "
            f"{type(result).__name__} {result!r}; call the pipeline as pipeline(x), not "
            f"pipeline.run(x)"
        )
    return result  # pyright: ignore[reportUnknownVariableType]


def _where(error: StageError) -> str:
    raised = error.error
    return (
        f"stage {error.stage!r} ({error.position} of {error.total}) raised "
        f"{type(raised).__name__}\n"
        f"  input: {pprint.pformat(error.input, width=72)}\n"
        f"  error: {type(raised).__name__}: {raised}"
    )


def _describe_failure(payload: object) -> str:
    if isinstance(payload, StageError):
        return _where(payload)
    return f"declared failure {payload!r}"


def _cause(payload: object) -> BaseException | None:
    if isinstance(payload, StageError):
        return payload.__cause__
    return payload if isinstance(payload, BaseException) else None


def assert_success(result: Result[T, Any], expected: Any = _MISSING) -> T:
    """Assert ``result`` is a ``Success`` (holding ``expected``, when given); return its value.

    On a ``Failure`` the message names the failing stage, its position and input, and the
    error; the stage's exception is chained. On another value it shows a diff.

    Examples:
        >>> from wumbo import template
        >>> assert_success(template(sorted)([3, 1, 2]), [1, 2, 3])
        [1, 2, 3]
        >>> assert_success(template(sorted)([3, 1, 2]), [1, 2])
        Traceback (most recent call last):
        ...
        AssertionError: expected Success([1, 2]), got Success([1, 2, 3])
        Full diff (- expected, + actual):
          - [1, 2]
          + [1, 2, 3]
    """
    checked = _check_result("assert_success", result)
    shown = "a Success" if expected is _MISSING else f"Success({expected!r})"
    if isinstance(checked, Failure):
        payload = checked.failure()
        raise AssertionError(
            f"expected {shown}, got a Failure: {_describe_failure(payload)}"
        ) from _cause(payload)
    value: T = checked.unwrap()
    if expected is not _MISSING and value != expected:
        raise AssertionError(
            f"expected Success({expected!r}), got Success({value!r})\n{_diff(expected, value)}"
        )
    return value


def assert_failure(
    result: Result[Any, Any],
    error: type[BaseException] | tuple[type[BaseException], ...] | None = None,
    *,
    stage: str | None = None,
    position: int | None = None,
    match: str | None = None,
    failure: Any = _MISSING,
) -> Any:
    """Assert ``result`` is a ``Failure`` like the one described; return what it holds.

    * ``error``: the exception type (or types) the failing stage raised, or of the failure
      value a stage returned.
    * ``stage`` / ``position``: the failing stage's name / 1-based position (a stage that
      raised).
    * ``match``: a regular expression searched in the error's message (``re.search``).
    * ``failure``: the value of a declared ``Failure(value)`` a stage returned.

    Returns the ``StageError`` when a stage raised (its ``.error``, ``.stage``, ``.input`` are
    there to inspect), else the failure value.

    Examples:
        >>> from wumbo import Failure, template
        >>> def positive(n: int):
        ...     return Failure("not positive") if n <= 0 else n
        >>> assert_failure(template(positive)(-1), failure="not positive")
        'not positive'
        >>> assert_failure(template(int)("x"), KeyError)
        Traceback (most recent call last):
        ...
        AssertionError: the failure does not match: stage 'int' (1 of 1) raised ValueError
          input: 'x'
          error: ValueError: invalid literal for int() with base 10: 'x'
        Full diff (- expected, + actual):
          - {'error': 'KeyError'}
          + {'error': 'ValueError'}
    """
    checked = _check_result("assert_failure", result)
    if isinstance(checked, Success):
        raise AssertionError(f"expected a Failure, got Success({checked.unwrap()!r})")
    payload: object = checked.failure()
    raised = payload.error if isinstance(payload, StageError) else payload
    expected: dict[str, object] = {}
    actual: dict[str, object] = {}
    if error is not None:
        names = error if isinstance(error, tuple) else (error,)
        expected["error"] = " | ".join(kind.__name__ for kind in names)
        actual["error"] = expected["error"] if isinstance(raised, error) else type(raised).__name__
    if stage is not None or position is not None:
        where = payload if isinstance(payload, StageError) else None
        if stage is not None:
            expected["stage"], actual["stage"] = stage, None if where is None else where.stage
        if position is not None:
            expected["position"] = position
            actual["position"] = None if where is None else where.position
    if match is not None:
        message = str(raised)
        expected["match"] = match
        actual["match"] = match if re.search(match, message) else message
    if failure is not _MISSING:
        expected["failure"] = failure
        actual["failure"] = None if isinstance(payload, StageError) else payload
    if expected != actual:
        raise AssertionError(
            f"the failure does not match: {_describe_failure(payload)}\n{_diff(expected, actual)}"
        ) from _cause(payload)
    return payload


def assert_no_stage_error(result: Result[Any, Any]) -> None:
    """Assert no stage raised: ``result`` is a ``Success`` or a declared ``Failure``.

    The body of a property test over [`inputs_of`][wumbo.testing.strategies.inputs_of]: "no
    input makes a stage raise". The message names the stage, its position and input.

    Examples:
        >>> from wumbo import Failure, template
        >>> def checked(n: int):
        ...     return Failure("negative") if n < 0 else n
        >>> assert_no_stage_error(template(checked)(-1))
        >>> assert_no_stage_error(template(int)("x"))
        Traceback (most recent call last):
        ...
        AssertionError: a stage raised: stage 'int' (1 of 1) raised ValueError
          input: 'x'
          error: ValueError: invalid literal for int() with base 10: 'x'
    """
    checked = _check_result("assert_no_stage_error", result)
    if isinstance(checked, Failure):
        payload = checked.failure()
        if isinstance(payload, StageError):
            raise AssertionError(f"a stage raised: {_where(payload)}") from payload.__cause__
