# mypy: ignore-errors
"""Known API typing issues that show in pyright only; checked by pyright only.

Pins as in known_issues.py, with ``# pyright: ignore[rule]`` as the marker:
* WRONG TYPE: ``assert_type(expr, <the type it should have>)`` marked with the failure pyright
  reports today; mypy gives that type (see mypy_only_inference.py). Once fixed, the marker is
  unnecessary and pyright fails: drop it and move the case to the shared files.
* FALSE ERROR: valid code pyright rejects, with its marker.
* MISSED ERROR: wrong code pyright accepts, pinned by what it infers now.

Why pyright only:
* pyright turns a union of type variables that were all solved as ``Never`` into ``Unknown``:
  ``branch`` returns ``E | E2`` from its two Templates, so when neither declares an error the
  error type would be Unknown (a strict-mode error wherever it is stored). ``Template.then``
  is unaffected (its own E is already bound); ``branch``, ``pipe`` and ``fan_out`` have first
  overloads for Templates that declare no error (``Template[X, Y, NoError]``, NoError bound
  to Never).
* a lambda given to an overloaded function whose first overloads read a plain function's
  return type (a coroutine, a Result): pyright checks the lambda before its parameter type is
  known (#5, a minimal example without wumbo). ``fallback`` and ``branch`` give lambdas one
  signature whose parameter is a union of function kinds (pyright picks the member that fits,
  and the lambda is typed from the context) before the overloads for an async or a plain
  function (the overloads before it take a Template on one side, which solves the input
  type, or a function returning a Result on both).
* type variables left unsolved in a union in a return type are dropped from it, and a union
  left empty is Unknown, defaults or not (#6, a minimal example without wumbo): ``branch``'s
  union signature therefore has ONE error type variable for both sides, and two functions
  that both declare an error have overloads of their own before it.
* a lambda returning its parameter (``lambda n: n``) AFTER another lambda, given to a generic
  function in a ``.then(...)``: its parameter type is not inferred, with or without wumbo
  (#7, a minimal example without wumbo).
* ``reduce_items(operator.add)``, the docstring example: pyright cannot match the generic,
  overloaded ``operator.add`` to ``(A, A) -> A``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Coroutine
from typing import Any, Generic, Never, TypeVar, assert_type, overload

from typing_extensions import TypeVar as DefaultedTypeVar

from wumbo import Template, branch, fallback, reduce_items, template

from _stages import double, parse, show

_A = TypeVar("_A")
_B = TypeVar("_B")
_C = TypeVar("_C")
_I = TypeVar("_I")
_O = TypeVar("_O")

parse_t = template(parse)
double_t = template(double)
show_t = template(show)

# -- WRONG TYPE ------------------------------------------------------------------------------

# 1. (fixed: branch, pipe and fan_out have Never-only overloads; see shared_combinators.py)

# 2. (fixed: ``| tap(f)`` with f taking a wider type keeps the type; see shared_combinators.py)

# -- FALSE ERROR -----------------------------------------------------------------------------

# 3. A generic, overloaded function given to reduce_items.
total = reduce_items(operator.add)  # pyright: ignore[reportArgumentType, reportUnknownVariableType]

# -- MISSED ERROR ----------------------------------------------------------------------------

# 4. (fixed: fan_out of Templates with different inputs is an error; see
#    shared_combinators.py)

# 5. Overloads that read a plain function's return type (a coroutine, a Result) cost lambdas
#    their parameter type in pyright: given an overload whose parameter is
#    ``Callable[[A], Coroutine[Any, Any, B]]`` before ``Callable[[A], B]``, pyright checks a
#    lambda's body before ``A`` is solved from the surrounding call, so ``n`` is the bare type
#    variable (mypy infers it). This is why ``branch`` and ``fallback`` put one signature over
#    every kind of function (``_AnyFunction``) before such overloads: pyright takes a lambda
#    there, typed from the context (``.then(fallback(lambda n: ..., lambda n: ...))`` keeps
#    its types), and mypy, which cannot read that union for a Result or a coroutine, goes on
#    to the overloads after it.
#    A minimal example, without wumbo:
class _Box(Generic[_I, _O]):
    def then(self, other: Callable[[_O], _C]) -> _Box[_I, _C]:
        raise NotImplementedError


@overload
def _either(
    first: Callable[[_A], Coroutine[Any, Any, _B]], second: Callable[[_A], _C]
) -> Callable[[_A], _B | _C]: ...
@overload
def _either(first: Callable[[_A], _B], second: Callable[[_A], _C]) -> Callable[[_A], _B | _C]: ...
def _either(first: Any, second: Any) -> Any:
    raise NotImplementedError


def _plain_either(first: Callable[[_A], _B], second: Callable[[_A], _C]) -> Callable[[_A], _B | _C]:
    raise NotImplementedError


_box: _Box[str, int] = _Box()
assert_type(_box.then(_plain_either(lambda n: 10 // n, lambda n: 0)), _Box[str, int])
assert_type(_box.then(_either(lambda n: 10 // n, lambda n: 0)), _Box[str, int])  # pyright: ignore[reportAssertTypeFailure, reportOperatorIssue, reportUnknownArgumentType, reportUnknownLambdaType]


# 6. Why ``branch``'s signature over every kind of function has ONE error type variable for
#    both sides: with one for each (``E1 | E2``), two plain functions solve neither, and
#    pyright drops unsolved type variables from a union in a return type, leaving Unknown
#    (their default, Never, is not used); one unsolved variable alone gets its default. With
#    one shared variable, a side that declares an error solves it; two sides that declare
#    different errors are typed by overloads before it (each side's own variable, solved).
#    A minimal example, without wumbo:
_E1 = DefaultedTypeVar("_E1", default=Never)
_E2 = DefaultedTypeVar("_E2", default=Never)
_D = DefaultedTypeVar("_D", default=Never)  # after a defaulted variable, only defaulted ones


class _Res(Generic[_O, _E1]):
    pass


class _Out(Generic[_I, _O, _E1]):
    pass


def _pick_one(first: Callable[[_A], _Res[_B, _E1] | _B]) -> _Out[_A, _B, _E1]:
    raise NotImplementedError


def _pick(
    first: Callable[[_A], _Res[_B, _E1] | _B], second: Callable[[_A], _Res[_D, _E2] | _D]
) -> _Out[_A, _B | _D, _E1 | _E2]:
    raise NotImplementedError


def _plain_int(n: int) -> int:
    return n


def _plain_str(n: int) -> str:
    return str(n)


assert_type(_pick_one(_plain_int), _Out[int, int, Never])
assert_type(_pick(_plain_int, _plain_str), _Out[int, int | str, Never])  # pyright: ignore[reportAssertTypeFailure]


# 7. A lambda that returns its parameter, after another lambda, given to a generic function
#    whose type comes from ``.then``: pyright does not infer its parameter (the first lambda
#    alone is typed), with or without overloads; the other order, or a ``def``, is typed:
#    ``parse.then(branch(lambda n: n > 0, lambda n: n, lambda n: str(n)))`` is (see
#    shared_combinators.py). mypy infers both. A minimal example, without wumbo:
assert_type(_box.then(_plain_either(lambda n: n, lambda n: str(n))), _Box[str, int | str])
assert_type(_box.then(_plain_either(lambda n: str(n), lambda n: n)), _Box[str, str | int])  # pyright: ignore[reportUnknownArgumentType]
#    In wumbo, the predicate is then untyped too:
assert_type(parse_t.then(branch(lambda n: n > 0, lambda n: str(n), lambda n: n)), Template[str, str | int])  # pyright: ignore[reportUnknownArgumentType, reportOperatorIssue, reportUnknownLambdaType]
#    The same in a ``fallback``:
assert_type(parse_t.then(fallback(lambda n: str(n), lambda n: n)), Template[str, str | int])  # pyright: ignore[reportUnknownArgumentType]
