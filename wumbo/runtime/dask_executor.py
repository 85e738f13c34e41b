"""Dask distributed as an executor: a ``distributed.Client``, or its ``get_executor()``.

Needs the optional extra ``wumbo[dask]`` (``distributed``). Items are submitted as Dask tasks
(``pure=False``: equal items are separate tasks) through the client's ``concurrent.futures``
executor, so the runtime treats a cluster like any other executor. When a Dask worker dies
mid-task, Dask itself re-runs its tasks elsewhere; a task that keeps killing workers (more
than the scheduler's ``distributed.scheduler.allowed-failures``) fails with ``KilledWorker``,
which the runtime reports as [`WorkerLost`][wumbo.runtime.WorkerLost] for that item alone.

Examples:
    >>> lost_worker_errors()
    (<class 'distributed.scheduler.KilledWorker'>,)
"""

from __future__ import annotations

from concurrent.futures import Executor

import distributed
from distributed.cfexecutor import ClientExecutor

from wumbo.core.stage import describe

__all__ = ["dask_executor", "lost_worker_errors"]


def dask_executor(executor: object) -> Executor:
    """The ``concurrent.futures`` executor to submit items to.

    Examples:
        >>> dask_executor("not a client")
        Traceback (most recent call last):
        ...
        TypeError: expected a distributed.Client or its get_executor(), got str 'not a client'
    """
    if isinstance(executor, ClientExecutor):
        return executor
    if isinstance(executor, distributed.Client):
        made: Executor = executor.get_executor(pure=False)  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]
        return made
    raise TypeError(
        f"expected a distributed.Client or its get_executor(), got {describe(executor)}"
    )


def lost_worker_errors() -> tuple[type[Exception], ...]:
    """The exceptions with which Dask reports that workers died running a task.

    Examples:
        >>> lost_worker_errors()[0].__name__
        'KilledWorker'
    """
    return (distributed.KilledWorker,)
