"""Running one numbered item: its line number and stage timings travel with its Result.

`tracked` turns a pipeline into one that takes a `Numbered`
item and returns an `ItemRun`: the line number, the pipeline's Result, and one
`StageRun` per stage that ran. The stage runs are recorded by
[`trace`][wumbo.decorators.trace.trace] with an observer, into a list that belongs to the item
being run (a context variable), so they come back with the item from any thread, task,
process or Dask worker, and results can arrive in any order (``--unordered``) and still be
matched to their lines. A `Malformed` item does not run: it comes
back as a Failure holding it.

Examples:
    >>> from wumbo import template
    >>> from wumbo.cli.reading import Numbered
    >>> pipeline = tracked(template(str.strip) | int)
    >>> run = pipeline.run(Numbered(7, " 42 "))
    >>> run.line, run.result, [(stage.name, stage.ok) for stage in run.stages]
    (7, <Success: 42>, [('strip', True), ('int', True)])
    >>> failed = pipeline.run(Numbered(8, "x")).stages[-1]
    >>> failed.name, failed.position, failed.ok
    ('int', 2, False)
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

from returns.result import Failure, Result

from wumbo.cli.reading import Malformed, Numbered
from wumbo.core.steps import make_step
from wumbo.core.template import Template, template
from wumbo.decorators.observers import StageInfo
from wumbo.decorators.trace import trace

__all__ = ["ItemRun", "StageRun", "tracked"]

SPAN_LOGGER: Final = "wumbo.cli.spans"
"""The logger of the spans ``wumbo run`` opens: silenced here (wherever stages run), since the
observer is what records them."""
logging.getLogger(SPAN_LOGGER).setLevel(logging.CRITICAL + 1)


@dataclass(frozen=True, slots=True)
class StageRun:
    """One run of one stage for one item: which stage, how long, and whether it gave a value.

    Examples:
        >>> StageRun("parse", 1, 0.002, ok=False).ok
        False
    """

    name: str
    position: int
    seconds: float
    ok: bool


@dataclass(frozen=True, slots=True)
class ItemRun:
    """What running one item gave: its line, the pipeline's Result, and the stages that ran.

    Examples:
        >>> from returns.result import Success
        >>> ItemRun(3, Success(6), ()).result
        <Success: 6>
    """

    line: int
    result: Result[Any, Any]
    stages: tuple[StageRun, ...]


_current: ContextVar[list[StageRun] | None] = ContextVar("wumbo_cli_stage_runs", default=None)


class StageRecorder:
    """The observer that appends each traced stage run to the current item's list.

    Examples:
        >>> StageRecorder().on_complete(StageInfo("s", 1, 1, "s"), 1, 0.5)  # no item: ignored
    """

    def on_start(self, stage: StageInfo, input: object, /) -> None:
        """Nothing to do before a stage runs."""

    def on_complete(self, stage: StageInfo, output: object, duration: float, /) -> None:
        """Record a stage run that gave a value."""
        self._record(stage, duration, ok=True)

    def on_error(self, stage: StageInfo, error: object, duration: float, /) -> None:
        """Record a stage run that raised or returned a Failure."""
        self._record(stage, duration, ok=False)

    @staticmethod
    def _record(stage: StageInfo, duration: float, *, ok: bool) -> None:
        runs = _current.get()
        if runs is not None:
            runs.append(StageRun(stage.name, stage.position, duration, ok))


def _unread(item: Numbered) -> ItemRun:
    return ItemRun(item.line, Failure(item.value), ())


def _run_sync(pipeline: Template[Any, Any, Any], item: Numbered) -> ItemRun:
    if isinstance(item.value, Malformed):
        return _unread(item)
    runs: list[StageRun] = []
    token = _current.set(runs)
    try:
        result = pipeline(item.value)
    finally:
        _current.reset(token)
    return ItemRun(item.line, result, tuple(runs))


async def _run_async(pipeline: Template[Any, Any, Any], item: Numbered) -> ItemRun:
    if isinstance(item.value, Malformed):
        return _unread(item)
    runs: list[StageRun] = []
    token = _current.set(runs)
    try:
        result = await pipeline.acall(item.value)
    finally:
        _current.reset(token)
    return ItemRun(item.line, result, tuple(runs))


def tracked(pipeline: Template[Any, Any, Any]) -> Template[Numbered, ItemRun]:
    """``pipeline`` over numbered items, each stage traced; async when ``pipeline`` is.

    The result pickles when ``pipeline`` does, so it runs on processes and Dask too.

    Examples:
        >>> import pickle
        >>> from wumbo import template
        >>> from wumbo.cli.reading import Numbered
        >>> copy = pickle.loads(pickle.dumps(tracked(template(abs))))
        >>> copy.run(Numbered(1, -2)).result
        <Success: 2>
    """
    observed = trace(observers=[StageRecorder()], backend="logging", logger=SPAN_LOGGER)
    traced = observed(pipeline)
    name = pipeline.__name__
    step = make_step(name, traced.is_async, _run_sync, _run_async, traced)
    return template(step, name=name)
