"""What every decorator's options object shares: its names, and building it from keywords.

An options object is a frozen dataclass (``SandboxOptions``, ``TraceOptions``,
``MetricsOptions``, ``TimeoutOptions``) declaring each option once, with its type, its default
and its check; it derives from [`Options`][wumbo.decorators._options.Options] for ``names()``
and ``build()``, which refuses an unknown keyword naming the known ones.

Examples:
    >>> from wumbo.decorators.timeout import TimeoutOptions
    >>> TimeoutOptions.names()
    ('seconds', 'interrupt')
    >>> TimeoutOptions.build({"secs": 1})
    Traceback (most recent call last):
    ...
    TypeError: timeout got unknown options ['secs']; it takes seconds, interrupt
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, ClassVar, Self, cast

__all__ = ["Options"]


class Options:
    """The base of an options dataclass: ``feature`` names the decorator in error messages.

    Examples:
        >>> from wumbo.decorators.metrics import MetricsOptions
        >>> MetricsOptions.build({}).collector is None
        True
    """

    __slots__ = ()
    feature: ClassVar[str]

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The options' names, in order.

        Examples:
            >>> from wumbo.decorators.trace import TraceOptions
            >>> TraceOptions.names()[:2]
            ('observers', 'backend')
        """
        return tuple(field.name for field in fields(cast("Any", cls)))

    @classmethod
    def build(cls, options: Mapping[str, Any]) -> Self:
        """Options from keyword arguments; an unknown name is refused, naming the known ones.

        Examples:
            >>> from wumbo.decorators.trace import TraceOptions
            >>> TraceOptions.build({"backnd": "logging"})
            Traceback (most recent call last):
            ...
            TypeError: trace got unknown options ['backnd']; it takes observers, backend, pipeline_span, tracer_provider, logger, level, enabled
        """
        unknown = sorted(set(options) - set(cls.names()))
        if unknown:
            known = ", ".join(cls.names())
            raise TypeError(f"{cls.feature} got unknown options {unknown}; it takes {known}")
        return cls(**options)
