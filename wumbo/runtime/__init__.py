"""wumbo's runtime: one pipeline, run over many items, inline, on threads, processes or Dask.

Importing this package installs :class:`Runtime` as the runner behind ``Template.map`` and
``Template.amap`` (``import wumbo`` does it for you). It also exports the failures the runtime
reports for a whole item: :class:`WorkerLost`, :class:`ItemTimeout` and
:class:`ExecutorError`, all :class:`~wumbo.StageError` subclasses.

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

from wumbo.core.many import install_runner
from wumbo.runtime.errors import ExecutorError, ItemTimeout, WorkerLost
from wumbo.runtime.process_pool import SupervisedProcessPool
from wumbo.runtime.runtime import Runtime

__all__ = ["ExecutorError", "ItemTimeout", "Runtime", "SupervisedProcessPool", "WorkerLost"]

install_runner(Runtime())
