# mypy: enable-error-code="exhaustive-match"
"""Why ``match`` on ``tpl(x)`` needs ``case _:``, shown without wumbo: mypy AND pyright.

``returns``' ``Result`` is an open base class with two subclasses, like ``Res`` below. Neither
checker may assume there is no third subclass, so a ``match`` with a case per subclass is not
exhaustive (pyright strict: reportMatchNotExhaustive; mypy with the ``exhaustive-match`` error
code). A closed union of the subclasses is exhaustive in both. wumbo's calls return returns'
``Result``; see docs/typing.md ("match on a call's Result"). mypy's ``Any`` after narrowing the
open base is pinned in mypy_only_known_issues.py.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, assert_type

V = TypeVar("V", covariant=True)
F = TypeVar("F", covariant=True)


class Res(Generic[V, F]):
    __match_args__ = ("inner",)
    inner: V | F


class Ok(Res[V, Any]):
    inner: V


class Err(Res[Any, F]):
    inner: F


def open_base(result: Res[int, str]) -> None:
    match result:  # type: ignore[exhaustive-match]
        case Ok():
            pass
        case Err():
            pass


def closed_union(result: Ok[int] | Err[str]) -> None:
    match result:
        case Ok(value):
            assert_type(value, int)
        case Err(error):
            assert_type(error, str)
