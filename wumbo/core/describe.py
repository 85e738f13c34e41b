"""A picture of a pipeline: its stages in order, their types, and a Mermaid flowchart.

`stage_infos` lists what each stage takes, gives and declares it may fail with
(``E`` of ``-> Result[X, E]``), whether it is async or blocking, and the decorators wrapped
around it (``retry(cache(fetch))``: ``retry``, ``cache``). `to_mermaid` draws
the same as a Mermaid flowchart (``Template.to_mermaid()``), with ``fan_out`` drawn as parallel
paths and ``branch`` as a decision; a notebook shows it through ``Template._repr_markdown_``.

Examples:
    >>> from wumbo import Failure, Result, template
    >>> def parse(text: str) -> Result[int, ValueError]:
    ...     return Failure(ValueError(text))
    >>> async def double(n: int) -> int:
    ...     return n * 2
    >>> [(info.name, type_label(info.input), type_label(info.output), info.errors, info.is_async)
    ...  for info in stage_infos(template(parse) | double)]
    [('parse', 'str', 'int', (<class 'ValueError'>,), False), ('double', 'int', 'int', (), True)]
    >>> print(to_mermaid(template(parse) | double))
    flowchart LR
        in_(["str"]) --> s1
        s1["parse<br/>str → int<br/>fails: ValueError"]
        s2["double<br/>int → int<br/>async"]
        s1 -->|int| s2
        s2 --> out_(["int"])
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from typing import Protocol, TypeGuard, cast

from returns.result import Result

from wumbo.core.effects import drive, drive_async
from wumbo.core.stage import MISSING, Stage, _hint_target, _resolved_hints  # pyright: ignore[reportPrivateUsage]
from wumbo.core.steps import SyncStep


class Pipeline(Protocol):
    """What a picture needs of a pipeline (a ``Template`` is one): its name and stages."""

    @property
    def __name__(self) -> str: ...

    @property
    def stages(self) -> tuple[Stage, ...]: ...


__all__ = [
    "Pipeline",
    "StageInfo",
    "declared_errors",
    "decorators_of",
    "stage_infos",
    "to_mermaid",
    "type_label",
]


@dataclass(frozen=True, slots=True)
class StageInfo:
    """One stage as a picture shows it.

    Examples:
        >>> from wumbo import template
        >>> info = stage_infos(template(len))[0]
        >>> info.position, info.name, type_label(info.input), info.is_async
        (1, 'len', '?', False)
    """

    position: int
    name: str
    input: object
    output: object
    errors: tuple[object, ...]
    is_async: bool
    blocking: bool
    decorators: tuple[str, ...]
    """The decorators wrapped around the stage, outermost first (empty: none)."""
    inner: tuple[Pipeline, ...]
    """The templates a combinator stage (``fan_out``, ``branch``...) runs, in order."""


def declared_errors(stage: Stage) -> tuple[object, ...]:
    """The error types ``stage`` declares: the members of ``E`` in ``-> Result[X, E]``.

    Examples:
        >>> from wumbo import Result
        >>> def parse(text: str) -> Result[int, ValueError | KeyError]: ...
        >>> declared_errors(Stage.of(parse))
        (<class 'ValueError'>, <class 'KeyError'>)
    """
    returned = _resolved_hints(_hint_target(stage.fn)).get("return", MISSING)
    origin = typing.get_origin(returned) or returned
    if not (isinstance(origin, type) and issubclass(origin, Result)):
        return ()
    args = typing.get_args(returned)
    if len(args) < 2:
        return ()
    error = args[1]
    if typing.get_origin(error) in (typing.Union, types.UnionType):
        return typing.get_args(error)
    return (error,)


def decorators_of(stage: Stage) -> tuple[str, ...]:
    """The wumbo decorators wrapped around ``stage``, outermost first.

    Examples:
        >>> from wumbo import template
        >>> from wumbo.decorators import cache, retry
        >>> def fetch(key: str) -> str:
        ...     return key
        >>> decorated = retry(attempts=2)(cache()(fetch))
        >>> decorators_of(decorated.stages[0]), decorators_of(template(fetch).stages[0])
        (('retry', 'cache'), ())
    """
    return _unwrapped(stage)[0]


def _unwrapped(stage: Stage) -> tuple[tuple[str, ...], Stage]:
    """The decorators around ``stage`` and the stage they decorate (``stage`` when none)."""
    found: list[str] = []
    while _is_decorator(stage.fn):
        found.append(stage.name.split("(", 1)[0])
        inner = [part for part in _parts(stage.fn) if _is_template(part)]
        if len(inner) != 1 or len(inner[0].stages) != 1:
            break
        stage = inner[0].stages[0]
    return tuple(found), stage


def _is_decorator(fn: object) -> bool:
    """Whether a stage's callable is one a wumbo decorator made (``retry``'s step, a cache)."""
    made_by: object = type(fn)
    if isinstance(fn, SyncStep):  # a driver runs the behaviour itself with WUMBO_NO_CODEGEN
        made_by = fn.args[0] if fn.impl in (drive, drive_async) and fn.args else fn.impl
    module: object = getattr(made_by, "__module__", None)
    return isinstance(module, str) and module.startswith("wumbo.decorators.")


def _parts(fn: object) -> tuple[object, ...]:
    """What a decorator's callable holds: a step's arguments, or an object's attributes."""
    if isinstance(fn, SyncStep):
        return fn.args
    held: dict[str, object] = getattr(fn, "__dict__", {})
    return tuple(held.values())


def _inner(stage: Stage) -> tuple[Pipeline, ...]:
    if not isinstance(stage.fn, SyncStep):  # combinators' stages (AsyncStep is one too)
        return ()
    found: list[Pipeline] = []
    for arg in stage.fn.args:
        parts: tuple[object, ...] = _as_tuple(arg)
        found.extend(part for part in parts if _is_template(part))
    return tuple(found)


def _as_tuple(arg: object) -> tuple[object, ...]:
    return cast("tuple[object, ...]", arg) if isinstance(arg, tuple) else (arg,)


def _is_template(value: object) -> TypeGuard[Pipeline]:
    return isinstance(getattr(value, "stages", None), tuple) and hasattr(value, "__name__")


def stage_infos(pipeline: Pipeline) -> tuple[StageInfo, ...]:
    """Each stage of ``pipeline``, first to last, as a `StageInfo`; a decorated stage has the
    types and declared errors of the stage it decorates."""
    return tuple(_info(position, stage) for position, stage in enumerate(pipeline.stages, 1))


def _info(position: int, stage: Stage) -> StageInfo:
    decorators, typed = _unwrapped(stage)
    return StageInfo(
        position,
        stage.name,
        typed.in_hint,
        typed.out_hint,
        declared_errors(typed),
        stage.is_async,
        stage.blocking,
        decorators,
        _inner(stage),
    )


def type_label(hint: object) -> str:
    """A short name of a type hint (``?`` when absent), module prefixes dropped.

    Examples:
        >>> from typing import Any
        >>> type_label(int), type_label(list[dict[str, int]]), type_label(int | None)
        ('int', 'list[dict[str, int]]', 'int | None')
        >>> type_label(MISSING), type_label(Any)
        ('?', 'Any')
    """
    if hint is MISSING:
        return "?"
    if isinstance(hint, type) and not typing.get_args(hint):
        return hint.__qualname__
    return re.sub(r"\b(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_])", "", repr(hint))


def _escape(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _label(info: StageInfo, name: str | None = None) -> str:
    lines = [
        _escape(name or info.name),
        f"{_escape(type_label(info.input))} → {_escape(type_label(info.output))}",
    ]
    if info.errors:
        lines.append("fails: " + ", ".join(_escape(type_label(error)) for error in info.errors))
    marks = [mark for mark, on in (("async", info.is_async), ("blocking", info.blocking)) if on]
    if marks:
        lines.append(", ".join(marks))
    return "<br/>".join(lines)


class _Drawing:
    """Mermaid lines and fresh node ids."""

    def __init__(self) -> None:
        self.lines: list[str] = ["flowchart LR"]
        self._count = 0

    def node(self) -> str:
        self._count += 1
        return f"s{self._count}"

    def add(self, line: str) -> None:
        self.lines.append("    " + line)


def _draw(pipeline: Pipeline, drawing: _Drawing) -> tuple[str, str] | None:
    """Draw ``pipeline``'s stages; its first and last node ids (``None``: no stages)."""
    first: str | None = None
    last: str | None = None
    previous_output: object = MISSING
    for info in stage_infos(pipeline):
        start, end = _draw_stage(info, drawing)
        if last is None:
            first = start
        else:
            edge = type_label(previous_output)
            drawing.add(
                f"{last} -->|{_escape(edge)}| {start}" if edge != "?" else f"{last} --> {start}"
            )
        last, previous_output = end, info.output
    return None if first is None or last is None else (first, last)


def _draw_stage(info: StageInfo, drawing: _Drawing) -> tuple[str, str]:
    kind = info.name.split("(", 1)[0]
    if kind == "fan_out" and info.inner:
        return _draw_parallel(info, drawing)
    if kind == "branch" and len(info.inner) == 3:
        return _draw_branch(info, drawing)
    node = drawing.node()
    drawing.add(f'{node}["{_label(info)}"]')
    return node, node


def _draw_parallel(info: StageInfo, drawing: _Drawing) -> tuple[str, str]:
    split, join = drawing.node(), drawing.node()
    drawing.add(f"{split}{{{{fan_out}}}}")
    drawing.add(f'{join}(["tuple of results"])')
    for inner in info.inner:
        _draw_between(split, "-->", inner, join, drawing)
    return split, join


def _draw_branch(info: StageInfo, drawing: _Drawing) -> tuple[str, str]:
    predicate, if_true, if_false = info.inner
    decide, join = drawing.node(), drawing.node()
    drawing.add(f'{decide}{{"{_escape(predicate.__name__)}?"}}')
    drawing.add(f'{join}(["{_escape(type_label(info.output))}"])')
    for label, inner in (("yes", if_true), ("no", if_false)):
        _draw_between(decide, f"-->|{label}|", inner, join, drawing)
    return decide, join


def _draw_between(start: str, arrow: str, inner: Pipeline, join: str, drawing: _Drawing) -> None:
    """``inner`` drawn from ``start`` (by ``arrow``) to ``join``; an empty one is one arrow."""
    ends = _draw(inner, drawing)
    if ends is None:
        drawing.add(f"{start} {arrow} {join}")
    else:
        drawing.add(f"{start} {arrow} {ends[0]}")
        drawing.add(f"{ends[1]} --> {join}")


def to_mermaid(pipeline: Pipeline) -> str:
    """A Mermaid flowchart of ``pipeline``: input, each stage (name, types, declared errors,
    async/blocking marks), output. See the module's example."""
    drawing = _Drawing()
    stages = pipeline.stages
    first_type = stages[0].in_hint if stages else MISSING
    last_type = stages[-1].out_hint if stages else MISSING
    ends = _draw(pipeline, drawing)
    start = f'in_(["{_escape(type_label(first_type))}"])'
    end = f'out_(["{_escape(type_label(last_type))}"])'
    if ends is None:
        drawing.add(f"{start} --> {end}")
    else:
        drawing.lines.insert(1, f"    {start} --> {ends[0]}")
        drawing.add(f"{ends[1]} --> {end}")
    return "\n".join(drawing.lines)
