"""Every combinator, correct and incorrect uses: checked by mypy AND pyright.

Checker-specific behaviour lives in mypy_only_combinators.py / pyright_only_combinators.py
(lambdas given to combinators, batch's item type) and the API
issues found are pinned in known_issues.py / pyright_only_known_issues.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, assert_type

from returns.result import Success

from wumbo import (
    Result,
    StageError,
    Template,
    batch,
    branch,
    expect,
    fallback,
    fan_out,
    filter_items,
    map_items,
    reduce_items,
    tap,
    template,
)
from wumbo.core.combinators import Batch, Tap

from _stages import (
    ErrA,
    ErrB,
    ErrC,
    add,
    check_a,
    check_b,
    double,
    fetch,
    fetch_checked,
    fetch_len,
    halve,
    is_positive,
    log_int,
    parse,
    parse_checked,
    shout,
    show,
)

split = template(str.split)
parse_t = template(parse)
double_t = template(double)
show_t = template(show)
halve_t = template(halve)
check_a_t = template(check_a)
check_b_t = template(check_b)
shout_t = template(shout)


async def is_even(n: int) -> bool:
    return n % 2 == 0


def longest(a: str, b: str) -> str:
    return a if len(a) >= len(b) else b


def count_chars(total: int, word: str) -> int:
    return total + len(word)


# -- map_items -------------------------------------------------------------------------------

assert_type(map_items(parse), Template[Iterable[str], list[int]])
assert_type(map_items(parse_t), Template[Iterable[str], list[int]])
assert_type(map_items(check_a), Template[Iterable[int], list[int], ErrA])
assert_type(map_items(check_a_t), Template[Iterable[int], list[int], ErrA])
assert_type(map_items(fetch), Template[Iterable[int], list[str]])
assert_type(map_items(fetch_checked), Template[Iterable[int], list[str], ErrB])
assert_type(map_items(parse_t | check_a), Template[Iterable[str], list[int], ErrA])
assert_type(split | map_items(parse), Template[str, list[int]])
assert_type(split | map_items(parse_checked), Template[str, list[int], ErrC])
assert_type((split | map_items(parse_checked))("1 2"), Result[list[int], ErrC | StageError])

# -- filter_items ----------------------------------------------------------------------------

assert_type(filter_items(is_positive), Template[Iterable[int], list[int]])
assert_type(filter_items(is_even), Template[Iterable[int], list[int]])  # async predicate
assert_type(filter_items(str.isdigit), Template[Iterable[str], list[str]])
assert_type(split | filter_items(str.isdigit) | map_items(parse), Template[str, list[int]])
assert_type(split | map_items(parse) | filter_items(is_positive), Template[str, list[int]])

# -- tap -------------------------------------------------------------------------------------

assert_type(tap(log_int), Tap[int])
tap_as_template: Template[int, int] = tap(log_int)
assert_type(parse_t | tap(print), Template[str, int])  # a wider side effect keeps the type
assert_type(parse_t.then(tap(print)), Template[str, int])
assert_type(parse_t | tap(print) | show, Template[str, str])
assert_type(parse_t | tap(log_int), Template[str, int])
assert_type(parse_t | tap(log_int) | show, Template[str, str])
assert_type(check_a_t | tap(log_int), Template[int, int, ErrA])

# -- fan_out (typed for 2 to 10 Templates) ---------------------------------------------------

assert_type(fan_out(double_t, show_t), Template[int, tuple[int, str]])
assert_type(fan_out(double_t, show_t, halve_t), Template[int, tuple[int, str, float]])
assert_type(
    fan_out(double_t, show_t, halve_t, double_t, show_t),
    Template[int, tuple[int, str, float, int, str]],
)
assert_type(parse_t | fan_out(double_t, show_t), Template[str, tuple[int, str]])
assert_type(fan_out(check_a_t, show_t), Template[int, tuple[int, str], ErrA])
assert_type(fan_out(check_a_t, check_b_t), Template[int, tuple[int, str], ErrA | ErrB])
assert_type(
    fan_out(check_a_t, show_t, halve_t), Template[int, tuple[int, str, float], ErrA]
)
assert_type(
    fan_out(check_a_t, show_t, halve_t, double_t),
    Template[int, tuple[int, str, float, int], ErrA],
)
assert_type(
    fan_out(check_a_t, show_t, halve_t, double_t, check_b_t),
    Template[int, tuple[int, str, float, int, str], ErrA | ErrB],
)
assert_type(
    parse_t | fan_out(check_a_t, template(fetch)), Template[str, tuple[int, str], ErrA]
)
assert_type(
    fan_out(double_t, double_t, double_t, double_t, double_t, show_t),
    Template[int, tuple[int, int, int, int, int, str]],
)
assert_type(
    fan_out(double_t, show_t, halve_t, double_t, show_t, halve_t, double_t, show_t, halve_t, check_a_t),
    Template[int, tuple[int, str, float, int, str, float, int, str, float, int], ErrA],
)
assert_type(fan_out(fan_out(double_t, show_t), check_a_t), Template[int, tuple[tuple[int, str], int], ErrA])

# -- inline template(result_stage): the Result's value is the value, its error is declared --

assert_type(fan_out(template(check_a), template(show)), Template[int, tuple[int, str], ErrA])
assert_type(fan_out(template(double), template(check_b)), Template[int, tuple[int, str], ErrB])
assert_type(
    fan_out(template(check_a), template(check_b), template(fetch_checked)),
    Template[int, tuple[int, str, str], ErrA | ErrB],
)
assert_type(fan_out(template(double), template(fetch)), Template[int, tuple[int, str]])
assert_type(branch(is_positive, template(check_a), template(show)), Template[int, int | str, ErrA])
assert_type(branch(is_positive, template(double), template(check_b)), Template[int, int | str, ErrB])
assert_type(branch(is_positive, template(double), template(show)), Template[int, int | str])
assert_type(branch(is_positive, template(fetch), show), Template[int, str])
assert_type(fallback(template(fetch), template(fetch)), Template[int, str])
assert_type(fallback(double, template(check_a)), Template[int, int, ErrA])
assert_type(fallback(double_t, template(fetch)), Template[int, int | str])
assert_type(fallback(template(check_a), show), Template[int, int | str])  # primary's handled
assert_type(fallback(template(fetch_checked), template(check_b)), Template[int, str, ErrB])

# -- branch ----------------------------------------------------------------------------------

assert_type(branch(is_positive, double, show), Template[int, int | str])
assert_type(branch(is_positive, check_a_t, show_t), Template[int, int | str, ErrA])
assert_type(branch(is_positive, check_a_t, check_b_t), Template[int, int | str, ErrA | ErrB])
assert_type(branch(is_positive, double, halve), Template[int, int | float])
assert_type(parse_t | branch(is_positive, double, show), Template[str, int | str])
assert_type(branch(is_positive, check_a_t, show), Template[int, int | str, ErrA])  # mixed
assert_type(branch(is_positive, template(double), show_t), Template[int, int | str])  # no errors
assert_type(branch(is_positive, show, check_a_t), Template[int, str | int, ErrA])

# branch of plain functions that return a Result or are async, given bare (issue 13, item 4):
# the Result's value is the value and its error is declared; a coroutine is awaited. Every
# pairing of kinds, each side a Template, a plain, a Result-returning, an async or an async
# Result-returning one; both sides' errors are declared.
assert_type(branch(is_positive, check_a, show), Template[int, int | str, ErrA])
assert_type(branch(is_positive, show, check_a), Template[int, str | int, ErrA])
assert_type(branch(is_positive, check_a, check_a), Template[int, int, ErrA])
assert_type(branch(is_positive, check_a, check_b), Template[int, int | str, ErrA | ErrB])
assert_type(branch(is_positive, fetch, show), Template[int, str])
assert_type(branch(is_positive, double, fetch), Template[int, int | str])
assert_type(branch(is_positive, fetch, fetch), Template[int, str])
assert_type(branch(is_positive, fetch_checked, fetch), Template[int, str, ErrB])
assert_type(branch(is_positive, fetch, fetch_checked), Template[int, str, ErrB])
assert_type(branch(is_positive, fetch_checked, fetch_checked), Template[int, str, ErrB])
assert_type(branch(is_positive, fetch_checked, check_a), Template[int, str | int, ErrB | ErrA])
assert_type(branch(is_positive, check_a, fetch_checked), Template[int, int | str, ErrA | ErrB])
assert_type(branch(is_positive, fetch_checked, show), Template[int, str, ErrB])
assert_type(branch(is_positive, halve, fetch_checked), Template[int, float | str, ErrB])
assert_type(branch(is_positive, check_a, fetch), Template[int, int | str, ErrA])
assert_type(branch(is_positive, fetch, check_a), Template[int, str | int, ErrA])
assert_type(branch(is_positive, double_t, check_a), Template[int, int, ErrA])
assert_type(branch(is_positive, check_a, double_t), Template[int, int, ErrA])
assert_type(branch(is_positive, check_a_t, check_b), Template[int, int | str, ErrA | ErrB])
assert_type(branch(is_positive, check_b, check_a_t), Template[int, str | int, ErrB | ErrA])
assert_type(branch(is_positive, check_a_t, fetch), Template[int, int | str, ErrA])
assert_type(branch(is_positive, fetch, check_a_t), Template[int, str | int, ErrA])
assert_type(branch(is_positive, show_t, fetch), Template[int, str])
assert_type(branch(is_positive, fetch_checked, double_t), Template[int, str | int, ErrB])
assert_type(branch(is_positive, check_a_t, fetch_checked), Template[int, int | str, ErrA | ErrB])
assert_type(branch(check_a, check_a, show), Template[int, int | str, ErrA])  # any predicate
assert_type(parse_t | branch(is_positive, check_a, fetch_checked), Template[str, int | str, ErrA | ErrB])
assert_type(parse_t.then(branch(is_positive, fetch, check_a)), Template[str, str | int, ErrA])
assert_type(branch(is_positive, check_a, show) | str, Template[int, str, ErrA])
assert_type(parse_checked | branch(is_positive, fetch_checked, check_a), Template[str, str | int, ErrC | ErrB | ErrA])

# -- batch: after | the item type comes from the stage before ------------------------------

assert_type(batch(2), Batch)
batch_as_template: Template[Iterable[Any], list[list[Any]]] = batch(2)
assert_type(split | batch(2), Template[str, list[list[str]]])
assert_type(split.then(batch(2)), Template[str, list[list[str]]])
assert_type(split | map_items(parse) | batch(3) | len, Template[str, int])
batches_of_int: Template[list[int], list[list[int]]] = batch(2)
assert_type(split | map_items(parse) | batches_of_int, Template[str, list[list[int]]])

# -- reduce_items ----------------------------------------------------------------------------

assert_type(reduce_items(add), Template[Iterable[int], int])
assert_type(reduce_items(longest), Template[Iterable[str], str])
assert_type(reduce_items(count_chars, 0), Template[Iterable[str], int])
assert_type(split | reduce_items(count_chars, 0), Template[str, int])
assert_type(split | map_items(parse) | reduce_items(add), Template[str, int])
# template() of a combinator, checked against a declared type (as wumbo/examples/orders.py does)
summed: Template[list[int], int] = template(reduce_items(add))
counted: Template[list[str], int] = template(reduce_items(count_chars, 0))

# -- fallback --------------------------------------------------------------------------------

assert_type(fallback(parse, parse), Template[str, int])
assert_type(fallback(parse, len), Template[str, int])
assert_type(fallback(check_a_t, double_t), Template[int, int])  # primary's errors are handled
assert_type(fallback(double_t, check_a_t), Template[int, int, ErrA])  # secondary's are not
assert_type(fallback(check_a_t, show_t), Template[int, int | str])
assert_type(fallback(double_t, show_t), Template[int, int | str])
assert_type(fallback(check_a_t, show), Template[int, int | str])  # mixed
assert_type(fallback(show, check_a_t), Template[int, str | int, ErrA])

# fallback of plain functions that return a Result or are async (issue 13, item 4): the
# Result's value is the value and the secondary's error is declared; a coroutine is awaited.
# Every pairing of kinds, each side a Template, a plain, a Result-returning or an async one.
assert_type(fallback(check_a, show), Template[int, int | str])  # primary's error is handled
assert_type(fallback(show, check_a), Template[int, str | int, ErrA])
assert_type(fallback(check_a, check_a), Template[int, int, ErrA])
assert_type(fallback(fetch, fetch), Template[int, str])
assert_type(fallback(fetch, show), Template[int, str])
assert_type(fallback(double, fetch), Template[int, int | str])
assert_type(fallback(fetch, fetch_checked), Template[int, str, ErrB])
assert_type(fallback(fetch_checked, fetch), Template[int, str])
assert_type(fallback(fetch_checked, fetch_checked), Template[int, str, ErrB])
assert_type(fallback(check_a, fetch_checked), Template[int, int | str, ErrB])
assert_type(fallback(fetch_checked, check_a), Template[int, str | int, ErrA])
assert_type(fallback(fetch, check_a), Template[int, str | int, ErrA])
assert_type(fallback(double_t, check_a), Template[int, int, ErrA])
assert_type(fallback(double_t, fetch), Template[int, int | str])
assert_type(fallback(double_t, fetch_checked), Template[int, int | str, ErrB])
assert_type(fallback(check_a, double_t), Template[int, int])
assert_type(fallback(fetch, check_a_t), Template[int, str | int, ErrA])
assert_type(fallback(fetch_checked, check_b_t), Template[int, str, ErrB])
assert_type(parse_t | fallback(check_a, fetch_checked), Template[str, int | str, ErrB])
assert_type(parse_t.then(fallback(fetch, check_a)), Template[str, str | int, ErrA])

# -- expect ----------------------------------------------------------------------------------

assert_type(expect(int), Template[object, int])
assert_type(expect(list[int]), Template[object, list[int]])
assert_type(expect(int | None), Template[object, Any])  # not a class: the untyped form
assert_type(parse_t | expect(int), Template[str, int])
assert_type(show_t | expect(str) | shout, Template[int, str])

# -- .then gives a combinator the type flowing in (lambdas included) ------------------------
# ``x | combinator(...)`` types the combinator alone; ``x.then(combinator(...))`` types it for
# the value it receives. Both checkers do this for tap, branch and fallback; for map_items,
# filter_items and reduce_items with lambdas only mypy does (see mypy_only_inference.py).

assert_type(parse_t.then(tap(print)), Template[str, int])
assert_type(parse_t.then(tap(lambda n: print(n + 1))), Template[str, int])
assert_type(parse_t.then(branch(lambda n: n > 0, lambda n: n, lambda n: str(n))), Template[str, int | str])
assert_type(parse_t.then(branch(lambda n: n > 0, lambda n: n + 1, lambda n: n)), Template[str, int])
assert_type(parse_t.then(branch(lambda n: n > 0, lambda n: n + 1, lambda n: str(n))), Template[str, int | str])
assert_type(parse_t.then(branch(lambda n: n > 0, double_t, lambda n: str(n))), Template[str, int | str])
assert_type(parse_t.then(branch(lambda n: n > 0, lambda n: n, check_a_t)), Template[str, int, ErrA])
assert_type(parse_t.then(branch(lambda n: n > 0, lambda n: str(n), check_a_t)), Template[str, str | int, ErrA])
assert_type(parse_t.then(branch(lambda n: n > 0, check_a, lambda n: str(n))), Template[str, int | str, ErrA])
assert_type(parse_t.then(branch(lambda n: n > 0, lambda n: n, fetch)), Template[str, int | str])
assert_type(branch(lambda n: n > 0, double, lambda n: str(n)), Template[int, int | str])
assert_type(branch(lambda n: n > 0, lambda n: str(n), fetch_checked), Template[int, str, ErrB])
# A lambda returning a Result, beside a lambda or a def (mypy_only_known_issues.py #8).
assert_type(parse_t.then(branch(lambda n: n > 0, lambda n: check_a(n), lambda n: str(n))), Template[str, int | str, ErrA])
assert_type(parse_t.then(branch(is_positive, lambda n: check_a(n), show)), Template[str, int | str, ErrA])
assert_type(parse_t.then(branch(is_positive, show, lambda n: check_a(n))), Template[str, str | int, ErrA])
assert_type(branch(is_positive, lambda n: check_a(n), show), Template[int, int | str, ErrA])
assert_type(parse_t.then(fallback(lambda n: 10 // n, lambda n: 0)), Template[str, int])
assert_type(parse_t.then(fallback(lambda n: n, lambda n: 10 // n)), Template[str, int])
assert_type(parse_t.then(fallback(lambda n: 10 // n, lambda n: n)), Template[str, int])
assert_type(parse_t.then(fallback(lambda n: n + 1, lambda n: n)), Template[str, int])
assert_type(parse_t.then(fallback(lambda n: n, lambda n: str(n))), Template[str, int | str])
assert_type(parse_t.then(fallback(lambda n: n, check_a_t)), Template[str, int, ErrA])
assert_type(parse_t.then(fallback(double_t, lambda n: n)), Template[str, int])
assert_type(parse_t.then(fallback(lambda n: str(n), fetch)), Template[str, str])
assert_type(parse_t.then(fallback(check_a, lambda n: str(n))), Template[str, int | str])
assert_type(parse_t.then(fallback(lambda n: n, fetch_checked)), Template[str, int | str, ErrB])
assert_type(parse_t.then(fallback(lambda n: n, check_a)), Template[str, int, ErrA])
assert_type(parse_t.then(fallback(fetch_checked, lambda n: n)), Template[str, str | int])
assert_type(parse_t.then(fallback(lambda n: check_a(n), show)), Template[str, int | str])
assert_type(parse_t.then(fallback(lambda n: check_a(n), lambda n: str(n))), Template[str, int | str])
assert_type(parse_t.then(fallback(show, lambda n: check_a(n))), Template[str, str | int, ErrA])
assert_type(fallback(lambda n: check_a(n), show), Template[int, int | str])
identity_declared: Template[int, int] = fallback(lambda n: 10 // n, lambda n: n)

# ============================================================================================
# Incorrect cases
# ============================================================================================

# mypy checks a combinator's argument against the type the composition expects, so it reports
# most of these as arg-type at the combinator call; pyright reports the operator.

bad_map_in: object = split | map_items(double)  # type: ignore[arg-type]
bad_map_out: object = map_items(parse) | show  # type: ignore[operator]
bad_map_arg: object = map_items(add)  # type: ignore[arg-type]
bad_map_result: Template[Iterable[str], list[str]] = map_items(parse)  # type: ignore[arg-type]
bad_filter_in: object = split | filter_items(is_positive)  # type: ignore[arg-type]
bad_filter_out: Template[Iterable[int], list[str]] = filter_items(is_positive)  # type: ignore[assignment]
bad_tap_in: object = template(shout) | tap(log_int)  # type: ignore[arg-type]
bad_tap_out: Template[int, str] = tap(log_int)  # type: ignore[assignment]
bad_fan_out_call: object = fan_out(check_a_t, show_t).run("1")  # type: ignore[arg-type]
bad_fan_out_after: object = fan_out(check_a_t, show_t) | shout  # type: ignore[operator]
bad_fan_out_plain: object = fan_out(double, show)  # type: ignore[call-overload]
bad_fan_out_eleven: object = fan_out(double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t, double_t)  # type: ignore[call-overload]
bad_fan_out_var: Template[int, tuple[int, int], ErrA] = fan_out(check_a_t, show_t)  # type: ignore[arg-type, type-var]
bad_fan_out_inline: object = fan_out(template(check_a), template(check_b)) | shout  # type: ignore[operator]
bad_branch_inline: Template[int, int | str] = branch(is_positive, template(check_a), template(show))  # type: ignore[type-var]
bad_branch_var: Template[int, int] = branch(is_positive, double, show)  # type: ignore[arg-type]
bad_branch_in: object = template(shout) | branch(is_positive, double, show)  # type: ignore[arg-type]
bad_branch_tpl: object = branch(is_positive, check_a_t, show_t).run("1")  # type: ignore[arg-type]
bad_branch_result: Template[int, int | str] = branch(is_positive, check_a, show)  # type: ignore[arg-type]
bad_branch_errors: Template[int, int | str, ErrA] = branch(is_positive, check_a, check_b)  # type: ignore[arg-type]
bad_branch_async: Template[int, int] = branch(is_positive, double, fetch)  # type: ignore[arg-type]
bad_branch_side_in: object = branch(is_positive, double, fetch_len).run(1)  # type: ignore[arg-type]
bad_branch_result_in: object = template(shout) | branch(is_positive, check_a, fetch)  # type: ignore[arg-type]
bad_branch_result_out: object = branch(is_positive, fetch_checked, check_b) | double  # type: ignore[operator]
bad_branch_result_run: object = branch(is_positive, fetch_checked, check_a).run("1")  # type: ignore[arg-type]
bad_batch_size: object = batch("2")  # type: ignore[arg-type]
bad_batch_var: Template[list[int], list[int]] = batch(2)  # type: ignore[assignment]
bad_batch_after: list[list[int]] = (split | batch(2)).run("a b")  # type: ignore[assignment]
bad_batch_then: object = split | batch(2) | double  # type: ignore[operator]
bad_batch_input: object = (split | batch(2)).run(123)  # type: ignore[arg-type]
bad_tap_after: object = parse_t | tap(print) | shout  # type: ignore[operator]
bad_reduce_initial: object = reduce_items(count_chars, "0")  # type: ignore[arg-type]
bad_reduce_in: object = split | reduce_items(add)  # type: ignore[arg-type]
bad_reduce_arity: object = reduce_items(double)  # type: ignore[arg-type]
bad_fallback_var: Template[str, str] = fallback(parse, parse)  # type: ignore[arg-type]
bad_fallback_errors: Template[int, int] = fallback(double_t, check_a_t)  # type: ignore[arg-type]
bad_fallback_result: Template[int, int] = fallback(double, check_a)  # type: ignore[arg-type]
bad_fallback_async: Template[int, int] = fallback(double, fetch)  # type: ignore[arg-type]
bad_fallback_in: object = template(shout) | fallback(check_a, fetch)  # type: ignore[arg-type]
bad_fallback_out: object = fallback(fetch, fetch_checked) | double  # type: ignore[operator]
bad_expect_out: object = parse_t | expect(str) | double  # type: ignore[operator]
bad_expect_then: object = expect(int).then(shout)  # type: ignore[arg-type]


# tap and filter_items keep the declared error of their inner stage (its Failure is returned).
def record(n: int) -> Result[None, ErrB]:
    return Success(None)


def positive_checked(n: int) -> Result[bool, ErrA]:
    return Success(n > 0)


assert_type(tap(record), Tap[int, ErrB])
assert_type(tap(template(record)), Tap[int, ErrB])
assert_type(parse_t | tap(record), Template[str, int, ErrB])
assert_type(filter_items(positive_checked), Template[Iterable[int], list[int], ErrA])

# fan_out needs at least two stages.
fan_out(template(double))  # type: ignore[call-overload]
