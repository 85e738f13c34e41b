"""``pipe(s1, s2, ...)`` and ``pipe_all(stages)``: a pipeline from stages given as arguments.

``pipe`` is typed stage to stage for up to 20 Templates (a stage that does not fit the one
before is an error, as with ``|``); ``pipe_all`` takes a run-time list of stages of any kind
and gives ``Template[Any, Any, Any]``. ``pipe(*stages)`` still runs for any stages; its type is
that of the typed overloads, so give a run-time list to ``pipe_all``.

Examples:
    >>> from wumbo import pipe, template
    >>> from wumbo.core.pipe import pipe_all
    >>> pipe(template(str.strip), template(int)).run(" 4 ")
    4
    >>> pipe_all([str.strip, int, lambda n: n * 2]).run(" 21 ")
    42
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Never, overload

from typing_extensions import TypeVar

from wumbo.core.checking import check_fit
from wumbo.core.stage import Stage
from wumbo.core.template import Template, stages_of

__all__ = ["pipe", "pipe_all"]

T1 = TypeVar("T1")
T2 = TypeVar("T2")
T3 = TypeVar("T3")
T4 = TypeVar("T4")
T5 = TypeVar("T5")
T6 = TypeVar("T6")
T7 = TypeVar("T7")
T8 = TypeVar("T8")
T9 = TypeVar("T9")
T10 = TypeVar("T10")
T11 = TypeVar("T11")
T12 = TypeVar("T12")
T13 = TypeVar("T13")
T14 = TypeVar("T14")
T15 = TypeVar("T15")
T16 = TypeVar("T16")
T17 = TypeVar("T17")
T18 = TypeVar("T18")
T19 = TypeVar("T19")
T20 = TypeVar("T20")
T21 = TypeVar("T21")
F1 = TypeVar("F1")
F2 = TypeVar("F2")
F3 = TypeVar("F3")
F4 = TypeVar("F4")
F5 = TypeVar("F5")
F6 = TypeVar("F6")
F7 = TypeVar("F7")
F8 = TypeVar("F8")
F9 = TypeVar("F9")
F10 = TypeVar("F10")
F11 = TypeVar("F11")
F12 = TypeVar("F12")
F13 = TypeVar("F13")
F14 = TypeVar("F14")
F15 = TypeVar("F15")
F16 = TypeVar("F16")
F17 = TypeVar("F17")
F18 = TypeVar("F18")
F19 = TypeVar("F19")
F20 = TypeVar("F20")
NoError = TypeVar("NoError", bound=Never)


@overload
def pipe(s1: Template[T1, T2, F1], /, *, name: str | None = None) -> Template[T1, T2, F1]: ...


# Pipelines that declare no errors get overloads of their own (pyright turns a union of type
# variables all solved to Never into Unknown). They take ``NoError`` (bound to Never) rather
# than ``Never`` itself: an inline ``template(result_stage)`` is then inferred on its own, not
# against a ``Never`` context that would make mypy pick its plain overload (the Result leaking
# into the value, the error dropped).
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T3, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T4, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T5, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T6, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T7, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T8, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    s8: Template[T8, T9, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T9, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    s8: Template[T8, T9, NoError],
    s9: Template[T9, T10, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T10, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    s8: Template[T8, T9, NoError],
    s9: Template[T9, T10, NoError],
    s10: Template[T10, T11, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T11, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    s8: Template[T8, T9, NoError],
    s9: Template[T9, T10, NoError],
    s10: Template[T10, T11, NoError],
    s11: Template[T11, T12, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T12, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    s8: Template[T8, T9, NoError],
    s9: Template[T9, T10, NoError],
    s10: Template[T10, T11, NoError],
    s11: Template[T11, T12, NoError],
    s12: Template[T12, T13, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T13, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    s8: Template[T8, T9, NoError],
    s9: Template[T9, T10, NoError],
    s10: Template[T10, T11, NoError],
    s11: Template[T11, T12, NoError],
    s12: Template[T12, T13, NoError],
    s13: Template[T13, T14, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T14, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    s8: Template[T8, T9, NoError],
    s9: Template[T9, T10, NoError],
    s10: Template[T10, T11, NoError],
    s11: Template[T11, T12, NoError],
    s12: Template[T12, T13, NoError],
    s13: Template[T13, T14, NoError],
    s14: Template[T14, T15, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T15, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    s8: Template[T8, T9, NoError],
    s9: Template[T9, T10, NoError],
    s10: Template[T10, T11, NoError],
    s11: Template[T11, T12, NoError],
    s12: Template[T12, T13, NoError],
    s13: Template[T13, T14, NoError],
    s14: Template[T14, T15, NoError],
    s15: Template[T15, T16, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T16, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    s8: Template[T8, T9, NoError],
    s9: Template[T9, T10, NoError],
    s10: Template[T10, T11, NoError],
    s11: Template[T11, T12, NoError],
    s12: Template[T12, T13, NoError],
    s13: Template[T13, T14, NoError],
    s14: Template[T14, T15, NoError],
    s15: Template[T15, T16, NoError],
    s16: Template[T16, T17, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T17, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    s8: Template[T8, T9, NoError],
    s9: Template[T9, T10, NoError],
    s10: Template[T10, T11, NoError],
    s11: Template[T11, T12, NoError],
    s12: Template[T12, T13, NoError],
    s13: Template[T13, T14, NoError],
    s14: Template[T14, T15, NoError],
    s15: Template[T15, T16, NoError],
    s16: Template[T16, T17, NoError],
    s17: Template[T17, T18, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T18, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    s8: Template[T8, T9, NoError],
    s9: Template[T9, T10, NoError],
    s10: Template[T10, T11, NoError],
    s11: Template[T11, T12, NoError],
    s12: Template[T12, T13, NoError],
    s13: Template[T13, T14, NoError],
    s14: Template[T14, T15, NoError],
    s15: Template[T15, T16, NoError],
    s16: Template[T16, T17, NoError],
    s17: Template[T17, T18, NoError],
    s18: Template[T18, T19, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T19, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    s8: Template[T8, T9, NoError],
    s9: Template[T9, T10, NoError],
    s10: Template[T10, T11, NoError],
    s11: Template[T11, T12, NoError],
    s12: Template[T12, T13, NoError],
    s13: Template[T13, T14, NoError],
    s14: Template[T14, T15, NoError],
    s15: Template[T15, T16, NoError],
    s16: Template[T16, T17, NoError],
    s17: Template[T17, T18, NoError],
    s18: Template[T18, T19, NoError],
    s19: Template[T19, T20, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T20, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, NoError],
    s2: Template[T2, T3, NoError],
    s3: Template[T3, T4, NoError],
    s4: Template[T4, T5, NoError],
    s5: Template[T5, T6, NoError],
    s6: Template[T6, T7, NoError],
    s7: Template[T7, T8, NoError],
    s8: Template[T8, T9, NoError],
    s9: Template[T9, T10, NoError],
    s10: Template[T10, T11, NoError],
    s11: Template[T11, T12, NoError],
    s12: Template[T12, T13, NoError],
    s13: Template[T13, T14, NoError],
    s14: Template[T14, T15, NoError],
    s15: Template[T15, T16, NoError],
    s16: Template[T16, T17, NoError],
    s17: Template[T17, T18, NoError],
    s18: Template[T18, T19, NoError],
    s19: Template[T19, T20, NoError],
    s20: Template[T20, T21, NoError],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T21, Never]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T3, F1 | F2]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T4, F1 | F2 | F3]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T5, F1 | F2 | F3 | F4]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T6, F1 | F2 | F3 | F4 | F5]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T7, F1 | F2 | F3 | F4 | F5 | F6]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T8, F1 | F2 | F3 | F4 | F5 | F6 | F7]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    s8: Template[T8, T9, F8],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T9, F1 | F2 | F3 | F4 | F5 | F6 | F7 | F8]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    s8: Template[T8, T9, F8],
    s9: Template[T9, T10, F9],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T10, F1 | F2 | F3 | F4 | F5 | F6 | F7 | F8 | F9]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    s8: Template[T8, T9, F8],
    s9: Template[T9, T10, F9],
    s10: Template[T10, T11, F10],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T11, F1 | F2 | F3 | F4 | F5 | F6 | F7 | F8 | F9 | F10]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    s8: Template[T8, T9, F8],
    s9: Template[T9, T10, F9],
    s10: Template[T10, T11, F10],
    s11: Template[T11, T12, F11],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T12, F1 | F2 | F3 | F4 | F5 | F6 | F7 | F8 | F9 | F10 | F11]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    s8: Template[T8, T9, F8],
    s9: Template[T9, T10, F9],
    s10: Template[T10, T11, F10],
    s11: Template[T11, T12, F11],
    s12: Template[T12, T13, F12],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T13, F1 | F2 | F3 | F4 | F5 | F6 | F7 | F8 | F9 | F10 | F11 | F12]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    s8: Template[T8, T9, F8],
    s9: Template[T9, T10, F9],
    s10: Template[T10, T11, F10],
    s11: Template[T11, T12, F11],
    s12: Template[T12, T13, F12],
    s13: Template[T13, T14, F13],
    /,
    *,
    name: str | None = None,
) -> Template[T1, T14, F1 | F2 | F3 | F4 | F5 | F6 | F7 | F8 | F9 | F10 | F11 | F12 | F13]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    s8: Template[T8, T9, F8],
    s9: Template[T9, T10, F9],
    s10: Template[T10, T11, F10],
    s11: Template[T11, T12, F11],
    s12: Template[T12, T13, F12],
    s13: Template[T13, T14, F13],
    s14: Template[T14, T15, F14],
    /,
    *,
    name: str | None = None,
) -> Template[
    T1, T15, F1 | F2 | F3 | F4 | F5 | F6 | F7 | F8 | F9 | F10 | F11 | F12 | F13 | F14
]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    s8: Template[T8, T9, F8],
    s9: Template[T9, T10, F9],
    s10: Template[T10, T11, F10],
    s11: Template[T11, T12, F11],
    s12: Template[T12, T13, F12],
    s13: Template[T13, T14, F13],
    s14: Template[T14, T15, F14],
    s15: Template[T15, T16, F15],
    /,
    *,
    name: str | None = None,
) -> Template[
    T1, T16, F1 | F2 | F3 | F4 | F5 | F6 | F7 | F8 | F9 | F10 | F11 | F12 | F13 | F14 | F15
]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    s8: Template[T8, T9, F8],
    s9: Template[T9, T10, F9],
    s10: Template[T10, T11, F10],
    s11: Template[T11, T12, F11],
    s12: Template[T12, T13, F12],
    s13: Template[T13, T14, F13],
    s14: Template[T14, T15, F14],
    s15: Template[T15, T16, F15],
    s16: Template[T16, T17, F16],
    /,
    *,
    name: str | None = None,
) -> Template[
    T1, T17, F1 | F2 | F3 | F4 | F5 | F6 | F7 | F8 | F9 | F10 | F11 | F12 | F13 | F14 | F15 | F16
]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    s8: Template[T8, T9, F8],
    s9: Template[T9, T10, F9],
    s10: Template[T10, T11, F10],
    s11: Template[T11, T12, F11],
    s12: Template[T12, T13, F12],
    s13: Template[T13, T14, F13],
    s14: Template[T14, T15, F14],
    s15: Template[T15, T16, F15],
    s16: Template[T16, T17, F16],
    s17: Template[T17, T18, F17],
    /,
    *,
    name: str | None = None,
) -> Template[
    T1,
    T18,
    F1 | F2 | F3 | F4 | F5 | F6 | F7 | F8 | F9 | F10 | F11 | F12 | F13 | F14 | F15 | F16 | F17,
]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    s8: Template[T8, T9, F8],
    s9: Template[T9, T10, F9],
    s10: Template[T10, T11, F10],
    s11: Template[T11, T12, F11],
    s12: Template[T12, T13, F12],
    s13: Template[T13, T14, F13],
    s14: Template[T14, T15, F14],
    s15: Template[T15, T16, F15],
    s16: Template[T16, T17, F16],
    s17: Template[T17, T18, F17],
    s18: Template[T18, T19, F18],
    /,
    *,
    name: str | None = None,
) -> Template[
    T1,
    T19,
    F1
    | F2
    | F3
    | F4
    | F5
    | F6
    | F7
    | F8
    | F9
    | F10
    | F11
    | F12
    | F13
    | F14
    | F15
    | F16
    | F17
    | F18,
]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    s8: Template[T8, T9, F8],
    s9: Template[T9, T10, F9],
    s10: Template[T10, T11, F10],
    s11: Template[T11, T12, F11],
    s12: Template[T12, T13, F12],
    s13: Template[T13, T14, F13],
    s14: Template[T14, T15, F14],
    s15: Template[T15, T16, F15],
    s16: Template[T16, T17, F16],
    s17: Template[T17, T18, F17],
    s18: Template[T18, T19, F18],
    s19: Template[T19, T20, F19],
    /,
    *,
    name: str | None = None,
) -> Template[
    T1,
    T20,
    F1
    | F2
    | F3
    | F4
    | F5
    | F6
    | F7
    | F8
    | F9
    | F10
    | F11
    | F12
    | F13
    | F14
    | F15
    | F16
    | F17
    | F18
    | F19,
]: ...
@overload
def pipe(
    s1: Template[T1, T2, F1],
    s2: Template[T2, T3, F2],
    s3: Template[T3, T4, F3],
    s4: Template[T4, T5, F4],
    s5: Template[T5, T6, F5],
    s6: Template[T6, T7, F6],
    s7: Template[T7, T8, F7],
    s8: Template[T8, T9, F8],
    s9: Template[T9, T10, F9],
    s10: Template[T10, T11, F10],
    s11: Template[T11, T12, F11],
    s12: Template[T12, T13, F12],
    s13: Template[T13, T14, F13],
    s14: Template[T14, T15, F14],
    s15: Template[T15, T16, F15],
    s16: Template[T16, T17, F16],
    s17: Template[T17, T18, F17],
    s18: Template[T18, T19, F18],
    s19: Template[T19, T20, F19],
    s20: Template[T20, T21, F20],
    /,
    *,
    name: str | None = None,
) -> Template[
    T1,
    T21,
    F1
    | F2
    | F3
    | F4
    | F5
    | F6
    | F7
    | F8
    | F9
    | F10
    | F11
    | F12
    | F13
    | F14
    | F15
    | F16
    | F17
    | F18
    | F19
    | F20,
]: ...
# The identity comes last: a starred list may be empty, and read as ``pipe()`` first it would
# be typed ``Template[Any, Any, Never]``, its stages' declared errors dropped.
@overload
def pipe(*, name: str | None = None) -> Template[Any, Any]: ...
def pipe(*stages: Callable[[Any], Any], name: str | None = None) -> Template[Any, Any, Any]:
    """Compose Templates given as arguments into one pipeline (``pipe()`` is the identity).

    Typed stage to stage for up to 20 Templates: a stage that does not take what the one before
    gives is an error in both checkers. Wrap plain functions with ``template``; for a list of
    stages known only at run time, use [`pipe_all`][wumbo.core.pipe.pipe_all].

    Examples:
        >>> from wumbo import pipe, template
        >>> pipe(template(str.strip), template(int), template(lambda n: n * 2)).run(" 21 ")
        42
        >>> pipe().run("unchanged")
        'unchanged'
    """
    return pipe_all(stages, name=name)


def pipe_all(
    stages: Iterable[Callable[[Any], Any]], /, *, name: str | None = None
) -> Template[Any, Any, Any]:
    """Compose a pipeline from a list of stages known only at run time.

    Any stages (Templates, plain functions, async functions, classes); each must fit the one
    before at run time. The checkers cannot follow a list: the result is
    ``Template[Any, Any, Any]``. When the stages are written out in code, use ``|`` or
    [`pipe`][wumbo.core.pipe.pipe], which are checked stage by stage.

    Examples:
        >>> from wumbo.core.pipe import pipe_all
        >>> steps = [str.strip, int, lambda n: n * 2]
        >>> pipe_all(steps).run(" 21 ")
        42
        >>> pipe_all([]).run("unchanged")
        'unchanged'
    """
    given = tuple(stages)
    collected: list[Stage] = []
    for position, operand in enumerate(given, start=1):
        site = f"pipe(): stage {position} of {len(given)}"
        added = stages_of(operand, site.__str__)
        if collected and added:
            check_fit(collected[-1], added[0])
        collected.extend(added)
    return Template(tuple(collected), name=name)
