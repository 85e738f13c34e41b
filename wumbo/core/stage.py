"""One stage of a pipeline: a callable plus what composition learned about it, once.

Everything that needs ``inspect`` or type hints happens here, when a stage is created, so
calling a pipeline never inspects anything.

Examples:
    >>> def parse(text: str) -> int:
    ...     return int(text)
    >>> stage = Stage.of(parse)
    >>> (stage.name, stage.returns.name, stage.is_async, stage.in_hint, stage.out_hint)
    ('parse', 'PLAIN', False, <class 'str'>, <class 'int'>)
"""

from __future__ import annotations

import enum
import functools
import importlib
import inspect
import operator
import sys
import types
import typing
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from returns.result import Failure, Result, Success

from wumbo.core.result import bounded_repr
from wumbo.core.steps import AsyncStep, SyncStep

__all__ = [
    "MISSING",
    "Returns",
    "Stage",
    "StageInfo",
    "describe",
    "import_object",
    "module_level_wrapper",
    "stage_info",
    "stage_of",
]


class _Missing(enum.Enum):
    MISSING = "MISSING"

    __hash__ = object.__hash__  # a singleton: hashed by identity, without Enum's Python call


MISSING: Final = _Missing.MISSING
"""Marks a hint that is absent or could not be resolved."""

_RESULT_TYPES: Final = (Result, Success, Failure)


class Returns(enum.Enum):
    """What a stage's return annotation promises, which decides the compiled call path.

    Examples:
        >>> Returns.PLAIN.name
        'PLAIN'
    """

    PLAIN = "plain"
    """Annotated with a type that is not a Result: the value is passed on untouched."""
    RESULT = "result"
    """Annotated as a Result: Success is unwrapped, Failure stops the pipeline."""
    UNKNOWN = "unknown"
    """Unannotated, ``Any``, ``object`` or a type variable: checked for a Result at run time."""


def describe(value: object) -> str:
    """A short human description of an operand: its type and a bounded repr.

    Examples:
        >>> describe(5)
        'int 5'
    """
    return f"{type(value).__name__} {bounded_repr(value)}"


def _callable_name(fn: object) -> str:
    if isinstance(fn, functools.partial):
        return f"partial({_callable_name(fn.func)})"
    name = getattr(fn, "__name__", None)
    if isinstance(name, str):
        return name
    return type(fn).__name__


def _hint_target(fn: object) -> object:
    """The object whose ``__annotations__`` describe ``fn`` (through partial and curry)."""
    target: Any = fn
    while True:
        if isinstance(target, functools.partial):
            target = target.func
        elif hasattr(target, "func") and type(target).__name__ == "curry":
            target = target.func  # toolz.curry keeps the wrapped function here
        else:
            break
    if inspect.isroutine(target) or inspect.isclass(target):
        return target
    plain: object = target
    call: object = inspect.getattr_static(type(plain), "__call__", plain)
    return call


def _resolved_hints(target: object) -> dict[str, Any]:
    try:
        return typing.get_type_hints(target)
    except Exception:  # unresolvable forward references: treat as unannotated
        return {}


def _is_async(fn: object) -> bool:
    if inspect.iscoroutinefunction(fn):
        return True
    if isinstance(fn, functools.partial):
        return _is_async(fn.func)
    if not inspect.isroutine(fn) and not inspect.isclass(fn):
        return inspect.iscoroutinefunction(inspect.getattr_static(type(fn), "__call__", None))
    return False


def _classify(out_hint: object) -> Returns:
    if out_hint is MISSING or out_hint is Any or out_hint is object:
        return Returns.UNKNOWN
    if isinstance(out_hint, typing.TypeVar):
        return Returns.UNKNOWN
    origin = typing.get_origin(out_hint)
    if origin is typing.Union or origin is types.UnionType:
        kinds = {_classify(arg) for arg in typing.get_args(out_hint)}
        return Returns.PLAIN if kinds == {Returns.PLAIN} else Returns.UNKNOWN
    base = origin or out_hint
    if isinstance(base, type) and issubclass(base, _RESULT_TYPES):
        return Returns.RESULT
    return Returns.PLAIN


def _value_hint(out_hint: object, returns: Returns) -> object:
    """The hint of the value passed on: ``X`` of ``Result[X, E]``, else the hint itself."""
    if returns is Returns.RESULT:
        args = typing.get_args(out_hint)
        return args[0] if args else MISSING
    return out_hint


def _unary_signature(fn: Callable[..., Any], name: str) -> inspect.Signature | None:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins without a signature: trust them
        return None
    try:
        signature.bind(None)
    except TypeError:
        raise TypeError(
            f"stage {name!r} cannot be called with one argument: its signature is "
            f"{name}{signature}; expected a callable taking exactly one positional argument "
            f"(bind the others with functools.partial or toolz.curry)"
        ) from None
    return signature


class StageInfo:
    """Everything a stage is but its callable: what inspection found and the stage's options.

    A Template keeps its stages as two tuples, the callables and their infos, and makes `Stage`
    objects only when asked for them. The info of a callable with no options is built once and
    kept by the callable's identity (see `stage_info`), so composing known pieces allocates no
    per-stage object; it holds no reference to the callable. Immutable (read-only attributes);
    the paths that build and bind pipelines read the slots behind them.

    Examples:
        >>> def parse(text: str) -> int:
        ...     return int(text)
        >>> info = stage_info(parse)
        >>> info.name, info.returns.name, info.kind, stage_info(parse, "p", True).kind
        ('parse', 'PLAIN', (True, False, False), (True, False, True))
        >>> info.name = "other"
        Traceback (most recent call last):
        ...
        AttributeError: property 'name' of 'StageInfo' object has no setter
    """

    __slots__ = (
        "_blocking",
        "_check",
        "_in_hint",
        "_is_async",
        "_kind",
        "_name",
        "_out_hint",
        "_returns",
    )

    if TYPE_CHECKING:

        @property
        def name(self) -> str:
            """The name used in messages, ``repr`` and failures."""
            ...

        @property
        def is_async(self) -> bool:
            """Whether the callable is ``async def`` (or a callable object whose call is)."""
            ...

        @property
        def returns(self) -> Returns:
            """What the return annotation promises: plain value, Result or unknown."""
            ...

        @property
        def in_hint(self) -> object:
            """The first parameter's hint, or `MISSING`."""
            ...

        @property
        def out_hint(self) -> object:
            """The hint of the value passed on (``X`` of ``Result[X, E]``), or `MISSING`."""
            ...

        @property
        def blocking(self) -> bool:
            """Whether async runs send this sync stage to a worker thread."""
            ...

        @property
        def check(self) -> bool:
            """Whether beartype checks every call against the hints."""
            ...

        @property
        def kind(self) -> tuple[bool, bool, bool]:
            """What generated code depends on: (passes a plain value on, async, blocking)."""
            ...

    else:  # C-level getters: reading an info costs no Python frame
        name = property(operator.attrgetter("_name"), doc="The name used in messages.")
        is_async = property(operator.attrgetter("_is_async"), doc="Whether it is async def.")
        returns = property(operator.attrgetter("_returns"), doc="What it promises.")
        in_hint = property(operator.attrgetter("_in_hint"), doc="The first parameter's hint.")
        out_hint = property(operator.attrgetter("_out_hint"), doc="The value passed on's hint.")
        blocking = property(operator.attrgetter("_blocking"), doc="Sent to a worker thread.")
        check = property(operator.attrgetter("_check"), doc="Checked by beartype per call.")
        kind = property(operator.attrgetter("_kind"), doc="What generated code depends on.")

    def __init__(
        self,
        name: str,
        is_async: bool,
        returns: Returns,
        in_hint: object,
        out_hint: object,
        blocking: bool = False,
        check: bool = False,
    ) -> None:
        self._name = name
        self._is_async = is_async
        self._returns = returns
        self._in_hint = in_hint
        self._out_hint = out_hint
        self._blocking = blocking
        self._check = check
        self._kind = (returns is Returns.PLAIN, is_async, blocking)

    def with_options(self, name: str | None, blocking: bool, check: bool) -> StageInfo:
        """This info with a stage's options (``name`` replaces the name unless ``None``).

        Examples:
            >>> stage_info(len).with_options("size", False, True).name
            'size'
        """
        return StageInfo(
            name or self._name,
            self._is_async,
            self._returns,
            self._in_hint,
            self._out_hint,
            blocking,
            check,
        )

    def __repr__(self) -> str:
        return (
            f"StageInfo(name={self._name!r}, returns={self._returns.name}, kind={self._kind!r}, "
            f"in_hint={self._in_hint!r}, out_hint={self._out_hint!r}, check={self._check!r})"
        )


def _inspection(
    name: str, is_async: bool, returns: Returns, in_hint: object, out_hint: object
) -> StageInfo:
    return StageInfo(name, is_async, returns, in_hint, out_hint)


_inspections: dict[int, tuple[weakref.ref[Any], StageInfo]] = {}
"""The option-free info of each callable by its identity, so a pipeline built again from the
same functions costs no signature or hint look-up and no new info. Keyed by ``id()``, not by
equality: two callables that compare equal may still have different signatures. Each entry
holds only a weak reference to its callable (whose callback removes the entry) and an info that
does not refer to it, so the cache keeps no function alive."""


def _forget(key: int, ref: weakref.ref[Any]) -> None:
    entry = _inspections.get(key)
    if entry is not None and entry[0] is ref:  # not a newer callable that reuses the id
        del _inspections[key]


def _inspect(fn: Callable[[Any], Any]) -> StageInfo:
    name = _callable_name(fn)
    if type(fn) in (SyncStep, AsyncStep):  # wumbo's own steps: nothing to look up
        return _inspection(name, isinstance(fn, AsyncStep), Returns.UNKNOWN, Any, Any)
    signature = _unary_signature(fn, name)
    hints = _resolved_hints(_hint_target(fn))
    out_hint = hints.get("return", MISSING)
    returns = _classify(out_hint)
    in_hint: object = MISSING
    if signature is not None and signature.parameters:
        first = next(iter(signature.parameters.values()))
        in_hint = hints.get(first.name, MISSING)
    return _inspection(name, _is_async(fn), returns, in_hint, _value_hint(out_hint, returns))


def _inspected(fn: Callable[[Any], Any]) -> StageInfo:
    """``fn``'s option-free info, cached by identity; callables without weak references are
    inspected each time.

    Examples:
        >>> def double(n: int) -> int:
        ...     return n * 2
        >>> _inspected(double) is _inspected(double), _inspected(double).in_hint
        (True, <class 'int'>)
    """
    key = id(fn)
    entry = _inspections.get(key)
    if entry is not None and entry[0]() is fn:
        return entry[1]
    inspection = _inspect(fn)
    try:
        ref = weakref.ref(fn, lambda dead: _forget(key, dead))
    except TypeError:  # not weakly referenceable (len, slotted objects): not cached
        return inspection
    _inspections[key] = (ref, inspection)
    return inspection


def stage_info(
    fn: Callable[[Any], Any],
    name: str | None = None,
    blocking: bool = False,
    check: bool = False,
) -> StageInfo:
    """The `StageInfo` of ``fn`` as a stage with these options: what ``template(f)`` and ``|``
    ask for each callable. A callable met before, without options, costs one dictionary look-up
    and returns the same info.

    Raises ``TypeError`` naming the operand when ``fn`` is not callable or cannot take one
    argument.

    Examples:
        >>> stage_info(len).name, stage_info(len, "size").name
        ('len', 'size')
        >>> stage_info(5)
        Traceback (most recent call last):
        ...
        TypeError: expected a callable stage taking one argument, got int 5
    """
    entry = _inspections.get(id(fn))
    if entry is not None and entry[0]() is fn:  # inspected before: a callable
        info = entry[1]
    elif callable(fn):
        info = _inspected(fn)
    else:
        raise TypeError(f"expected a callable stage taking one argument, got {describe(fn)}")
    if name or blocking or check:
        return info.with_options(name, blocking, check)
    return info


class Stage(StageInfo):
    """A callable and what composition knows about it: name, sync or async, return kind, hints.

    A `StageInfo` with its callable. Create one with `Stage.of`; stages are immutable
    (read-only attributes), compare by their callable and options, and pickle by re-inspecting
    their callable.

    Examples:
        >>> async def fetch(url: str) -> bytes:
        ...     return b""
        >>> Stage.of(fetch).is_async
        True
        >>> Stage.of(fetch).name = "other"
        Traceback (most recent call last):
        ...
        AttributeError: property 'name' of 'Stage' object has no setter
    """

    # The callable, and the shared info whose fields the inherited slots hold too.
    __slots__ = ("_fn", "_info")

    _fn: Callable[[Any], Any]
    _info: StageInfo

    if TYPE_CHECKING:

        @property
        def fn(self) -> Callable[[Any], Any]:
            """The callable the stage calls."""
            ...

        @property
        def info(self) -> StageInfo:
            """Everything the stage is but its callable (shared by the stages of one callable
            with the same options)."""
            ...

    else:  # C-level getters: reading a stage costs no Python frame
        fn = property(operator.attrgetter("_fn"), doc="The callable the stage calls.")
        info = property(operator.attrgetter("_info"), doc="All but the callable.")

    def __init__(self) -> None:
        raise TypeError("create a stage with Stage.of(fn)")

    @classmethod
    def of(
        cls,
        fn: Callable[[Any], Any],
        *,
        name: str | None = None,
        blocking: bool = False,
        check: bool = False,
    ) -> Stage:
        """Inspect ``fn`` once and describe it as a stage.

        Raises ``TypeError`` naming the operand when ``fn`` is not callable or cannot take one
        argument.

        Examples:
            >>> Stage.of(len).name
            'len'
            >>> Stage.of(5)
            Traceback (most recent call last):
            ...
            TypeError: expected a callable stage taking one argument, got int 5
        """
        return stage_of(fn, stage_info(fn, name, blocking, check))

    def replace(
        self, *, name: str | None = None, blocking: bool | None = None, check: bool | None = None
    ) -> Stage:
        """A copy with ``name``, ``blocking`` or ``check`` changed.

        Examples:
            >>> Stage.of(len).replace(name="size").name
            'size'
        """
        return Stage.of(
            self.fn,
            name=self.name if name is None else name,
            blocking=self.blocking if blocking is None else blocking,
            check=self.check if check is None else check,
        )

    def _key(self) -> tuple[object, ...]:
        info = self._info
        return (self._fn, info.name, info.blocking, info.check)

    def __repr__(self) -> str:
        options = "".join(
            f", {option}=True" for option in ("blocking", "check") if getattr(self, option)
        )
        return f"Stage.of({self._fn!r}, name={self.name!r}{options})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Stage) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[Any, ...]:
        wrapper = module_level_wrapper(self.fn)
        if wrapper is not None:  # ``@template def f``: the name ``f`` now holds the Template
            return (_rebuild_from_wrapper, (wrapper, *self._key()[1:]))
        return (_rebuild_stage, self._key())


def stage_of(fn: Callable[[Any], Any], info: StageInfo) -> Stage:
    """The `Stage` of ``fn`` whose info is ``info`` (from `stage_info`): how a Template makes
    its stages when asked for them.

    Examples:
        >>> stage_of(len, stage_info(len, "size")) == Stage.of(len, name="size")
        True
    """
    stage: Stage = _new_object(Stage)
    stage._fn = fn  # pyright: ignore[reportPrivateUsage]
    stage._info = info  # pyright: ignore[reportPrivateUsage]
    for field in StageInfo.__slots__:  # the info's fields, read straight on the stage
        setattr(stage, field, getattr(info, field))
    return stage


_new_object: Final = object.__new__


def _rebuild_stage(fn: Callable[[Any], Any], name: str, blocking: bool, check: bool) -> Stage:
    return Stage.of(fn, name=name, blocking=blocking, check=check)


def _rebuild_from_wrapper(wrapper: Any, name: str, blocking: bool, check: bool) -> Stage:
    return Stage.of(wrapper.__wrapped__, name=name, blocking=blocking, check=check)


def module_level_wrapper(fn: object) -> object | None:
    """The object bound at ``fn``'s own module-level name, when it wraps ``fn``.

    A function decorated with ``@template`` is no longer reachable under its name (the name
    holds the Template), so pickle cannot find it by reference; its wrapper can be found instead.

    Examples:
        >>> import functools
        >>> module_level_wrapper(functools.reduce) is None
        True
    """
    module = sys.modules.get(getattr(fn, "__module__", None) or "")
    qualname = getattr(fn, "__qualname__", None)
    if module is None or not isinstance(qualname, str) or "<locals>" in qualname:
        return None
    found: object = module
    for part in qualname.split("."):
        found = getattr(found, part, None)
    if found is not fn and getattr(found, "__wrapped__", None) is fn:
        return found
    return None


def import_object(module: str, qualname: str) -> object:
    """Find ``module.qualname`` again (how module-level Templates unpickle).

    Examples:
        >>> import_object("functools", "reduce").__name__
        'reduce'
    """
    found: object = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found
