"""What every decorator shares: wrap a stage, name the result, read an inner Result.

A decorator turns its operand (a Template or a unary function) into an inner Template and wraps
it in one new stage, a picklable callable named after the decorator and the inner stage
(``retry(fetch)``). The stage calls the inner Template, which never raises, and hands its
Result on with `passed_on`: a ``Success`` as it is, a declared ``Failure`` as it is, and
an exception raised inside as the original exception, so the outer pipeline reports it at the
decorated stage's own position.

Examples:
    >>> from wumbo.core.steps import SyncStep
    >>> def twice(inner, value):
    ...     return passed_on(inner(value * 2))
    >>> inner = as_template(str.upper)
    >>> wrapped = decorated("twice(upper)", str.upper, inner, SyncStep("twice", twice, (inner,)))
    >>> wrapped, wrapped.run("ab")
    (<Template twice(upper)>, 'ABAB')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias, cast

from returns.result import Result, Success

from wumbo.core.result import StageError
from wumbo.core.stage import Stage, describe
from wumbo.core.steps import declared_or_raised
from wumbo.core.template import Template, TemplateFactory, template

__all__ = [
    "ErrorFilter",
    "ErrorSpec",
    "Inner",
    "as_factory",
    "as_template",
    "decorated",
    "error_of",
    "passed_on",
]

ErrorSpec: TypeAlias = (
    type[BaseException] | tuple[type[BaseException], ...] | Callable[[Any], object]
)
"""Which failures count: exception types, or a function of the raised exception or the
Failure's value (``retry_on=``, ``failure_on=``)."""

Inner = Template[Any, Any, Any]
"""An inner stage, seen by the decorator's implementation (types are kept by the signatures)."""


def as_template(operand: Callable[[Any], Any]) -> Inner:
    """The operand as a Template (a Template is returned unchanged).

    Examples:
        >>> as_template(len).run("abc")
        3
    """
    return template(operand)


def as_factory(build: Callable[[Callable[[Any], Any]], Inner]) -> TemplateFactory:
    """Present ``build`` (operand -> Template) as the typed [`TemplateFactory`][wumbo.core.template.TemplateFactory] it is.

    Examples:
        >>> as_factory(as_template)(len).run("ab")
        2
    """
    return cast(TemplateFactory, build)


def decorated(
    name: str, operand: object, inner: Inner, step: Callable[[Any], Any], *, blocking: bool = False
) -> Inner:
    """A one-stage Template named ``name`` running ``step``, keeping the inner stage's doc.

    Examples:
        >>> inner = as_template(len)
        >>> decorated("same(len)", len, inner, inner).__wrapped__ is len
        True
    """
    stage = Stage.of(step, name=name, blocking=blocking)
    return Template((stage,), name=name, doc=inner.__doc__, wrapped=operand)


def passed_on(result: Result[Any, Any]) -> Any:
    """Hand an inner Result to the outer pipeline (see the module docstring).

    Examples:
        >>> from returns.result import Failure
        >>> passed_on(Success(1)), passed_on(Failure("declared"))
        (<Success: 1>, <Failure: declared>)
        >>> passed_on(as_template(int)("x"))
        Traceback (most recent call last):
        ...
        ValueError: invalid literal for int() with base 10: 'x'
        wumbo: stage 'int' (1 of 1) raised this on input 'x'
    """
    if result.__class__ is Success:
        return result
    return declared_or_raised(result)  # raises the original exception, or the declared Failure


def error_of(failure: Result[Any, Any]) -> object:
    """What a failure is about: the original exception if a stage raised, else its value.

    Examples:
        >>> from returns.result import Failure
        >>> error_of(Failure("declared"))
        'declared'
        >>> type(error_of(as_template(int)("x"))).__name__
        'ValueError'
    """
    error = failure.failure()
    return error.error if isinstance(error, StageError) else error


def _exception_types(what: object) -> tuple[type[BaseException], ...] | None:
    kinds = cast(tuple[object, ...], what) if isinstance(what, tuple) else (what,)
    if all(isinstance(kind, type) and issubclass(kind, BaseException) for kind in kinds):
        return cast(tuple[type[BaseException], ...], kinds)
    return None


class ErrorFilter:
    """Which failures count: exception types (matched by ``isinstance``) or a predicate.

    The predicate receives what `error_of` gives: the exception a stage raised, or the
    value of a ``Failure`` it returned. Picklable when the predicate is.

    Examples:
        >>> ErrorFilter((KeyError,)).matches(KeyError("k")), ErrorFilter(KeyError).matches("no")
        (True, False)
        >>> ErrorFilter(lambda error: error == "busy").matches("busy")
        True
        >>> ErrorFilter(int)
        Traceback (most recent call last):
        ...
        TypeError: retry_on must be an exception type, a tuple of exception types or a function of the error, got type <class 'int'>
    """

    __slots__ = ("predicate", "types")

    def __init__(self, what: ErrorSpec, *, option: str = "retry_on") -> None:
        self.types: tuple[type[BaseException], ...] = ()
        self.predicate: Callable[[object], object] | None = None
        types = _exception_types(what)
        if types is not None:
            self.types = types
        elif callable(what) and not isinstance(what, type):
            self.predicate = what
        else:
            raise TypeError(
                f"{option} must be an exception type, a tuple of exception types or a function "
                f"of the error, got {describe(what)}"
            )

    def matches(self, error: object) -> bool:
        """Whether ``error`` (an exception or a Failure's value) is one that counts."""
        if self.predicate is not None:
            return bool(self.predicate(error))
        return isinstance(error, self.types)

    def __reduce__(self) -> tuple[Any, ...]:
        return (ErrorFilter, (self.predicate or self.types,))
