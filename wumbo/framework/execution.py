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

import logging
from dataclasses import dataclass, field
from typing import Any, Generic, cast

from returns.result import Failure, Result, Success
from typing_extensions import TypeVar

from wumbo._log import get_logger

__all__ = ["ExecutionContext", "ExecutionResult"]

T = TypeVar("T", default=Any)


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
