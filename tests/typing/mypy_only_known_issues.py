"""Known API typing issues that show in mypy only; checked by mypy only.

Pins as in known_issues.py. MISSED ERROR: wrong code mypy accepts today; pyright reports each
of these (pyright_only_inference.py has them as expected errors). Once mypy reports one, that
line fails: move it to the shared incorrect cases with its ``# type: ignore[<code>]``.
WITHOUT WUMBO (#3, #6): what mypy does whatever wumbo does, shown on a minimal example; #8
shows, without wumbo, the mypy rule that shaped wumbo's overloads for a Result-returning function.

Why mypy only: when a call's type context does not fit a typed overload, mypy retries the
untyped overload (``expect(hint: object)``), and when an argument holds ``Any`` and several
overloads match, mypy makes the whole result ``Any``: so a pipeline composed with a stage
returning ``Any`` loses even its input type. A declared type is also a type context: it can
steer mypy to an overload the value alone would not pick (#4, #7).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Generic, Never, TypeVar, assert_type, overload

from wumbo import Result, Template, branch, expect, fallback, pipe, template

from _stages import ErrA, check_a, double, is_positive, parse, show
from known_issues_match import Err, Ok, Res

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

# 8. (fixed: a lambda that returns a Result in a branch or fallback, even typed by ``.then``,
#    gave Any; see shared_combinators.py.) Why wumbo gives a function returning a Result and an
#    async one returning a Result an overload each, not one callable returning their union: a
#    lambda checked against a callable returning a union fits that overload and the plain kind
#    after it, their results differ, and mypy's documented rule for several overloads matching
#    because of ``Any`` makes the result Any ("Type checking calls to overloads",
#    https://mypy.readthedocs.io/en/stable/more_types.html#type-checking-calls-to-overload).
#    Without wumbo: ``_either`` has a union overload for a declaring function beside a plain
#    one, then one for two plain ones; ``_Chain.then`` Template.then's for a stage and a
#    function.
_A = TypeVar("_A")
_B = TypeVar("_B")
_C = TypeVar("_C")
_E = TypeVar("_E")
_In = TypeVar("_In", contravariant=True)
_Out = TypeVar("_Out", covariant=True)


class _Chain(Generic[_In, _Out]):
    @overload
    def then(self, other: _Chain[_Out, _C], /) -> _Chain[_In, _C]: ...
    @overload
    def then(self, other: Callable[[_Out], _C], /) -> _Chain[_In, _C]: ...
    def then(self, other: object, /) -> _Chain[_In, Any]:
        raise NotImplementedError


@overload
def _either(
    if_true: Callable[[_A], Res[_B, _E] | Coroutine[Any, Any, Res[_B, _E]]],
    if_false: Callable[[_A], _C],
    /,
) -> _Chain[_A, _B | _C]: ...
@overload
def _either(if_true: Callable[[_A], _B], if_false: Callable[[_A], _C], /) -> _Chain[_A, _B | _C]: ...
def _either(if_true: Callable[[Any], Any], if_false: Callable[[Any], Any], /) -> _Chain[Any, Any]:
    raise NotImplementedError


def _checked(n: int) -> Res[int, str]:
    raise NotImplementedError


def _text(n: int) -> str:
    return str(n)


_numbers: _Chain[str, int] = _Chain()
assert_type(_numbers.then(_either(lambda n: _checked(n), _text)), _Chain[str, int | str])  # type: ignore[assert-type]
assert_type(_numbers.then(_either(_checked, _text)), _Chain[str, int | str])
assert_type(_numbers.then(_either(lambda n: n, _text)), _Chain[str, int | str])
#    With the first overload as the only signature the same lambda is typed, ``n`` an int:
#    the Any comes from the second overload matching too.


def _declaring(
    if_true: Callable[[_A], Res[_B, _E] | Coroutine[Any, Any, Res[_B, _E]]],
    if_false: Callable[[_A], _C],
    /,
) -> _Chain[_A, _B | _C]:
    raise NotImplementedError


assert_type(_numbers.then(_declaring(lambda n: _checked(n), _text)), _Chain[str, int | str])
#    A first overload whose callable returns the Result alone, no union, is picked alone:
#    typed, as wumbo's are.


@overload
def _either_sync(
    if_true: Callable[[_A], Res[_B, _E]], if_false: Callable[[_A], _C], /
) -> _Chain[_A, _B | _C]: ...
@overload
def _either_sync(if_true: Callable[[_A], _B], if_false: Callable[[_A], _C], /) -> _Chain[_A, _B | _C]: ...
def _either_sync(if_true: Callable[[Any], Any], if_false: Callable[[Any], Any], /) -> _Chain[Any, Any]:
    raise NotImplementedError


assert_type(_numbers.then(_either_sync(lambda n: _checked(n), _text)), _Chain[str, int | str])

# 3. ``case Success(value)`` on a Result: mypy narrows an open generic base to its subclass
#    with ``Any`` type arguments, so the value is ``Any`` (pyright keeps it). Without wumbo
#    (``Res``, ``Ok`` and ``Err`` come from known_issues_match.py):


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
