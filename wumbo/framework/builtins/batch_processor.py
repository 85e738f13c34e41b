"""``BatchProcessorTemplate``: split the arguments into batches (the core's ``batch``) and
process each, in order, optionally on a thread pool.

Examples:
    >>> from wumbo.framework import create_batch_processor
    >>> create_batch_processor(batch_size=2)(1, 2, 3)
    [[1, 2], [3]]
    >>> create_batch_processor(batch_size=2, processor_func=sum, parallel=True)(1, 2, 3, 4, 5)
    [3, 7, 5]
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from wumbo.core.combinators import batch
from wumbo.core.validate import positive_int
from wumbo.framework._checks import require_callable
from wumbo.framework.base import BaseTemplate
from wumbo.framework.errors import TemplateConfigError
from wumbo.framework.execution import ExecutionContext
from wumbo.framework.metadata import TemplateMetadata, TemplateType

__all__ = ["BatchProcessorTemplate", "create_batch_processor"]


class BatchProcessorTemplate(BaseTemplate[list[Any]]):
    """Batches of ``batch_size`` items; each goes through ``processor_func`` (a failing batch
    gives ``None``, logged). Results are in batch order, also with ``parallel=True``
    (``max_workers`` threads). Without ``processor_func`` the batches themselves are returned.

    Examples:
        >>> from wumbo.framework import BatchProcessorTemplate
        >>> BatchProcessorTemplate(batch_size=2, processor_func=lambda b: 1 / len(b) / 0)(1, 2)
        [None]
        >>> BatchProcessorTemplate(batch_size=0)
        Traceback (most recent call last):
        ...
        wumbo.framework.errors.TemplateConfigError: batch_size must be a positive int, got int 0
    """

    template_metadata = TemplateMetadata(
        name="batch_processor",
        description="Process items in batches, sequentially or in parallel",
        template_type=TemplateType.DATA_PROCESSOR,
        tags=["batch", "parallel", "processing", "performance"],
    )

    blocking = True

    def __init__(
        self,
        batch_size: int = 10,
        processor_func: Callable[[list[Any]], Any] | None = None,
        parallel: bool = False,
        max_workers: int | None = None,
        **config: Any,
    ) -> None:
        self.batch_size = batch_size
        self.processor_func = processor_func
        self.parallel = parallel
        self.max_workers = max_workers
        super().__init__(**config)

    def _validate_config(self) -> None:
        positive_int("batch_size", self.batch_size, error=TemplateConfigError)
        require_callable("processor_func", self.processor_func)
        if self.max_workers is not None:
            try:
                positive_int("max_workers", self.max_workers, error=TemplateConfigError)
            except TemplateConfigError as error:
                raise TemplateConfigError(f"{error} (or None for the default)") from None

    def _process(self, chunk: list[Any]) -> Any:
        assert self.processor_func is not None
        try:
            return self.processor_func(chunk)
        except Exception as error:
            self.logger.warning("Batch of %d items failed: %r", len(chunk), error)
            return None

    def _execute_core(self, *args: Any, context: ExecutionContext, **kwargs: Any) -> list[Any]:
        batches = batch(self.batch_size).run(args)
        if not self.processor_func:
            return batches
        if self.parallel and len(batches) > 1:
            with ThreadPoolExecutor(max_workers=self.max_workers) as pool:
                return list(pool.map(self._process, batches))
        return [self._process(chunk) for chunk in batches]


def create_batch_processor(batch_size: int = 10, **kwargs: Any) -> BatchProcessorTemplate:
    """A new [`BatchProcessorTemplate`][wumbo.framework.builtins.BatchProcessorTemplate].

    Examples:
        >>> create_batch_processor(3, processor_func=len)(*range(7))
        [3, 3, 1]
    """
    return BatchProcessorTemplate(batch_size=batch_size, **kwargs)
