"""Checks of numeric options, written once: every layer reports a bad value the same way.

Each check returns the value (as ``int`` or ``float``) or raises an error naming the option,
what it expected and what came; ``error`` picks the exception type (the framework raises its
``TemplateConfigError``). Bools are refused: ``True`` is not a count.

Examples:
    >>> positive_int("attempts", 3), positive_number("delay", 0, allow_zero=True)
    (3, 0.0)
    >>> positive_int("attempts", True)
    Traceback (most recent call last):
    ...
    ValueError: attempts must be a positive int, got bool True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

from wumbo.core.stage import describe

T = TypeVar("T")

__all__ = ["flag", "instance_of", "non_empty_text", "one_of", "positive_int", "positive_number"]


def positive_int(option: str, value: object, *, error: type[Exception] = ValueError) -> int:
    """``value`` if it is an int of at least 1, else ``error`` naming ``option``.

    Examples:
        >>> positive_int("batch size", 0)
        Traceback (most recent call last):
        ...
        ValueError: batch size must be a positive int, got int 0
    """
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise error(f"{option} must be a positive int, got {describe(value)}")


def positive_number(
    option: str,
    value: object,
    *,
    allow_zero: bool = False,
    unit: str = "",
    error: type[Exception] = ValueError,
) -> float:
    """``value`` as a finite float above 0 (or at 0, with ``allow_zero``), else ``error``.

    ``unit`` ends the expectation in the message ("a positive number of seconds").

    Examples:
        >>> positive_number("ttl", 2)
        2.0
        >>> positive_number("wall_seconds", float("inf"), unit="seconds")
        Traceback (most recent call last):
        ...
        ValueError: wall_seconds must be a finite positive number of seconds, got float inf
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number) and (number > 0 or (allow_zero and number == 0)):
            return number
    kind = "a number >= 0" if allow_zero else "a positive number"
    if isinstance(value, float) and not math.isfinite(value):
        kind = f"a finite {kind.removeprefix('a ')}"
    of_unit = f" of {unit}" if unit else ""
    raise error(f"{option} must be {kind}{of_unit}, got {describe(value)}")


def flag(option: str, value: object, *, error: type[Exception] = ValueError) -> bool:
    """``value`` if it is ``True`` or ``False`` (not merely truthy), else ``error``.

    Examples:
        >>> flag("enabled", False)
        False
        >>> flag("enabled", 1)
        Traceback (most recent call last):
        ...
        ValueError: enabled must be True or False, got int 1
    """
    if isinstance(value, bool):
        return value
    raise error(f"{option} must be True or False, got {describe(value)}")


def one_of(
    option: str, value: object, choices: Sequence[T], *, error: type[Exception] = ValueError
) -> T:
    """``value`` if it is one of ``choices``, else ``error`` listing them.

    Examples:
        >>> one_of("backend", "logging", ("auto", "logging"))
        'logging'
        >>> one_of("backend", "zipkin", ("auto", "opentelemetry", "logging"))
        Traceback (most recent call last):
        ...
        ValueError: backend must be 'auto', 'opentelemetry' or 'logging', got 'zipkin'
    """
    for choice in choices:
        if type(value) is type(choice) and value == choice:
            return choice
    *first, last = (repr(choice) for choice in choices)
    listed = f"{', '.join(first)} or {last}" if first else last
    raise error(f"{option} must be {listed}, got {value!r}")


def non_empty_text(
    option: str, value: object, *, what: str = "string", error: type[Exception] = ValueError
) -> str:
    """``value`` if it is a non-empty ``str``, else ``error`` saying it should be a ``what``.

    Examples:
        >>> non_empty_text("pipeline_span", "", what="span name")
        Traceback (most recent call last):
        ...
        ValueError: pipeline_span must be a non-empty span name, got str ''
    """
    if isinstance(value, str) and value:
        return value
    raise error(f"{option} must be a non-empty {what}, got {describe(value)}")


def instance_of(
    option: str, value: object, kind: type[T], *, error: type[Exception] = TypeError
) -> T:
    """``value`` if it is an instance of ``kind``, else ``error`` naming both.

    Examples:
        >>> instance_of("collector", {}, list)
        Traceback (most recent call last):
        ...
        TypeError: collector must be a list, got dict {}
    """
    if isinstance(value, kind):
        return value
    raise error(f"{option} must be a {kind.__name__}, got {describe(value)}")
