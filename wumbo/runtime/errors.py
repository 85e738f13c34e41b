"""The failures the runtime itself reports: an item that ran too long, a worker that died.

Both are [`StageError`][wumbo.core.result.StageError] subclasses, so a pipeline's declared result type
``Result[B, E | StageError]`` stays true when it runs over many items. They concern the item
as a whole rather than one stage: ``stage`` is the pipeline's name and ``position`` is ``0``.
The original cause is kept in ``error`` (and as ``__cause__``).

Examples:
    >>> lost = WorkerLost.of("double", 1, 7, OSError("worker process exited"))
    >>> print(lost)
    the worker running pipeline 'double' on input 7 died: OSError: worker process exited
    >>> print(ItemTimeout.of("double", 1, 7, 0.5))
    pipeline 'double' timed out after 0.5 s on input 7
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from wumbo.core.result import StageError, bounded_repr

__all__ = ["ExecutorError", "ItemTimeout", "WorkerLost"]


class _ItemError(StageError):
    """A failure of a whole item; ``error`` gets a note in this class's own words."""

    __slots__ = ()
    _what: ClassVar[str]
    """How the note describes what happened, e.g. ``"timed out on"``."""

    @property
    def error(self) -> Exception:
        """The underlying exception, with a PEP 678 note saying which item it concerns."""
        stage, _, _, value, error = self._where
        if not getattr(self, "_noted", False):
            self._noted = True
            error.add_note(f"wumbo: pipeline {stage!r} {self._what} input {bounded_repr(value)}")
        return error


class _CausedItemError(_ItemError):
    """A failure of a whole item caused by what an executor reported, said in its own words."""

    __slots__ = ()
    _says: ClassVar[str]
    """How ``str()`` begins, formatted with ``stage`` and ``value`` (the item's repr)."""

    @classmethod
    def of(cls, pipeline: str, stages: int, item: object, cause: Exception) -> Self:
        """The failure of ``item`` in pipeline ``pipeline`` (of ``stages`` stages).

        Examples:
            >>> WorkerLost.of("p", 1, 0, OSError("gone")).total
            1
            >>> ExecutorError.of("p", 2, 0, OSError("no")).stage
            'p'
        """
        return cls(pipeline, 0, stages, item, cause)

    def __str__(self) -> str:
        stage, _, _, value, error = self._where
        says = self._says.format(stage=stage, value=bounded_repr(value))
        return f"{says}: {type(error).__name__}: {error}"


class WorkerLost(_CausedItemError):
    """The process or Dask worker running an item died before the item finished.

    ``error`` holds what the executor reported (``BrokenProcessPool``, Dask's
    ``KilledWorker``, ...). Only the item that killed its worker gets this failure; the other
    items that were in flight are re-run and yield their own results. A stage that raises
    ``SystemExit`` (``sys.exit()``), ``KeyboardInterrupt`` or another ``BaseException`` that is
    not an ``Exception`` in a worker process fails its item the same way, with a
    ``RuntimeError`` naming what it raised as ``error``.

    Examples:
        >>> error = WorkerLost.of("p", 2, "x", OSError("exit code 1"))
        >>> isinstance(error, StageError), error.stage, error.position, error.input
        (True, 'p', 0, 'x')
        >>> error.error.__notes__
        ["wumbo: pipeline 'p' lost its worker on input 'x'"]
    """

    __slots__ = ()
    _what = "lost its worker on"
    _says = "the worker running pipeline {stage!r} on input {value} died"


class ExecutorError(_CausedItemError):
    """The executor could not run an item at all (say, the item or its result did not pickle).

    ``error`` is what the executor raised. A stage's own exception is never reported this way:
    that is a plain [`StageError`][wumbo.core.result.StageError].

    Examples:
        >>> print(ExecutorError.of("p", 1, "x", TypeError("cannot pickle 'generator' object")))
        the executor could not run pipeline 'p' on input 'x': TypeError: cannot pickle 'generator' object
    """

    __slots__ = ()
    _what = "could not be run by its executor on"
    _says = "the executor could not run pipeline {stage!r} on input {value}"


class ItemTimeout(_ItemError):
    """An item took longer than the ``timeout`` of ``map``/``amap``; its work was abandoned.

    ``error`` is a ``TimeoutError`` saying the same; ``seconds`` is the limit that was passed.

    Examples:
        >>> error = ItemTimeout.of("p", 1, 3, 0.25)
        >>> error.seconds, type(error.error).__name__, str(error.error)
        (0.25, 'TimeoutError', 'item timed out after 0.25 s')
    """

    __slots__ = ("seconds",)
    seconds: float

    @classmethod
    def of(cls, pipeline: str, stages: int, item: object, seconds: float) -> ItemTimeout:
        """The timeout of ``item`` in pipeline ``pipeline`` after ``seconds``.

        Examples:
            >>> ItemTimeout.of("p", 1, 0, 2.0).input
            0
        """
        error = cls(pipeline, 0, stages, item, TimeoutError(f"item timed out after {seconds:g} s"))
        error.seconds = seconds
        return error

    _what = "timed out on"

    def __str__(self) -> str:
        stage, _, _, value, _ = self._where
        return (
            f"pipeline {stage!r} timed out after {self.seconds:g} s on input {bounded_repr(value)}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        stage, _, total, value, _ = self._where
        return (ItemTimeout.of, (stage, total, value, self.seconds))
