"""The error channel: a stage declared ``-> Result[B, E]`` contributes ``E``; mypy AND pyright.

A pipeline's call gives ``Result[B, E1 | E2 | ... | StageError]``: the union of the declared
error types of its stages, plus ``StageError`` for anything a stage raises.
"""

from __future__ import annotations

from typing import assert_type

from wumbo import Result, StageError, Template, template

from _stages import (
    ErrA,
    ErrB,
    ErrC,
    check_a,
    check_b,
    double,
    fetch,
    fetch_checked,
    parse,
    parse_checked,
    show,
)

parse_t = template(parse)
check_a_t = template(check_a)
check_b_t = template(check_b)

# -- one Result stage ------------------------------------------------------------------------

assert_type(check_a_t, Template[int, int, ErrA])
assert_type(check_a_t(1), Result[int, ErrA | StageError])
assert_type(check_a_t.run(1), int)  # .run gives the Success value (a Failure raises)
assert_type(template(fetch_checked), Template[int, str, ErrB])  # async returning Result
assert_type(template(fetch_checked)(1), Result[str, ErrB | StageError])


@template(name="validated")
def validated(text: str) -> Result[str, ErrC]:
    return parse_checked(text).map(str)


assert_type(validated, Template[str, str, ErrC])

# -- unions through | ------------------------------------------------------------------------

both = parse_t | check_a | check_b
assert_type(both, Template[str, str, ErrA | ErrB])
assert_type(both("1"), Result[str, ErrA | ErrB | StageError])
assert_type(both.run("1"), str)
assert_type(parse_t | check_a_t | check_b_t, Template[str, str, ErrA | ErrB])
assert_type(parse_checked | check_a_t, Template[str, int, ErrC | ErrA])  # plain Result | tpl
assert_type(template(parse_checked) | check_a | fetch_checked, Template[str, str, ErrC | ErrA | ErrB])
assert_type(parse_t | fetch_checked, Template[str, str, ErrB])  # async Result on the right
assert_type(fetch_checked | template(len), Template[int, int, ErrB])  # async Result on the left
assert_type(parse_t | check_a | double | show, Template[str, str, ErrA])  # plain stages add none
assert_type(check_a_t | check_a_t, Template[int, int, ErrA])  # the same error once
assert_type(check_a_t.then(check_b_t), Template[int, str, ErrA | ErrB])
assert_type(check_a_t.then(lambda n: n * 2), Template[int, int, ErrA])
assert_type(parse_t | check_a | fetch, Template[str, str, ErrA])


async def call_async() -> None:
    assert_type(await both.acall("1"), Result[str, ErrA | ErrB | StageError])
    assert_type(await both.arun("1"), str)


# -- variance of E ---------------------------------------------------------------------------

wider_errors: Template[str, str, ErrA | ErrB | ErrC] = both
as_exceptions: Template[str, str, Exception] = both
result_wider: Result[str, Exception] = both("1")

# ============================================================================================
# Incorrect cases
# ============================================================================================

bad_drop_error: Template[str, str] = both  # type: ignore[assignment]
bad_drop_one: Template[str, str, ErrA] = both  # type: ignore[assignment]
bad_result: Result[str, ErrA | ErrB] = both("1")  # type: ignore[assignment]
bad_value: Result[int, ErrA | ErrB | StageError] = both("1")  # type: ignore[assignment]
bad_undeclared: Template[int, int] = check_a_t  # type: ignore[assignment]
bad_after_result: object = check_b_t | double  # type: ignore[operator]
bad_async_result: object = fetch_checked | template(double)  # type: ignore[operator]
