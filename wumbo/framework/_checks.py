"""Run-time checks of arguments, shared by the framework's classes.

The arguments are typed, but callers without a type checker can pass anything: these checks
take ``object`` so that they stay meaningful to the checkers too.

Examples:
    >>> require_callable("operation", len)
    >>> require_callable("operation", 5)
    Traceback (most recent call last):
    ...
    wumbo.framework.errors.TemplateConfigError: operation must be callable, got int 5
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypeIs

from wumbo.core.stage import describe
from wumbo.framework.base import BaseTemplate
from wumbo.framework.errors import TemplateConfigError

__all__ = ["is_instance", "is_template_class", "require_callable"]


def require_callable(name: str, value: object) -> None:
    """Reject a value that is set (truthy) but not callable.

    Examples:
        >>> require_callable("postprocess", None)  # unset: fine
    """
    if value and not callable(value):
        raise TemplateConfigError(f"{name} must be callable, got {describe(value)}")


def is_instance(value: object, kind: type | tuple[type, ...]) -> bool:
    """``isinstance`` for a value whose annotation already claims the type (a run-time check
    of what an unchecked caller passed).

    Examples:
        >>> is_instance("x", str), is_instance(True, (int, float))
        (True, True)
    """
    return isinstance(value, kind)


def is_template_class(value: object) -> TypeIs[type[BaseTemplate[Any]]]:
    """True for a class derived from BaseTemplate.

    Examples:
        >>> from wumbo.framework import AggregatorTemplate
        >>> is_template_class(AggregatorTemplate), is_template_class(AggregatorTemplate())
        (True, False)
    """
    return isinstance(value, type) and issubclass(value, BaseTemplate)
