"""``pipe(*stages)``: typed stage to stage for 1 to 5 Templates, else ``Template[Any, Any, Any]``.

Checked by mypy AND pyright.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, assert_type

from wumbo import Result, StageError, Template, pipe, template
from wumbo.core.pipe import pipe_all

from _stages import ErrA, ErrB, ErrC, check_a, check_b, double, parse, parse_checked, shout, show

parse_t = template(parse)
parse_checked_t = template(parse_checked)
double_t = template(double)
show_t = template(show)
check_a_t = template(check_a)
check_b_t = template(check_b)

# -- typed: 1 to 5 Templates -----------------------------------------------------------------

assert_type(pipe(parse_t), Template[str, int])
assert_type(pipe(check_a_t), Template[int, int, ErrA])
assert_type(pipe(parse_t, check_a_t), Template[str, int, ErrA])
assert_type(pipe(parse_t, double_t), Template[str, int])  # no stage declares an error: Never
assert_type(pipe(parse_t, double_t, show_t), Template[str, str])
assert_type(pipe(parse_t, double_t, double_t, show_t), Template[str, str])
assert_type(pipe(parse_t, double_t, double_t, double_t, show_t), Template[str, str])
assert_type(pipe(parse_checked_t, double_t), Template[str, int, ErrC])
assert_type(pipe(parse_t, check_a_t, check_b_t), Template[str, str, ErrA | ErrB])
assert_type(pipe(parse_checked_t, double_t, show_t), Template[str, str, ErrC])
assert_type(
    pipe(parse_checked_t, check_a_t, double_t, check_b_t),
    Template[str, str, ErrC | ErrA | ErrB],
)
assert_type(
    pipe(parse_checked_t, double_t, check_a_t, double_t, show_t),
    Template[str, str, ErrC | ErrA],
)
assert_type(pipe(parse_t, check_a_t, check_b_t)("1"), Result[str, ErrA | ErrB | StageError])
assert_type(pipe(parse_t, check_a_t).run("1"), int)
assert_type(pipe(parse_t, check_a_t) | show, Template[str, str, ErrA])

# -- more than five stages: typed up to twenty ---------------------------------------------

assert_type(pipe(parse_t, double_t, double_t, double_t, double_t, show_t), Template[str, str])
assert_type(
    pipe(
        parse_t,
        double_t, double_t, double_t, double_t, double_t, double_t,
        double_t, double_t, double_t, double_t, double_t, double_t,
        double_t, double_t, double_t, double_t, double_t, check_a_t,
        show_t,
    ),  # twenty stages
    Template[str, str, ErrA],
)

# -- inline template(result_stage): its value flows on, its error is declared ---------------

assert_type(pipe(template(str.strip), template(parse_checked)), Template[str, int, ErrC])
assert_type(pipe(template(parse_checked), template(show)), Template[str, str, ErrC])
assert_type(pipe(parse_t, template(check_a), template(check_b)), Template[str, str, ErrA | ErrB])
assert_type(pipe(parse_t, template(double), template(show)), Template[str, str])

# -- a run-time list of stages: pipe_all -------------------------------------------------------

steps: list[Callable[[Any], Any]] = [str.strip, int]
assert_type(pipe(), Template[Any, Any])  # the identity
assert_type(pipe_all(steps), Template[Any, Any, Any])
assert_type(pipe_all([parse, double]), Template[Any, Any, Any])  # plain functions
assert_type(pipe_all([parse, double]) | show, Template[Any, str, Any])
# a starred list of one Template type is a pipeline of that type, its declared error kept
# (the identity's overload comes last, so a list that may be empty is not read as ``pipe()``)
checks: list[Template[int, int, ErrA]] = [check_a_t, check_a_t]
assert_type(pipe(*checks), Template[int, int, ErrA])
assert_type(parse_t | pipe(*checks), Template[str, int, ErrA])

# ============================================================================================
# Incorrect cases
# ============================================================================================

bad_pipe_fit: object = pipe(parse_t, template(shout))  # type: ignore[misc]  # mypy: cannot infer T2
bad_pipe_fit_late: object = pipe(parse_t, double_t, double_t, double_t, double_t, double_t, template(shout))  # type: ignore[misc]
bad_pipe_plain: object = pipe(parse, double)  # type: ignore[call-overload]
bad_pipe_mixed: object = pipe(parse_t, double)  # type: ignore[call-overload]
bad_pipe_var: Template[str, str, ErrB] = pipe(parse_t, check_a_t)  # type: ignore[arg-type, type-var]
bad_pipe_all_list: object = pipe_all(parse)  # type: ignore[arg-type]
bad_pipe_run: object = pipe(parse_t, check_a_t).run(1)  # type: ignore[arg-type]
bad_pipe_then: object = pipe(parse_t, check_b_t) | double  # type: ignore[operator]
bad_pipe_arg: object = pipe(3)  # type: ignore[call-overload]
bad_pipe_21: object = pipe(parse_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, show_t)  # type: ignore[call-overload]
bad_pipe_inline: object = pipe(template(parse_checked), template(shout))  # type: ignore[misc, type-var]
bad_pipe_inline_error: Template[str, str] = pipe(template(parse_checked), template(show))  # type: ignore[type-var]


# every typed overload takes a name
named_parse = template(parse)
named_check = template(check_a)
assert_type(pipe(named_parse, named_check, name="checked"), Template[str, int, ErrA])
