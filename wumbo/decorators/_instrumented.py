"""Shared by ``trace`` and ``metrics``: wrap each stage of a Template in a picklable step.

Each stage becomes a one-stage inner Template run by a behaviour (``wumbo.core.effects``: one
generator for sync and async stages) that keeps the stage's name and ``blocking`` flag, so a
failure is still reported at the stage's own position, and a pipeline keeps its length. The
behaviour reads the inner Result with `outcome_of` and hands the outer pipeline what the stage
gave with ``_wrap.passed_on``.

Examples:
    >>> from wumbo import Failure, Success, template
    >>> from wumbo.core.effects import Call
    >>> from wumbo.decorators._wrap import passed_on
    >>> def count(inner, info, value):
    ...     return passed_on((yield Call(inner, value)))
    >>> wrapped = wrap_each_stage(template(str.strip) | int, count, ())
    >>> [stage.name for stage in wrapped.stages], wrapped.run(" 4 ")
    (['strip', 'int'], 4)
    >>> outcome_of(Success(1)), outcome_of(Failure("no"))
    (('success', 1), ('failure', 'no'))
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from returns.result import Result, Success

from wumbo.core.effects import Behaviour, behaviour_step, drive, drive_async
from wumbo.core.result import StageError
from wumbo.core.stage import Stage
from wumbo.core.steps import make_step
from wumbo.core.template import Template, template
from wumbo.decorators._wrap import as_template
from wumbo.decorators.observers import StageInfo

__all__ = ["Outcome", "driven", "outcome_of", "wrap_each_stage", "wrap_whole"]

Outcome = Literal["success", "failure", "error"]
"""``success``: a value; ``failure``: the stage returned ``Failure``; ``error``: it raised."""


def outcome_of(result: Result[Any, Any]) -> tuple[Outcome, object]:
    """How a stage run ended, and its value: the output, the original exception, or the failure.

    Examples:
        >>> from wumbo import template
        >>> outcome, error = outcome_of(template(int)("x"))
        >>> outcome, type(error).__name__
        ('error', 'ValueError')
    """
    if isinstance(result, Success):
        return "success", result.unwrap()
    error = result.failure()
    if isinstance(error, StageError):
        return "error", error.error
    return "failure", error


def _one_stage(stage: Stage) -> Template[Any, Any, Any]:
    return template(stage.fn, name=stage.name, check=stage.check, blocking=stage.blocking)


def _stage_of(
    name: str, inner: Template[Any, Any, Any], step: Callable[[Any], Any], blocking: bool
) -> Stage:
    return Stage.of(step, name=name, blocking=blocking and not inner.is_async)


def wrap_each_stage(
    target: Callable[[Any], Any], behaviour: Callable[..., Behaviour], config: object
) -> Template[Any, Any, Any]:
    """Wrap every stage of ``target``: ``behaviour(inner, (config, info), value)`` runs each one.

    The result keeps ``target``'s name, ``__doc__`` and, as ``__wrapped__``, ``target``.

    Examples:
        >>> from wumbo import template
        >>> from wumbo.core.effects import Call
        >>> from wumbo.decorators._wrap import passed_on
        >>> def show(inner, setup, value):
        ...     config, info = setup
        ...     print(config, info.name, info.position, info.total)
        ...     return passed_on((yield Call(inner, value)))
        >>> wrap_each_stage(template(str.strip) | len, show, "cfg").run(" ab ")
        cfg strip 1 2
        cfg len 2 2
        2
    """
    doc: str | None = getattr(target, "__doc__", None)
    explicit = isinstance(target, Template)
    pipeline = as_template(target)
    total, label = len(pipeline.stages), pipeline.__name__
    stages: list[Stage] = []
    for position, stage in enumerate(pipeline.stages, start=1):
        inner = _one_stage(stage)
        setup = (config, StageInfo(stage.name, position, total, label))
        step = behaviour_step(stage.name, inner.is_async, behaviour, inner, setup)
        stages.append(_stage_of(stage.name, inner, step, stage.blocking))
    return Template(tuple(stages), name=label if explicit else None, doc=doc, wrapped=target)


def driven(behaviour: Callable[..., Behaviour]) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The sync and async implementations `wrap_whole` takes, both running ``behaviour``.

    Examples:
        >>> from wumbo.core.effects import Call
        >>> def same(inner, config, value):
        ...     return (yield Call(inner, value))
        >>> run, arun = driven(same)
        >>> run(template(abs), None, -2)
        <Success: 2>
    """
    return functools.partial(drive, behaviour), functools.partial(drive_async, behaviour)


def wrap_whole(
    name: str,
    target: Template[Any, Any, Any],
    sync_impl: Callable[..., Any],
    async_impl: Callable[..., Awaitable[Any]],
    config: object,
    *,
    blocking: bool = False,
) -> Template[Any, Any, Any]:
    """One stage named ``name`` running all of ``target``: ``impl(target, config, value)``.

    Examples:
        >>> from wumbo import template
        >>> from wumbo.decorators._wrap import passed_on
        >>> def run(inner, config, value):
        ...     return passed_on(inner(value))
        >>> whole = wrap_whole("both", template(str.strip) | len, run, run, None)
        >>> [stage.name for stage in whole.stages], whole.run(" ab ")
        (['both'], 2)
    """
    step = make_step(name, target.is_async, sync_impl, async_impl, target, config)
    stage = _stage_of(name, target, step, blocking)
    return Template((stage,), name=name, doc=target.__doc__, wrapped=target)
