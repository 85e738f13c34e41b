"""Running one numbered item: its line number and stage timings travel with its Result.

`tracked` turns a pipeline into one that takes a `Numbered`
item and returns an `ItemRun`: the line number, the pipeline's Result, and one
`StageRun` per stage that ran. Every stage is wrapped in a small timer (two clock
readings, no span, no logging: the stages of a fast pipeline take microseconds) that appends
its run to a list that belongs to the item being run (a context variable), so the runs come
back with the item from any thread, task, process or Dask worker, and results can arrive in
any order (``--unordered``) and still be matched to their lines. A `Malformed` or `Misfit`
item does not run: it comes back as a Failure holding it.

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

import functools
from collections.abc import Callable
from contextvars import ContextVar
from time import perf_counter
from typing import Any, Final, NamedTuple

from returns.result import Failure, Result, Success

from wumbo.cli.reading import Numbered, Unread
from wumbo.core.effects import Behaviour, Call, behaviour_step, implementation
from wumbo.core.result import RESULT_CLASSES
from wumbo.core.stage import Returns, Stage
from wumbo.core.template import Template, template
from wumbo.decorators._wrap import passed_on

__all__ = ["ItemRun", "StageRun", "item_runner", "tracked"]


class StageRun(NamedTuple):
    """One run of one stage for one item: which stage, how long, and whether it gave a value.

    Examples:
        >>> StageRun("parse", 1, 0.002, ok=False).ok
        False
    """

    name: str
    position: int
    seconds: float
    ok: bool


class ItemRun(NamedTuple):
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


def _checked(inner: Template[Any, Any, Any], value: Any) -> Behaviour:
    return passed_on((yield Call(inner, value)))


_new_tuple: Final[Callable[..., Any]] = tuple.__new__  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
"""Builds a `StageRun` or an `ItemRun` without the Python-level ``__new__`` of a NamedTuple."""


class _Timed:
    """One stage of the pipeline, timed: what it gives is handed on unchanged, and one
    `StageRun` is appended to the current item's list (a few hundred nanoseconds).

    A stage that checks its types at run time keeps doing so (through a one-stage Template);
    a stage that returns plain values keeps returning a Result object as a value.
    """

    __slots__ = ("call", "name", "plain", "position", "stage")

    def __init__(self, stage: Stage, position: int) -> None:
        self.stage, self.name, self.position = stage, stage.name, position
        self.call: Any = stage.fn
        if stage.check:
            inner = template(stage.fn, name=stage.name, check=True, blocking=stage.blocking)
            checked = implementation(_checked, is_async=stage.is_async)
            self.call = functools.partial(checked, inner)
        self.plain = stage.returns is Returns.PLAIN and not stage.check

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.stage, self.position))  # the stage knows how it pickles

    def _given(self, output: object, seconds: float) -> object:
        """Record a run that gave ``output`` in ``seconds``; what the pipeline goes on with."""
        ok = True
        kind = output.__class__
        if kind in RESULT_CLASSES:
            if self.plain:  # a Result object as a plain stage's value: kept as a value
                output = Success(output)
            else:
                ok = kind is Success
        self._record(seconds, ok=ok)
        return output

    def _record(self, seconds: float, *, ok: bool) -> None:
        runs = _current.get()
        if runs is not None:
            runs.append(_new_tuple(StageRun, (self.name, self.position, seconds, ok)))


class _TimedSync(_Timed):
    __slots__ = ()

    def __call__(self, value: Any) -> object:
        started = perf_counter()
        try:
            output: object = self.call(value)
        except BaseException:
            self._record(perf_counter() - started, ok=False)
            raise
        return self._given(output, perf_counter() - started)


class _TimedAsync(_Timed):
    __slots__ = ()

    async def __call__(self, value: Any) -> object:
        started = perf_counter()
        try:
            output: object = await self.call(value)
        except BaseException:
            self._record(perf_counter() - started, ok=False)
            raise
        return self._given(output, perf_counter() - started)


def _timed(pipeline: Template[Any, Any, Any]) -> Template[Any, Any, Any]:
    """``pipeline`` with every stage timed into the current item's list."""
    stages = tuple(
        Stage.of(
            (_TimedAsync if stage.is_async else _TimedSync)(stage, position),
            name=stage.name,
            blocking=stage.blocking,
        )
        for position, stage in enumerate(pipeline.stages, start=1)
    )
    return Template(stages, name=pipeline.__name__)


def _unread(item: Numbered) -> ItemRun:
    return ItemRun(item.line, Failure(item.value), ())


def _run(pipeline: Template[Any, Any, Any], item: Numbered) -> Behaviour:
    if isinstance(item.value, Unread):
        return _unread(item)
    runs: list[StageRun] = []
    token = _current.set(runs)
    try:
        result = yield Call(pipeline, item.value)
    finally:
        _current.reset(token)
    return _new_tuple(ItemRun, (item.line, result, tuple(runs)))


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
    timed = _timed(pipeline)
    name = pipeline.__name__
    step = behaviour_step(name, timed.is_async, _run, timed)
    return template(step, name=name)


def item_runner(pipeline: Template[Any, Any, Any]) -> Callable[[Numbered], ItemRun]:
    """What `tracked` runs for each item, as a plain function, for a pipeline of synchronous
    stages run item after item in the caller's thread: no Template around it, so no Result
    around each `ItemRun` (``wumbo run``'s inline path).

    Examples:
        >>> from wumbo import template
        >>> from wumbo.cli.reading import Numbered
        >>> run = item_runner(template(str.strip) | int)(Numbered(3, " 7 "))
        >>> run.line, run.result, [stage.name for stage in run.stages]
        (3, <Success: 7>, ['strip', 'int'])
        >>> async def fetch(n: int) -> int:
        ...     return n
        >>> item_runner(template(fetch))
        Traceback (most recent call last):
        ...
        TypeError: item_runner runs synchronous pipelines; 'fetch' has async stages: use tracked(...).amap
    """
    if pipeline.is_async:
        raise TypeError(
            f"item_runner runs synchronous pipelines; {pipeline.__name__!r} has async stages: "
            f"use tracked(...).amap"
        )
    return functools.partial(implementation(_run, is_async=False), _timed(pipeline))
