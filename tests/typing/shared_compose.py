"""Composition with ``|`` and ``.then``, decorator forms, call methods: checked by mypy AND pyright.

Every ``assert_type`` is a correct case; every line ending in ``# type: ignore[<mypy code>]`` is
an expected error that both checkers must still report (unused ignores are errors in both).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Never, assert_type

from wumbo import Result, StageError, Template, template

from _stages import add, double, fetch, fetch_len, halve, is_positive, log_int, parse, shout, show

parse_t = template(parse)
double_t = template(double)
show_t = template(show)

# -- template(fn) and the decorator forms ----------------------------------------------------

assert_type(parse_t, Template[str, int])
assert_type(parse_t, Template[str, int, Never])  # the error type defaults to Never
assert_type(template(str.strip), Template[str, str])
assert_type(template(fetch), Template[int, str])  # async def: the awaited type
assert_type(template(parse, name="parse_int", check=True, blocking=True), Template[str, int])
assert_type(template(parse_t), Template[str, int])  # a Template given to template() keeps its types


@template
def to_bytes(text: str) -> bytes:
    return text.encode()


@template(name="decode")
def from_bytes(data: bytes) -> str:
    return data.decode()


@template(name="fetch_size", blocking=False)
async def fetch_size(url: str) -> int:
    return len(url)


assert_type(to_bytes, Template[str, bytes])
assert_type(from_bytes, Template[bytes, str])
assert_type(fetch_size, Template[str, int])
assert_type(to_bytes | from_bytes, Template[str, str])

# -- template | plain ------------------------------------------------------------------------

assert_type(parse_t | double, Template[str, int])
assert_type(parse_t | double | show, Template[str, str])
assert_type(parse_t | halve, Template[str, float])
assert_type(parse_t | str, Template[str, str])  # a class as a stage
assert_type(template(str.split) | len, Template[str, int])  # a builtin
assert_type(parse_t | fetch, Template[str, str])  # async stage: the awaited type
assert_type(parse_t | log_int, Template[str, None])

# -- plain | template (__ror__) --------------------------------------------------------------

assert_type(parse | double_t, Template[str, int])
assert_type(shout | parse_t, Template[str, int])
assert_type(fetch | template(shout), Template[int, str])  # async on the left
assert_type(str.strip | parse_t | double, Template[str, int])

# -- template | template ---------------------------------------------------------------------

assert_type(parse_t | double_t, Template[str, int])
assert_type(parse_t | double_t | show_t, Template[str, str])
assert_type(parse_t | (double_t | show_t), Template[str, str])  # associativity keeps the type
assert_type(template(fetch_len) | template(fetch), Template[str, str])

# -- .then (the form to use for lambdas) -----------------------------------------------------

assert_type(parse_t.then(lambda n: n + 1), Template[str, int])
assert_type(parse_t.then(lambda n: str(n)), Template[str, str])
assert_type(parse_t.then(lambda n: [n]), Template[str, list[int]])
assert_type(parse_t.then(double_t), Template[str, int])
assert_type(parse_t.then(show), Template[str, str])
assert_type(parse_t.then(lambda n: n > 0).then(lambda b: not b), Template[str, bool])

# -- functools.partial stages ----------------------------------------------------------------

assert_type(parse_t | functools.partial(add, 1), Template[str, int])
# A partial on the LEFT of ``|``, or given to template(), differs between the checkers: see
# mypy_only_inference.py and pyright_only_inference.py.

# -- calling: tpl(x), run, acall, arun -------------------------------------------------------

pipeline = parse_t | double | show

assert_type(pipeline("21"), Result[str, StageError])
assert_type(pipeline.run("21"), str)
run_fn: Callable[[str], str] = pipeline.run  # .run is a plain Callable[[A], B] to hand around
assert_type(template(fetch)(1), Result[str, StageError])  # sync call of an async pipeline
assert_type(template(fetch).run(1), str)


async def call_async() -> None:
    assert_type(await pipeline.acall("21"), Result[str, StageError])
    assert_type(await pipeline.arun("21"), str)
    assert_type(await (parse_t | fetch).arun("3"), str)
    assert_type(await (parse_t | fetch).acall("3"), Result[str, StageError])


# -- other Template methods and properties ---------------------------------------------------

assert_type(pipeline.checked(), Template[str, str])
assert_type(pipeline.checked(False), Template[str, str])
assert_type(pipeline.is_async, bool)
assert_type(pipeline.__name__, str)

# -- variance: A contravariant, B and E covariant --------------------------------------------

wider_out: Template[str, object] = parse_t
narrower_in: Template[bool, int] = template(is_positive) | int  # bool is an int
takes_object: Template[str, int] = template(len)  # (Sized) -> int accepts str
declares_more: Template[str, int, ValueError] = parse_t  # Never is below every error type

# ============================================================================================
# Incorrect cases: each line must stay an error in both checkers.
# ============================================================================================

# Each wrong expression is assigned to an ``object`` variable: the error is the expression's own
# (mypy would add var-annotated to an unannotated variable of an erroneous expression).
# mypy reports a mismatched *argument* of an overloaded method as arg-type (it names the closest
# overload), a mismatched operand of ``|`` as operator.

bad_or: object = parse_t | shout  # type: ignore[operator]
bad_or_tt: object = parse_t | template(shout)  # type: ignore[arg-type]
bad_ror: object = shout | double_t  # type: ignore[operator]
bad_ror_async: object = fetch | double_t  # type: ignore[operator]
bad_chain: object = parse_t | double | shout  # type: ignore[operator]
bad_then: object = parse_t.then(shout)  # type: ignore[arg-type]
bad_then_t: object = parse_t.then(template(shout))  # type: ignore[arg-type]
bad_then_lambda: object = parse_t.then(lambda n: n.upper())  # type: ignore[attr-defined]
bad_partial: object = parse_t | functools.partial(add, "1")  # type: ignore[arg-type, operator]
bad_call: object = parse_t(21)  # type: ignore[arg-type]
bad_run_arg: object = pipeline.run(21)  # type: ignore[arg-type]
bad_run_none: object = pipeline.run()  # type: ignore[call-arg]
bad_run_two: object = pipeline.run("1", "2")  # type: ignore[call-arg]
bad_run_result: int = pipeline.run("1")  # type: ignore[assignment]
bad_call_result: Result[int, StageError] = pipeline("1")  # type: ignore[assignment]
bad_run_fn: Callable[[int], str] = pipeline.run  # type: ignore[assignment]
parse_double = parse_t | double
bad_var_out: Template[str, str] = parse_double  # type: ignore[assignment]
bad_var_in: Template[int, int] = parse_double  # type: ignore[assignment]
bad_var_contra: Template[object, int] = parse_t  # type: ignore[assignment]
# The same inline: the declared type is the context the composition is checked against.
bad_var_inline: Template[int, int] = parse_t | double  # type: ignore[assignment]
bad_not_callable: object = parse_t | 3  # type: ignore[operator]
bad_binary: object = template(add)  # type: ignore[arg-type]
bad_template_arg: object = template(3)  # type: ignore[call-overload]
bad_decorated_call: object = to_bytes(b"raw")  # type: ignore[arg-type]


async def bad_async_use() -> None:
    bad_arun: int = await pipeline.arun("1")  # type: ignore[assignment]
    bad_acall = await pipeline.acall(1)  # type: ignore[arg-type]
    print(bad_arun, bad_acall)
