"""One run of a template: the context it runs in and the result it packages.

Examples:
    >>> from wumbo.framework import ExecutionContext, ExecutionResult
    >>> context = ExecutionContext(template_name="demo", execution_id="run-1")
    >>> context.logger.name
    'wumbo.demo'
    >>> ExecutionResult(data=3, context=context).to_result()
    <Success: 3>
"""

from __future__ import annotations

import itertools
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, cast

from returns.result import Failure, Result, Success
from typing_extensions import TypeVar

from wumbo._log import get_logger
from wumbo.framework.metadata import ExecutionMode, TemplateMetadata

__all__ = ["DeferredContext", "ExecutionContext", "ExecutionResult", "new_execution_id"]

T = TypeVar("T", default=Any)

# Execution ids: unique across processes (a random prefix) and cheap (a counter; uuid4 per run
# costs more than a whole trivial execution).
_RUN_PREFIX = uuid.uuid4().hex[:12]
_run_numbers = itertools.count(1)


def new_execution_id() -> str:
    """A new execution id, unique across runs and processes.

    Examples:
        >>> new_execution_id() != new_execution_id()
        True
    """
    return f"{_RUN_PREFIX}-{next(_run_numbers)}"


@dataclass
class ExecutionContext:
    """The state of one execution: which template, which run, its metadata and config.

    ``logger`` defaults to the logger ``wumbo.<template_name>``. A context passed to
    ``execute(..., context=ctx)`` is used as it is, so several templates can share one.

    Examples:
        >>> ctx = ExecutionContext("classic_wumbo", "id-7", config={"as_single": True})
        >>> ctx.config, ctx.metadata
        ({'as_single': True}, {})
    """

    template_name: str
    execution_id: str
    metadata: dict[str, Any] = field(default_factory=dict[str, Any])
    config: dict[str, Any] = field(default_factory=dict[str, Any])
    logger: logging.Logger = field(default=None)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]

    def __post_init__(self) -> None:
        if self.logger is None:  # pyright: ignore[reportUnnecessaryComparison]
            self.logger = get_logger(f"wumbo.{self.template_name}")


@dataclass
class ExecutionResult(Generic[T]):
    """What ``BaseTemplate.execute`` returns: the data, or the error, never both.

    ``success`` says which; ``error`` is the original exception (never wrapped);
    ``execution_time`` is in seconds and ``metadata`` holds it too (plus ``error_type``).

    Examples:
        >>> failed = ExecutionResult(data=None, success=False, error=KeyError("k"))
        >>> failed.to_result()
        <Failure: 'k'>
    """

    data: T | None
    success: bool = True
    error: Exception | None = None
    metadata: dict[str, Any] = field(default_factory=dict[str, Any])
    execution_time: float | None = None
    context: ExecutionContext | None = None

    def to_result(self) -> Result[T, Exception]:
        """The same outcome on the core's Result railway: ``Success(data)`` or
        ``Failure(error)``.

        Examples:
            >>> ExecutionResult(data=[1, 2]).to_result().unwrap()
            [1, 2]
        """
        if self.success:
            return Success(cast("T", self.data))
        return Failure(self.error if self.error is not None else RuntimeError("no error recorded"))


class _Source(Protocol):
    """What a deferred context reads its fields from: a template."""

    metadata: TemplateMetadata
    config: dict[str, Any]
    logger: logging.Logger


class DeferredContext(ExecutionContext):
    """The context of a run nobody records (a template's data call or pipe stage): its id,
    metadata and copy of the template's config are made when the core first reads them.

    It is an ``ExecutionContext`` like any other to the code that reads it.

    Examples:
        >>> from wumbo.framework import create_transformer
        >>> context = DeferredContext(create_transformer(scale=2))
        >>> context.template_name, context.config, context.metadata["mode"]
        ('transformer', {'scale': 2}, <ExecutionMode.SYNC: 'synchronous'>)
        >>> context.execution_id == context.execution_id  # made once, then kept
        True
    """

    def __init__(self, source: _Source) -> None:  # the dataclass __init__ would make them all
        self._source = source
        self.template_name = source.metadata.name
        self.logger = source.logger

    def __getattr__(self, name: str) -> Any:
        """Make a field on its first read (only called for attributes not set yet)."""
        value: object
        if name == "execution_id":
            value = new_execution_id()
        elif name == "metadata":
            value = {"mode": ExecutionMode.SYNC}
        elif name == "config":
            value = self._source.config.copy()
        else:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        setattr(self, name, value)
        return value
