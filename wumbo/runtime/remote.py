"""Sending a pipeline to other processes (a process pool, Dask workers) once, not per item.

`check_picklable` runs when a run starts, before any item is sent: a stage that cannot
be pickled fails the run with a ``TypeError`` naming it. `RemoteCall` carries the
pickled pipeline; each worker process unpickles it once and keeps it in a small cache, so an
item costs the pickling of the item and its result, not of the whole pipeline.

A stage that raises ``SystemExit`` (``sys.exit()``), ``KeyboardInterrupt`` or any other
``BaseException`` that is not an ``Exception`` would end its worker process: in a worker that
fails the item alone, as [`WorkerLost`][wumbo.runtime.WorkerLost] (the same as a worker that dies
with ``os._exit``), and the worker goes on with the next item.

Examples:
    >>> import pickle
    >>> from wumbo import template
    >>> call = RemoteCall.of(template(abs))
    >>> pickle.loads(pickle.dumps(call))(-3)
    <Success: 3>
"""

from __future__ import annotations

import pickle
import uuid
from collections import OrderedDict
from typing import Any, Final

from returns.result import Failure, Result

from wumbo.core.template import Template
from wumbo.runtime.errors import WorkerLost

__all__ = ["RemoteCall", "check_picklable"]

_CACHE_SIZE: Final = 8
_cache: OrderedDict[str, Template[Any, Any, Any]] = OrderedDict()
"""Pipelines unpickled in this (worker) process, most recently used last."""


def check_picklable(pipeline: Template[Any, Any, Any], where: str) -> bytes:
    """Pickle ``pipeline``, or raise ``TypeError`` naming the first stage that does not pickle.

    ``where`` says why it must pickle (it is part of the message).

    Examples:
        >>> from wumbo import template
        >>> check_picklable(template(abs) | (lambda n: n + 1), "executor='processes'")
        Traceback (most recent call last):
        ...
        TypeError: executor='processes' sends the pipeline to other processes, so every stage must pickle; stage '<lambda>' (2 of 2) does not: ...
    """
    try:
        return pickle.dumps(pipeline)
    except Exception as whole:
        stages = pipeline.stages
        for position, stage in enumerate(stages, start=1):
            try:
                pickle.dumps(stage)
            except Exception as error:
                raise TypeError(
                    f"{where} sends the pipeline to other processes, so every stage must "
                    f"pickle; stage {stage.name!r} ({position} of {len(stages)}) does not: "
                    f"{type(error).__name__}: {error}. Define it as a module-level function "
                    f"(not a lambda, closure or local function), or bind its arguments with "
                    f"functools.partial"
                ) from error
        raise TypeError(
            f"{where} sends the pipeline to other processes, but {pipeline!r} does not pickle: "
            f"{type(whole).__name__}: {whole}"
        ) from whole


class RemoteCall:
    """A picklable ``pipeline(item)`` that unpickles the pipeline once per worker process.

    Examples:
        >>> from wumbo import template
        >>> RemoteCall.of(template(str.upper))("a")
        <Success: A>
        >>> import sys
        >>> print(RemoteCall.of(template(sys.exit))(3).failure())
        the worker running pipeline 'exit' on input 3 died: RuntimeError: a stage raised SystemExit(3) in the worker process
    """

    __slots__ = ("blob", "key")

    def __init__(self, key: str, blob: bytes) -> None:
        self.key = key
        self.blob = blob

    @classmethod
    def of(cls, pipeline: Template[Any, Any, Any], where: str = "this executor") -> RemoteCall:
        """Check that ``pipeline`` pickles (see `check_picklable`) and wrap it.

        Examples:
            >>> from wumbo import template
            >>> len(RemoteCall.of(template(abs)).key)
            32
        """
        return cls(uuid.uuid4().hex, check_picklable(pipeline, where))

    def __call__(self, item: Any) -> Result[Any, Any]:
        pipeline = _cache.get(self.key)
        if pipeline is None:
            pipeline = pickle.loads(self.blob)
            _cache[self.key] = pipeline
            if len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        else:
            _cache.move_to_end(self.key)
        try:
            return pipeline(item)
        except Exception:
            raise
        except BaseException as error:  # would end the worker: fail this item alone
            exited = RuntimeError(f"a stage raised {error!r} in the worker process")
            return Failure(WorkerLost.of(pipeline.__name__, len(pipeline.stages), item, exited))

    def __reduce__(self) -> tuple[Any, ...]:
        return (RemoteCall, (self.key, self.blob))
