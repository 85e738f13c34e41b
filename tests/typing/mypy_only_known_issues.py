"""Known API typing issues that show in mypy only; checked by mypy only.

Pins as in known_issues.py. MISSED ERROR: wrong code mypy accepts today; pyright reports each
of these (pyright_only_inference.py has them as expected errors). Once mypy reports one, that
line fails: move it to the shared incorrect cases with its ``# type: ignore[<code>]``.
WRONG TYPE (#8): what mypy infers instead of the right type, pinned as in known_issues.py.
WITHOUT WUMBO (#3, #6): what mypy does whatever wumbo does, shown on a minimal example.

Why mypy only: when a call's type context does not fit a typed overload, mypy retries the
untyped overload (``expect(hint: object)``), and when an argument holds ``Any`` and several
overloads match, mypy makes the whole result ``Any``: so a pipeline composed with a stage
returning ``Any`` loses even its input type. A declared type is also a type context: it can
steer mypy to an overload the value alone would not pick (#4, #7).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Never, TypeVar, assert_type

from wumbo import Result, Template, branch, expect, fallback, pipe, template

from _stages import ErrA, check_a, double, is_positive, parse, show

split = template(str.split)
parse_t = template(parse)
show_t = template(show)
check_a_t = template(check_a)


def load_any(text: str) -> Any:  # an untyped library function, e.g. json.loads
    return text


# -- MISSED ERROR ----------------------------------------------------------------------------

# 1. The declared type makes mypy pick the untyped overload of expect. (fan_out and pipe are
#    fixed: they have no untyped overload; see shared_combinators.py.)
declared_wrong_expect: Template[object, str] = expect(int)

# 2. A stage returning Any: Template[Any, Any, Any], so a wrong input is accepted.
#    (``| batch(n)`` is fixed: see shared_combinators.py.)
assert_type(template(load_any), Template[Any, Any, Any])
assert_type(template(str.strip) | load_any, Template[Any, Any, Any])
untyped_wrong_input = (template(str.strip) | load_any).run(123)

# 4. A declared type that names the Result as the value: mypy takes the value type from the
#    declaration and reads the Result-returning function as a plain one (``fallback`` and
#    ``branch`` end with the plain kind, which mypy's lambdas need). Without a declaration
#    mypy types it right (shared_combinators.py); pyright reports these lines
#    (pyright_only_inference.py).
leaked_by_declaration: Template[int, Result[int, ErrA]] = fallback(check_a, check_a)
branch_leaked_by_declaration: Template[int, Result[int, ErrA]] = branch(is_positive, check_a, check_a)

# 5. (fixed: two lambdas in a fallback typed by ``.then``, one returning its parameter, take
#    fallback's last overload, the plain kind; see shared_combinators.py)

# 7. Templates written out followed by a starred list: mypy reads the list as possibly empty
#    and types the written-out part alone, dropping the list's declared error (pyright gives
#    Unknown, an error in strict mode where it is stored). Give run-time lists to pipe_all.
checks: list[Template[int, int, ErrA]] = [check_a_t]
assert_type(pipe(template(double), *checks), Template[int, int])
#    A declared type that leaves the list's error out makes mypy read the list as empty, the
#    identity ``pipe()`` (pyright reports it).
declared_without_error: Template[int, int] = pipe(*checks)

# 8. WRONG TYPE: a lambda that returns a Result, next to another lambda, in a branch typed by
#    ``.then``: mypy infers lambdas first without a context (their parameters ``Any``), so
#    they fit several of branch's overloads, whose results differ, and mypy makes the result
#    Any. A ``def`` (``branch(lambda n: n > 0, check_a, lambda n: str(n))``, in
#    shared_combinators.py) is typed; pyright types this one.
assert_type(parse_t.then(branch(lambda n: n > 0, lambda n: check_a(n), lambda n: str(n))), Template[str, int | str, ErrA])  # type: ignore[assert-type]

# 3. ``case Success(value)`` on a Result: mypy narrows an open generic base to its subclass
#    with ``Any`` type arguments, so the value is ``Any`` (pyright keeps it). Without wumbo:
from known_issues_match import Err, Ok, Res  # noqa: E402


def narrowed_from_open_base(result: Res[int, str]) -> None:
    match result:
        case Ok(value):
            assert_type(value, int)  # type: ignore[assert-type]
        case Err(error):
            assert_type(error, str)  # type: ignore[assert-type]
        case _:
            pass


# 6. Functions whose inputs differ, given to one generic function that types both with one
#    type variable (as fan_out does): mypy solves the variable as the meet of the inputs,
#    ``Never`` for ``str`` and ``int``, and accepts the call; pyright reports it. The result
#    cannot be called (``Argument 1 has incompatible type "int"; expected "Never"``), so the
#    mistake shows where the pipeline is used. No ordering or shared variable changes the
#    solution: a Template's input, like a callable's parameter, is contravariant, so every
#    argument only bounds the input from above. A minimal example, without wumbo (wumbo's
#    ``fan_out`` case: mypy_only_inference.py):
_T = TypeVar("_T")
_V1 = TypeVar("_V1")
_V2 = TypeVar("_V2")


def _both(
    first: Callable[[_T], _V1], second: Callable[[_T], _V2], /
) -> Callable[[_T], tuple[_V1, _V2]]:
    raise NotImplementedError


def _length(text: str) -> int:
    return len(text)


def _half(n: int) -> float:
    return n / 2


assert_type(_both(_length, _half), Callable[[Never], tuple[int, float]])
