"""The Result railway: ``returns``' containers, wumbo's own failure, and the notes it leaves.

A pipeline call returns ``Success(value)`` or ``Failure(error)``. When a stage *raises*, the
failure holds a [`StageError`][wumbo.core.result.StageError] that names the stage, its position and its input, and keeps
the original exception (also as ``__cause__``). The original exception itself gets a PEP 678
note saying the same, so it tells where it came from wherever it travels.

Examples:
    >>> from wumbo import Success, Failure, template
    >>> @template
    ... def parse(text: str) -> int:
    ...     return int(text)
    >>> parse("42")
    <Success: 42>
    >>> error = parse("forty-two").failure()
    >>> (error.stage, error.position, type(error.error).__name__)
    ('parse', 1, 'ValueError')
"""

from __future__ import annotations

import reprlib
from typing import Any, Final

from returns.primitives.exceptions import UnwrapFailedError
from returns.result import Failure, Result, Success

__all__ = [
    "RESULT_CLASSES",
    "Failure",
    "Result",
    "StageError",
    "Success",
    "UnwrapFailedError",
    "bounded_repr",
]

RESULT_CLASSES: Final = frozenset((Success, Failure))
"""The two Result classes, for telling a Result by its class (``value.__class__ in
RESULT_CLASSES``): what the compiled pipelines do, since an ``isinstance`` against returns'
``Result``, an ABC, costs several times more.

Examples:
    >>> Success(1).__class__ in RESULT_CLASSES, (1).__class__ in RESULT_CLASSES
    (True, False)
"""

_REPR_LIMIT: Final = 200
_SCALARS: Final = frozenset({int, float, bool, type(None), complex})
_repr = reprlib.Repr()
_repr.maxstring = 120
_repr.maxother = 120
_repr.maxlevel = 3


def bounded_repr(value: object) -> str:
    """Return ``repr(value)`` cut to at most 200 characters, safe for any object.

    Examples:
        >>> bounded_repr(list(range(1000)))[:30]
        '[0, 1, 2, 3, 4, 5, ...]'
        >>> len(bounded_repr("x" * 10_000)) <= 200
        True
    """
    if value.__class__ in _SCALARS:
        return repr(value)
    try:
        text = _repr.repr(value)
    except Exception as error:  # a broken __repr__ must not hide the real failure
        return f"<{type(value).__name__} object (repr failed: {type(error).__name__})>"
    if len(text) > _REPR_LIMIT:
        text = text[: _REPR_LIMIT - 3] + "..."
    return text


class StageError(Exception):
    """A stage raised an exception: where, on what, and the original error.

    Attributes:
        stage: the stage's name.
        position: the stage's 1-based position in its pipeline.
        total: the number of stages in that pipeline.
        input: the value the stage was called with (kept whole; only messages bound its repr).
        error: the original exception, also chained as ``__cause__``.

    Examples:
        >>> from wumbo import template
        >>> pipeline = template(int) | (lambda n: 10 // n)
        >>> failure = pipeline("0").failure()
        >>> print(failure)
        stage '<lambda>' (2 of 2) raised ZeroDivisionError: integer division or modulo by zero; input: 0
        >>> failure.stage, failure.position, failure.input
        ('<lambda>', 2, 0)
        >>> isinstance(failure.__cause__, ZeroDivisionError)
        True
    """

    __slots__ = ("_noted", "_where")
    _where: tuple[str, int, int, object, Exception]
    _noted: bool

    def __init__(
        self, stage: str, position: int, total: int, input: object, error: Exception
    ) -> None:
        self._where = (stage, position, total, input, error)
        self.__cause__ = error

    @property
    def stage(self) -> str:
        """The failing stage's name."""
        return self._where[0]

    @property
    def position(self) -> int:
        """The failing stage's 1-based position in its pipeline."""
        return self._where[1]

    @property
    def total(self) -> int:
        """How many stages the pipeline has."""
        return self._where[2]

    @property
    def input(self) -> object:
        """The value the failing stage was called with."""
        return self._where[3]

    @property
    def error(self) -> Exception:
        """The original exception the stage raised, with a PEP 678 note naming stage and input.

        The note is attached the first time the error is taken out (a pipeline's failure path
        stays cheap when nobody looks).
        """
        stage, position, total, value, error = self._where
        if not getattr(self, "_noted", False):
            self._noted = True
            error.add_note(note_prefix(stage, position, total, "raised") + bounded_repr(value))
        return error

    def __str__(self) -> str:
        stage, position, total, value, error = self._where
        return (
            f"stage {stage!r} ({position} of {total}) raised "
            f"{type(error).__name__}: {error}; input: {bounded_repr(value)}"
        )

    def __repr__(self) -> str:
        return f"StageError({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._where)


def note_prefix(stage: str, position: int, total: int, what: str) -> str:
    """The start of the PEP 678 note wumbo adds to an exception that stopped a pipeline.

    The note is this prefix plus [`bounded_repr`][wumbo.core.result.bounded_repr] of the input; prefixes are built once per
    compiled pipeline, so the failure path only formats the input.

    Examples:
        >>> note_prefix("parse", 2, 3, "raised") + bounded_repr("x")
        "wumbo: stage 'parse' (2 of 3) raised this on input 'x'"
    """
    return f"wumbo: stage {stage!r} ({position} of {total}) {what} this on input "


# The compiled call paths (wumbo.core.compile) build a StageError without its constructor's
# call chain: this is the slot they fill (returns' own internals: wumbo.core._returns_internals).
SET_WHERE: Final = StageError.__dict__["_where"].__set__


def failure_note_target(container: Result[Any, Any]) -> BaseException | None:
    """The exception inside a ``Failure`` that a note can be attached to, if any.

    Examples:
        >>> failure_note_target(Failure(ValueError("no"))).__class__.__name__
        'ValueError'
        >>> failure_note_target(Failure("just text")) is None
        True
    """
    inner = container.failure()
    return inner if isinstance(inner, BaseException) else None


def unwrap_failed(container: Failure[Any]) -> BaseException:
    """What the plain-call path raises for a ``Failure``: its exception, else ``UnwrapFailedError``.

    Examples:
        >>> type(unwrap_failed(Failure(KeyError("k")))).__name__
        'KeyError'
        >>> type(unwrap_failed(Failure("text"))).__name__
        'UnwrapFailedError'
    """
    inner = container.failure()
    if isinstance(inner, BaseException):
        return inner
    return UnwrapFailedError(container)
