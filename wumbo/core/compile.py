"""Compile a tuple of stages into one flat Python function: the "compiled template".

The call path is generated as source code: one line per stage, with a Result check only where
a stage's annotation says it may return one. The code depends only on the pipeline's shape, so
it is generated and compiled once per shape, and each pipeline binds its own stages to it. A
failure is located by the instruction it was raised at (no per-stage bookkeeping on the success
path), so the success path costs one function call over hand-written code.

Four variants exist: Result or plain value out, sync or async. Stages of a long pipeline are
looked up in a tuple instead of bound by name, so 10,000 stages compile without limits.

Examples:
    >>> from wumbo.core.stage import Stage
    >>> def inc(n: int) -> int:
    ...     return n + 1
    >>> run = compile_stages((Stage.of(inc), Stage.of(inc)), plain=False, is_async=False)
    >>> run(1)
    <Success: 3>
"""

from __future__ import annotations

import linecache
import operator
from collections.abc import Callable, Sequence
from types import CodeType, FunctionType
from typing import Any, Final

from returns.result import Failure, Success

from wumbo.core._returns_internals import FAST, VALUE_OF_SUCCESS, new_failure, set_inner
from wumbo.core.checking import checked_call
from wumbo.core.result import (
    RESULT_CLASSES,
    SET_WHERE,
    StageError,
    bounded_repr,
    failure_note_target,
    note_prefix,
    unwrap_failed,
)
from wumbo.core.stage import Stage, StageInfo

__all__ = ["bind", "compile_stages", "maker", "shape_of"]

_Described = Sequence[StageInfo]
"""Where the generated code's failure paths read a failing stage's name: the stages, or their
infos (a Template binds its infos: it makes no Stage objects to run; a Stage is a StageInfo)."""

_NAMED_LIMIT: Final = 64
"""Up to this many stages are bound as closure names; longer pipelines index a tuple."""

_SHAPES_KEPT: Final = 512
"""At most this many shapes keep their generated code (the oldest is dropped first)."""

_LABELS_KEPT: Final = 256
"""At most this many pipeline names per shape keep their renamed ``_make`` (oldest dropped)."""

# A stage's kind, callable and check flag (one C call each: binding reads them for every stage).
_kind_of: Final = operator.attrgetter("kind")
_fn_of: Final = operator.attrgetter("fn")
_check_of: Final = operator.attrgetter("check")


class _Source:
    """Accumulates generated lines and remembers which line calls which stage."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.stage_of_line: dict[int, int] = {}

    def add(self, line: str, stage_index: int | None = None, input_in: str = "x") -> None:
        """Add ``line``; for a stage's call, ``stage_index`` and the variable holding its input
        (recorded as the index for ``x``, its complement ``~index`` for ``y``)."""
        self.lines.append(line)
        if stage_index is not None:
            where = stage_index if input_in == "x" else ~stage_index
            self.stage_of_line[len(self.lines)] = where


Shape = tuple[tuple[bool, bool, bool], ...]
"""Per stage: (passes a plain value on, is ``async def``, is blocking); the generated code
depends on nothing else, so it is generated once per shape."""


def shape_of(stages: _Described) -> Shape:
    """What the generated code of ``stages`` depends on: each stage's `Stage.kind`.

    Examples:
        >>> from wumbo.core.stage import Stage
        >>> def inc(n: int) -> int:
        ...     return n + 1
        >>> shape_of([Stage.of(inc), Stage.of(lambda n: n)])
        ((True, False, False), (False, False, False))
    """
    return tuple(map(_kind_of, stages))


def _stage_lines(source: _Source, shape: Shape, *, plain: bool, is_async: bool) -> str:
    """Add one line per stage (and a Result check where a stage may return one); return the
    name of the variable that holds the last stage's value.

    The value passes through two variables, ``x`` and ``y``: a stage that may return a Result
    writes to the other one, so its input is still at hand should it return a ``Failure``. Its
    success path costs one identity test: the class of what it returned is compared with the
    plain class it returned last (`_seen`; a Result's class is never remembered), and only
    another class is looked up among the Result classes. Each stage's call line records which
    variable holds its input (see `_Source.add` and `_stage_input`).
    """
    named = len(shape) <= _NAMED_LIMIT
    pad = " " * 12
    value, other = "x", "y"
    for index, (passes_plain, stage_async, blocking) in enumerate(shape):
        ref = f"s{index}" if named else f"S[{index}]"
        if stage_async and is_async:
            call = f"await {ref}({value})"
        elif blocking and is_async:
            call = f"await _thread({ref}, {value})"
        else:
            call = f"{ref}({value})"
        if passes_plain:
            source.add(f"{pad}{value} = {call}", index, value)
            continue
        on_failure = "raise _failed_plain" if plain else "return _failed"
        seen = _seen(index, named)
        source.add(f"{pad}{other} = {call}", index, value)
        source.add(f"{pad}if {other}.__class__ is not {seen}:")
        source.add(f"{pad}    if {other}.__class__ in _RESULTS:")
        source.add(f"{pad}        if {other}.__class__ is _F:")
        source.add(f"{pad}            {on_failure}({index}, {other}, {value}, _stages)")
        source.add(f"{pad}        {other} = {other}{VALUE_OF_SUCCESS}")
        source.add(f"{pad}    else:")
        source.add(f"{pad}        {seen} = {other}.__class__")
        value, other = other, value
    return value


def _seen(index: int, named: bool) -> str:
    """Where the generated code keeps the plain class stage ``index`` returned last: a closure
    name of the runner, or an entry of the list ``K`` in a pipeline too long to name them."""
    return f"k{index}" if named else f"K[{index}]"


def _generate(shape: Shape, *, plain: bool, is_async: bool) -> tuple[str, dict[int, int]]:
    source = _Source()
    named = len(shape) <= _NAMED_LIMIT
    checked = [index for index, (passes_plain, _, _) in enumerate(shape) if not passes_plain]
    source.add("def _make(_stages, S):")
    if named and shape:  # the stages' callables as closure names: one unpacking, no *args call
        source.add(f"    {', '.join(f's{i}' for i in range(len(shape)))}, = S")
    if named and checked:  # what each checked stage returned last: nothing yet
        source.add(f"    {' = '.join(f'k{i}' for i in checked)} = _NOTHING_SEEN")
    elif checked:
        source.add(f"    K = [_NOTHING_SEEN] * {len(shape)}")
    source.add(f"    {'async ' if is_async else ''}def run(x):")
    if named and checked:
        source.add(f"        nonlocal {', '.join(f'k{i}' for i in checked)}")
    source.add("        y = None")
    source.add("        try:")
    if not shape:
        source.add("            pass")
    last = _stage_lines(source, shape, plain=plain, is_async=is_async)
    source.add("        except Exception as e:")
    if plain:
        source.add("            _note_raised(e, x, y, _stages, _at)")
        source.add("            raise")
        source.add(f"        return {last}")
    else:
        source.add("            return _raised(e, x, y, _stages, _at)")
        if FAST:  # Success(x) without the constructor's call chain (see _returns_internals)
            source.add("        r = _new(_S)")
            source.add(f"        _set_inner(r, {last})")
            source.add("        return r")
        else:
            source.add(f"        return _S({last})")
    source.add("    return run")
    return "\n".join(source.lines) + "\n", source.stage_of_line


_makers: dict[tuple[Shape, bool, bool], dict[str, Callable[..., Any]]] = {}
"""Per (shape, plain, is_async): the generated ``_make`` by pipeline name, its runner's code
named after the pipeline (see `_labelled`); it holds no user function."""


def _maker(shape: Shape, plain: bool, is_async: bool, label: str) -> dict[str, Callable[..., Any]]:
    """Generate and ``compile()`` the ``_make`` of one shape, and keep it (bounded)."""
    source, stage_of_line = _generate(shape, plain=plain, is_async=is_async)
    namespace: dict[str, Any] = {
        "_S": Success,
        "_F": Failure,
        "_RESULTS": RESULT_CLASSES,
        "_NOTHING_SEEN": _NothingSeen,
        "_new": object.__new__,
        "_set_inner": set_inner,
        "_raised": _raised,
        "_note_raised": _note_raised,
        "_failed": _failed,
        "_failed_plain": _failed_plain,
    }
    if is_async and any(blocking for _, _, blocking in shape):
        import anyio.to_thread  # loaded only for pipelines that need a worker thread

        namespace["_thread"] = anyio.to_thread.run_sync
    # Compiled with the Result classes as a constant of the code (a constant loads faster than
    # a global, once per stage that may return a Result); the source shown keeps the name.
    compiled = source.replace(_RESULTS_CHECK, _RESULTS_CONSTANT_CHECK)
    exec(compile(compiled, _register_source(source), "exec"), namespace)
    make: Callable[..., Any] = _with_results_constant(namespace["_make"])
    namespace["_at"] = _stage_offsets(_runner_code(make.__code__), stage_of_line)
    if len(_makers) >= _SHAPES_KEPT:
        del _makers[next(iter(_makers))]
    by_label: dict[str, Callable[..., Any]] = {}
    _makers[shape, plain, is_async] = by_label
    by_label[label] = _labelled(make, label)
    return by_label


class _NothingSeen:
    """The class a stage that may return a Result is taken to have returned before its first
    call: no value has it, so the first value's class is always looked up."""


_RESULTS_CHECK: Final = ".__class__ in _RESULTS:"
_RESULTS_CONSTANT_CHECK: Final = ".__class__ in 'RESULT':"
"""The check as compiled: a string as long as the name (columns in tracebacks stay right),
replaced by `RESULT_CLASSES` in the runner's constants (see `_with_results_constant`)."""


def _with_results_constant(make: Callable[..., Any]) -> Callable[..., Any]:
    """``make`` whose runner's code has `RESULT_CLASSES` for the placeholder constant."""
    code = make.__code__
    run_code = _runner_code(code)
    constants = tuple(
        RESULT_CLASSES if constant == "RESULT" else constant for constant in run_code.co_consts
    )
    return _with_runner_code(make, run_code.replace(co_consts=constants))


def _with_runner_code(make: Callable[..., Any], run_code: CodeType) -> Callable[..., Any]:
    """A copy of ``make`` whose inner runner has ``run_code``."""
    code = make.__code__
    old = _runner_code(code)
    constants = tuple(run_code if constant is old else constant for constant in code.co_consts)
    return FunctionType(code.replace(co_consts=constants), make.__globals__, make.__name__)


def _runner_code(make_code: CodeType) -> CodeType:
    return next(c for c in make_code.co_consts if isinstance(c, CodeType))


def _labelled(make: Callable[..., Any], label: str) -> Callable[..., Any]:
    """``make`` with its runner's code renamed after a pipeline, so tracebacks and pdb show the
    pipeline's name.

    Kept per shape and name: building the same pipeline again, in a function per call, binds
    its stages to the renamed ``_make`` at once (no code object is renamed per pipeline).
    """
    run_code = _runner_code(make.__code__)
    return _with_runner_code(make, run_code.replace(co_name=label, co_qualname=label))


_INTERPRETED_CALLS: Final = 2
"""Calls of a new shape that run on the reference interpreter before the shape is compiled."""

_interpreted: dict[Shape, int] = {}
"""How many calls of each shape not yet generated were interpreted (holds no user function)."""


def compile_stages(
    stages: Sequence[Stage],
    plain: bool,
    is_async: bool,
    label: str = "pipeline",
    interpret_first: bool = False,
) -> Callable[[Any], Any] | None:
    """Return the runner for ``stages``, its code generated once per shape.

    ``plain=False`` returns ``Success``/``Failure``; ``plain=True`` returns the value or raises
    the original exception with a PEP 678 note. ``is_async=True`` returns a coroutine function
    that awaits async stages and sends blocking stages to a worker thread.

    With ``interpret_first=True`` (sync calls of unchecked stages), the first calls of a shape
    whose code was never generated give ``None``: the caller runs them on the reference
    interpreter, so a pipeline built and called once pays for no code generation. After
    `_INTERPRETED_CALLS` such calls of one shape, from any pipelines, the shape is compiled.

    Binding a known shape to a pipeline's stages costs one call of the generated ``_make``: no
    inspection, no code generation, no per-stage bookkeeping (failures find their stage's name
    and position from ``stages`` only when they happen).

    Examples:
        >>> from wumbo.core.stage import Stage
        >>> run = compile_stages((Stage.of(int),), plain=True, is_async=False)
        >>> run("7")
        7
    """
    stages = tuple(stages)
    checked = any(map(_check_of, stages))
    if checked:
        targets = [checked_call(stage) if stage.check else stage.fn for stage in stages]
    else:
        targets = list(map(_fn_of, stages))
    shape = shape_of(stages)
    return bind(stages, shape, targets, plain, is_async, label, interpret_first and not checked)


def bind(
    stages: _Described,
    shape: Shape,
    targets: Sequence[Callable[[Any], Any]],
    plain: bool,
    is_async: bool,
    label: str,
    interpret_first: bool,
) -> Callable[[Any], Any] | None:
    """The runner of ``stages`` (whose `shape_of` is ``shape``) calling ``targets``: what
    `compile_stages` does once it knows them, for callers that gathered them already.

    A known shape and name cost two dictionary look-ups and one call of the generated
    ``_make``; ``interpret_first`` gives ``None`` for the first calls of a new shape.

    Examples:
        >>> from wumbo.core.stage import Stage
        >>> stages = (Stage.of(abs),)
        >>> bind(stages, shape_of(stages), [abs], True, False, "abs", False)(-2)
        2
    """
    make = maker(shape, plain, is_async, label, interpret_first)
    if make is None:
        return None
    if len(stages) > _NAMED_LIMIT:
        return make(stages, tuple(targets))
    return make(stages, targets)


def maker(
    shape: Shape, plain: bool, is_async: bool, label: str, interpret_first: bool
) -> Callable[[_Described, Sequence[Callable[[Any], Any]]], Callable[[Any], Any]] | None:
    """The generated ``_make`` of ``shape``, its runner named ``label``: called with the
    stages (or their infos) and their callables as a tuple, it returns their runner. ``None``
    for the first calls of a new shape when ``interpret_first`` (see `compile_stages`).

    Examples:
        >>> from wumbo.core.stage import Stage
        >>> stages = (Stage.of(abs),)
        >>> maker(shape_of(stages), True, False, "abs", False)(stages, (abs,))(-3)
        3
    """
    by_label = _makers.get((shape, plain, is_async))
    if by_label is None:
        if interpret_first:
            calls = _interpreted.get(shape, 0)
            if calls < _INTERPRETED_CALLS:
                if len(_interpreted) >= _SHAPES_KEPT:
                    _interpreted.clear()
                _interpreted[shape] = calls + 1
                return None
        by_label = _maker(shape, plain, is_async, label)
    make = by_label.get(label)
    if make is None:  # a new name for a known shape: rename its runner's code once
        if len(by_label) >= _LABELS_KEPT:
            del by_label[next(iter(by_label))]
        make = by_label[label] = _labelled(next(iter(by_label.values())), label)
    return make


# -- the failure paths the generated code calls ---------------------------------------------


def _raised(error: Exception, x: object, y: object, stages: _Described, at: dict[int, int]) -> Any:
    """``Failure(StageError(...))`` for a stage that raised, without constructor calls: this is
    the failure path's cost (tests pin that the result equals what the constructors build).

    ``at`` maps the failing instruction to where its stage is (see `_stage_input`).
    """
    traceback = error.__traceback__
    assert traceback is not None  # caught in the generated frame: always has a traceback
    index, value = _stage_input(at[traceback.tb_lasti], x, y)
    stage_error = _new_exception(StageError)
    SET_WHERE(stage_error, (stages[index].name, index + 1, len(stages), value, error))
    stage_error.__cause__ = error
    return new_failure(stage_error)


_new_exception: Final = Exception.__new__


def _stage_input(where: int, x: object, y: object) -> tuple[int, object]:
    """A stage's index and input from what `_Source.add` recorded for its call: the index when
    the input was in ``x``, its complement ``~index`` when it was in ``y``.

    Examples:
        >>> _stage_input(2, "in x", "in y"), _stage_input(~2, "in x", "in y")
        ((2, 'in x'), (2, 'in y'))
    """
    return (where, x) if where >= 0 else (~where, y)


def _note_raised(
    error: Exception, x: object, y: object, stages: _Described, at: dict[int, int]
) -> None:
    """The plain path's note on an exception a stage raised (before it is re-raised)."""
    traceback = error.__traceback__
    where = at.get(traceback.tb_lasti) if traceback is not None else None
    if where is not None:  # not one of our own re-raises of a returned Failure
        index, value = _stage_input(where, x, y)
        prefix = note_prefix(stages[index].name, index + 1, len(stages), "raised")
        error.add_note(prefix + bounded_repr(value))


def _note_returned(index: int, container: Failure[Any], value: object, stages: _Described) -> None:
    target = failure_note_target(container)
    if target is not None:
        prefix = note_prefix(stages[index].name, index + 1, len(stages), "returned")
        target.add_note(prefix + bounded_repr(value))


def _failed(index: int, container: Failure[Any], value: object, stages: _Described) -> Any:
    """A stage returned ``container``, a ``Failure``: note where, and return it as it is."""
    _note_returned(index, container, value, stages)
    return container


def _failed_plain(
    index: int, container: Failure[Any], value: object, stages: _Described
) -> BaseException:
    """A stage returned a ``Failure`` on the plain path: note where, give what to raise."""
    _note_returned(index, container, value, stages)
    return unwrap_failed(container)


def _register_source(source: str) -> str:
    """A file name for generated ``source``, its lines registered in `linecache`.

    Tracebacks, ``pdb`` and ``inspect.getsource`` then show the generated lines (attrs does the
    same for its generated methods). The name is derived from the source, so pipelines of the
    same shape share one entry and the cache stays bounded.

    Examples:
        >>> import linecache
        >>> source = "x = 1" + chr(10)
        >>> linecache.getline(_register_source(source), 1) == source
        True
    """
    filename = f"<wumbo generated {hash(source) & 0xFFFFFFFF:08x}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    return filename


def _stage_offsets(code: CodeType, stage_of_line: dict[int, int]) -> dict[int, int]:
    """Map every bytecode offset on a stage's line to that stage's index.

    A failure is located from ``traceback.tb_lasti`` (the failing instruction's offset, free to
    read) rather than ``tb_lineno`` (computed by scanning the line table on every access).
    """
    offsets: dict[int, int] = {}
    for start, end, line in code.co_lines():
        if line in stage_of_line:
            offsets.update(dict.fromkeys(range(start, end, 2), stage_of_line[line]))
    return offsets
