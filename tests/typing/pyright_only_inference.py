# mypy: ignore-errors
"""Cases only pyright types as written; checked by pyright only (the runner gives mypy only the
shared and ``mypy_only_*`` files; the line above keeps a plain ``mypy tests`` quiet here too).

Expected errors use ``# pyright: ignore[rule]``: pyright checks the rule names, and reports an
ignore that no longer suppresses anything (reportUnnecessaryTypeIgnoreComment).

Why pyright only:
* a lambda on the right of ``|``, or given to map_items / filter_items / reduce_items, gets no
  parameter types in pyright (strict mode reports it); mypy infers them (mypy_only_inference.py).
  Use ``.then(lambda ...)`` or a typed function.
* a ``functools.partial`` on the left of ``|`` (or given to template()): pyright reads the
  partial's remaining parameters; mypy sees ``*args: Any`` and makes the input ``Any``.
* wrong code that mypy accepts and pyright reports (a declared type that makes mypy pick the
  untyped overload of expect, or read a Result-returning function given to fallback or branch
  as a plain one; a pipeline mypy makes ``Template[Any, Any, Any]``): the last expected errors
  below; mypy_only_known_issues.py pins mypy's side. A branch whose sides take different
  inputs: pyright reports the call, mypy solves the input as ``Never`` (the pipeline cannot
  be run: shared_combinators.py).
* an un-awaited ``acall``/``arun`` is a ``CoroutineType`` for pyright (mypy: ``Coroutine``).
"""

from __future__ import annotations

import functools
from types import CoroutineType
from typing import Any, assert_type

from wumbo import (
    Result,
    StageError,
    Template,
    branch,
    expect,
    fallback,
    fan_out,
    filter_items,
    map_items,
    reduce_items,
    template,
)

from _stages import ErrA, add, check_a, double, fetch_len, is_positive, parse, show, shout

split = template(str.split)
parse_t = template(parse)
double_t = template(double)
show_t = template(show)
check_a_t = template(check_a)


def load_any(text: str) -> Any:  # an untyped library function, e.g. json.loads
    return text


# -- functools.partial on the left -----------------------------------------------------------

assert_type(functools.partial(add, 1) | double_t, Template[int, int])
assert_type(template(functools.partial(add, 1)), Template[int, int])

# -- un-awaited coroutines -------------------------------------------------------------------


async def not_awaited() -> None:
    await assert_type(parse_t.acall("1"), CoroutineType[Any, Any, Result[int, StageError]])
    await assert_type(parse_t.arun("1"), CoroutineType[Any, Any, int])


# ============================================================================================
# Incorrect cases (pyright only)
# ============================================================================================

lambda_after_or = parse_t | (lambda n: n + 1)  # pyright: ignore[reportUnknownLambdaType, reportUnknownVariableType]
lambda_filter: object = split | map_items(parse) | filter_items(lambda n: n > 0)  # pyright: ignore[reportOperatorIssue, reportUnknownLambdaType, reportUnknownVariableType]
lambda_map: object = split.then(map_items(lambda s: s.upper()))  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType, reportUnknownLambdaType, reportAttributeAccessIssue, reportUnknownVariableType]
lambda_reduce: object = reduce_items(lambda acc, n: acc + n, 0)  # pyright: ignore[reportOperatorIssue, reportUnknownLambdaType, reportUnknownVariableType]
bad_expect_var: Template[object, str] = expect(int)  # pyright: ignore[reportAssignmentType]
untyped_wrong_input = (template(str.strip) | load_any).run(123)  # pyright: ignore[reportArgumentType]
bad_fan_out_inputs: object = fan_out(double_t, template(shout))  # pyright: ignore[reportArgumentType, reportCallIssue, reportUnknownVariableType]
bad_fan_out_late: object = fan_out(double_t, double_t, double_t, double_t, double_t, template(shout))  # pyright: ignore[reportArgumentType, reportCallIssue, reportUnknownVariableType]
bad_fan_out_var: Template[int, tuple[int, int], ErrA] = fan_out(check_a_t, show_t)  # pyright: ignore[reportAssignmentType]
bad_branch_inputs: object = branch(is_positive, double, fetch_len)  # pyright: ignore[reportArgumentType, reportCallIssue, reportUnknownVariableType]
bad_fallback_declared: Template[int, Result[int, ErrA]] = fallback(check_a, check_a)  # pyright: ignore[reportAssignmentType]
bad_branch_declared: Template[int, Result[int, ErrA]] = branch(is_positive, check_a, check_a)  # pyright: ignore[reportAssignmentType]
