"""wumbo's runtime: one pipeline, run over many items, inline, on threads, processes or Dask.

[`Runtime`][wumbo.runtime.runtime.Runtime] is the runner behind ``Template.map`` and ``Template.amap`` (the root package
loads it the first time a pipeline runs over many items). The package also exports the failures
the runtime reports for a whole item: [`WorkerLost`][wumbo.runtime.errors.WorkerLost], [`ItemTimeout`][wumbo.runtime.errors.ItemTimeout] and
[`ExecutorError`][wumbo.runtime.errors.ExecutorError], all [`StageError`][wumbo.core.result.StageError] subclasses.

Examples:
    >>> from wumbo import template
    >>> from wumbo.runtime import ItemTimeout
    >>> import time
    >>> def slow(seconds: float) -> float:
    ...     time.sleep(seconds)
    ...     return seconds
    >>> results = list(template(slow).map([0.0, 1.0], timeout=0.1, executor="threads"))
    >>> results[0], isinstance(results[1].failure(), ItemTimeout)
    (<Success: 0.0>, True)
"""

from typing import TYPE_CHECKING

from wumbo._lazy import lazy_attributes
from wumbo.runtime.errors import ExecutorError, ItemTimeout, WorkerLost

if TYPE_CHECKING:
    from wumbo.runtime.process_pool import SupervisedProcessPool as SupervisedProcessPool
    from wumbo.runtime.runtime import Runtime as Runtime
else:  # the engine and the process pool load on first use
    __getattr__, __dir__ = lazy_attributes(
        __name__,
        {
            "Runtime": "wumbo.runtime.runtime",
            "SupervisedProcessPool": "wumbo.runtime.process_pool",
        },
    )

__all__ = ["ExecutorError", "ItemTimeout", "Runtime", "SupervisedProcessPool", "WorkerLost"]
