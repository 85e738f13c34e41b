"""``BaseTemplate``: the seed's class-based template, a thin layer over the core ``Template``.

A subclass declares its metadata (the class attribute ``template_metadata``, or an override of
``_get_metadata``) and supplies ``_execute_core``; ``execute`` runs the template method
``_preprocess`` -> ``_execute_core`` -> ``_postprocess`` and packages the outcome into an
[`ExecutionResult`][wumbo.framework.execution.ExecutionResult] (it never raises for the
template's own errors); calling the template returns the data or re-raises the original
exception.

Everything else a core Template does, a BaseTemplate does by delegation: ``run``, ``acall``,
``arun``, ``map``, ``amap``, ``then``, ``checked``, ``to_mermaid`` and ``|`` (on either side)
are the methods of its core form ``__wumbo_template__()`` (also ``as_template()``), a one-stage
Template built once per instance: its input is ``execute``'s argument, its output the data, its
error a Failure at its position. wumbo's decorators take a BaseTemplate like any callable.

Examples:
    >>> from wumbo import template
    >>> from wumbo.framework import BaseTemplate, TemplateMetadata
    >>> class Shout(BaseTemplate[str]):
    ...     template_metadata = TemplateMetadata("shout")
    ...     def _execute_core(self, text: str, *, context: object) -> str:
    ...         return text.upper() + "!"
    >>> shout = Shout()
    >>> shout("hi"), shout.execute("hi").success
    ('HI!', True)
    >>> (template(str.strip) | shout)("  hey ")
    <Success: HEY!>
    >>> shout.run("a") == shout.as_template().run("a"), shout.to_mermaid().splitlines()[0]
    (True, 'flowchart LR')
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, cast, overload

import anyio.to_thread
from typing_extensions import TypeVar

from wumbo._log import get_logger
from wumbo.core.result import bounded_repr
from wumbo.core.stage import describe
from wumbo.core.template import Template
from wumbo.decorators.observers import Event, EventKind, Hook, Hooks, global_hooks
from wumbo.framework._context_use import reads_context
from wumbo.framework.as_core import core_template_of
from wumbo.framework.errors import TemplateExecutionError
from wumbo.framework.execution import (
    DeferredContext,
    ExecutionContext,
    ExecutionResult,
    new_execution_id,
)
from wumbo.framework.execution_observers import (
    ExecutionCallbacks,
    ExecutionObserver,
    as_execution_hook,
)
from wumbo.framework.metadata import ExecutionMode, TemplateMetadata

if TYPE_CHECKING:
    from collections.abc import AsyncIterable

    from returns.result import Result

    from wumbo.core.many import ResultStream
    from wumbo.core.result import StageError
    from wumbo.framework.composite import CompositeTemplate

__all__ = ["BaseTemplate"]

T = TypeVar("T", default=Any)
C = TypeVar("C")
X = TypeVar("X")
E2 = TypeVar("E2")
I = TypeVar("I")  # noqa: E741  # the input type, read from the subclass's _execute_core
I2 = TypeVar("I2")
I3 = TypeVar("I3")
_I_contra = TypeVar("_I_contra", contravariant=True)
_I2_contra = TypeVar("_I2_contra", contravariant=True)
_I3_contra = TypeVar("_I3_contra", contravariant=True)

_everyone = global_hooks()
_SYNC, _ASYNC = ExecutionMode.SYNC, ExecutionMode.ASYNC  # an enum member read costs a call


class _Core(Protocol[_I_contra]):
    """A template whose ``_execute_core`` takes one positional argument of type ``_I_contra``.

    The methods that take the template's input declare ``self: _Core[I]``, so the checkers read
    ``I`` from the subclass's own ``_execute_core`` annotation (``def _execute_core(self, text:
    str, *, context: ExecutionContext) -> int`` gives ``I = str``) with no change to the
    subclass; a core of ``*args: Any`` gives ``I = Any``.
    """

    def _execute_core(self, value: _I_contra, /, *, context: ExecutionContext) -> Any: ...


class _Core2(Protocol[_I_contra, _I2_contra]):
    """A core taking two positional arguments (called as ``tpl(a, b)``)."""

    def _execute_core(
        self, first: _I_contra, second: _I2_contra, /, *, context: ExecutionContext
    ) -> Any: ...


class _Core3(Protocol[_I_contra, _I2_contra, _I3_contra]):
    """A core taking three positional arguments (called as ``tpl(a, b, c)``)."""

    def _execute_core(
        self,
        first: _I_contra,
        second: _I2_contra,
        third: _I3_contra,
        /,
        *,
        context: ExecutionContext,
    ) -> Any: ...


class _CoreVariadic(Protocol[_I_contra]):
    """A core taking any number of positional arguments (``*args: X``)."""

    def _execute_core(self, *args: _I_contra, context: ExecutionContext) -> Any: ...


def _base(template: object) -> BaseTemplate[Any]:
    """``self`` of a method typed through ``_Core``, as the BaseTemplate it is."""
    return cast("BaseTemplate[Any]", template)


class BaseTemplate(ABC, Generic[T]):
    """Abstract base of class-based templates; ``T`` is the type of the data it produces.

    Subclasses declare ``template_metadata`` (or override ``_get_metadata`` when the metadata
    depends on the instance), set their own attributes *before* calling
    ``super().__init__(**config)`` and override ``_validate_config`` to reject bad
    configuration with [`TemplateConfigError`][wumbo.framework.errors.TemplateConfigError]. Set
    the class attribute ``blocking = True`` when the sync core blocks, so async runs move it to a
    worker thread; override ``_execute_core_async`` for a native async core.

    Examples:
        >>> from wumbo.framework import TemplateMetadata
        >>> class Half(BaseTemplate[float]):
        ...     template_metadata = TemplateMetadata("half")
        ...     def _execute_core(self, n: float, *, context: object) -> float:
        ...         return n / 2
        >>> result = Half().execute(0)
        >>> result.data, result.success, type(Half().execute("x").error).__name__
        (0.0, True, 'TypeError')
        >>> Half()("x")
        Traceback (most recent call last):
        ...
        TypeError: unsupported operand type(s) for /: 'str' and 'int'
    """

    blocking: ClassVar[bool] = False
    template_metadata: ClassVar[TemplateMetadata | None] = None
    """The metadata, declared once for the class; each instance gets its own copy."""
    _composite_class: ClassVar[type[CompositeTemplate]]
    """What ``compose`` builds; set by [`wumbo.framework.composite`][wumbo.framework.composite], which subclasses this
    class (the framework package always loads it), so this module need not import it."""
    _always_recorded: ClassVar[bool] = False
    """The class overrides ``execute``: every data call goes through it."""
    _bare_core: ClassVar[bool] = True
    """``_preprocess`` and ``_postprocess`` are the identity: the data call skips them."""
    _context_unread: ClassVar[bool] = False
    """``_execute_core`` never reads its ``context`` (see ``wumbo.framework._context_use``):
    unrecorded pipe stage runs share one."""
    config: dict[str, Any]
    metadata: TemplateMetadata
    logger: logging.Logger

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._always_recorded = cls.execute is not BaseTemplate.execute
        cls._bare_core = (
            cls._preprocess is BaseTemplate._preprocess
            and cls._postprocess is BaseTemplate._postprocess
        )
        cls._context_unread = not reads_context(cls._execute_core)

    def __init__(self, **config: Any) -> None:
        self.config = config
        self.metadata = self._get_metadata()
        self.logger = get_logger(f"wumbo.{self.metadata.name}")
        self.__name__ = self.metadata.name  # the stage name in a pipeline
        self._hooks = Hooks(self.metadata.name)
        self._core: Template[Any, T] | None = None
        # the class's flags the pipe stage reads, copied onto the instance (faster to read)
        self._quiet_stage = self._bare_core and not self._always_recorded
        self._shared_context: ExecutionContext | None = None  # see _stage_context
        self._validate_config()

    # -- what subclasses provide ----------------------------------------------------------------

    def _get_metadata(self) -> TemplateMetadata:
        """The template's metadata: a copy of the class's ``template_metadata``.

        Examples:
            >>> class Nameless(BaseTemplate[int]):
            ...     def _execute_core(self, n: int, *, context: object) -> int:
            ...         return n
            >>> Nameless()
            Traceback (most recent call last):
            ...
            TypeError: Nameless must set the class attribute template_metadata or override _get_metadata
        """
        declared = type(self).template_metadata
        if declared is None:
            raise TypeError(
                f"{type(self).__name__} must set the class attribute template_metadata or "
                "override _get_metadata"
            )
        return dataclasses.replace(
            declared, tags=list(declared.tags), dependencies=list(declared.dependencies)
        )

    # The hooks are declared with ``*args: Any, **kwargs: Any`` so that subclasses may name
    # their own parameters; each is called with the keyword ``context=`` (an ExecutionContext).

    @abstractmethod
    def _execute_core(self, *args: Any, **kwargs: Any) -> T:
        """The template's work, on the preprocessed arguments (and ``context=``)."""

    async def _execute_core_async(self, *args: Any, **kwargs: Any) -> T:
        """The async core: the sync core inline, or in a worker thread when ``blocking``."""
        if not self.blocking:
            return self._execute_core(*args, **kwargs)
        return await anyio.to_thread.run_sync(lambda: self._execute_core(*args, **kwargs))

    def _validate_config(self) -> None:
        """Check the configuration; raise ``TemplateConfigError`` when it is wrong."""

    def _preprocess(self, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        """Transform the positional arguments before the core runs (identity by default)."""
        return args

    def _postprocess(self, result: T, context: ExecutionContext) -> T:
        """Transform the core's result (identity by default)."""
        return result

    # -- running ---------------------------------------------------------------------------------

    def create_context(self, mode: ExecutionMode = ExecutionMode.SYNC) -> ExecutionContext:
        """A fresh context for one run: a new unique id and a copy of the template's config.

        Examples:
            >>> from wumbo.framework import create_transformer
            >>> create_transformer().create_context().template_name
            'transformer'
        """
        # positional (name, id, metadata, config, logger): a class called with keywords builds
        # a dict of them first, which costs as much as the rest of the call
        return ExecutionContext(
            self.metadata.name, new_execution_id(), {"mode": mode}, self.config.copy(), self.logger
        )

    def execute(
        self, *args: Any, context: ExecutionContext | None = None, **kwargs: Any
    ) -> ExecutionResult[T]:
        """Run the template: an ``ExecutionResult`` with the data, or with the original error.

        Keyword arguments other than ``context`` reach ``_preprocess`` and ``_execute_core``.

        Examples:
            >>> from wumbo.framework import create_transformer
            >>> result = create_transformer(map_func=lambda n: 10 // n).execute(5, 0)
            >>> result.success, type(result.error).__name__, result.metadata["error_type"]
            (False, 'ZeroDivisionError', 'ZeroDivisionError')
        """
        run = _Run(self, context, _SYNC, args, kwargs)
        try:
            if self._bare_core:
                return run.succeeded(self._execute_core(*args, context=run.context, **kwargs))
            arguments = self._checked(self._preprocess(*args, context=run.context, **kwargs))
            data = self._execute_core(*arguments, context=run.context, **kwargs)
            return run.succeeded(self._postprocess(data, run.context))
        except Exception as error:
            return run.failed(error)

    async def execute_async(
        self, *args: Any, context: ExecutionContext | None = None, **kwargs: Any
    ) -> ExecutionResult[T]:
        """``execute`` for async code (asyncio or trio): the core runs through
        ``_execute_core_async``.

        Examples:
            >>> import anyio
            >>> from wumbo.framework import create_transformer
            >>> async def main() -> object:
            ...     return (await create_transformer(map_func=abs).execute_async(-1, 2)).data
            >>> anyio.run(main)
            [1, 2]
        """
        run = _Run(self, context, _ASYNC, args, kwargs)
        try:
            if self._bare_core:
                core = self._execute_core_async(*args, context=run.context, **kwargs)
                return run.succeeded(await core)
            arguments = self._checked(self._preprocess(*args, context=run.context, **kwargs))
            data = await self._execute_core_async(*arguments, context=run.context, **kwargs)
            return run.succeeded(self._postprocess(data, run.context))
        except Exception as error:
            return run.failed(error)

    @overload
    def __call__(self: _Core[I], value: I, /, **kwargs: Any) -> T: ...
    @overload
    def __call__(self: _Core2[I, I2], first: I, second: I2, /, **kwargs: Any) -> T: ...
    @overload
    def __call__(
        self: _Core3[I, I2, I3], first: I, second: I2, third: I3, /, **kwargs: Any
    ) -> T: ...
    @overload
    def __call__(self: _CoreVariadic[I], *args: I, **kwargs: Any) -> T: ...
    # mypy cannot relate the overloads' protocol-typed self to this one: checked by the tests
    def __call__(self: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
        """Run the template and return its data, or re-raise the original exception.

        The checkers take the argument types from the subclass's ``_execute_core`` (one to
        three positional parameters, or ``*args``); call ``execute`` for other shapes, and
        for a ``_preprocess`` that converts the arguments before the core sees them.

        Examples:
            >>> from wumbo.framework import create_aggregator
            >>> create_aggregator()(1, 2, 3)
            6
        """
        this = _base(self)
        if len(args) == 1 and not kwargs:
            return this._stage(args[0])
        return this._data(*args, **kwargs)

    def _data(self, *args: Any, context: ExecutionContext | None = None, **kwargs: Any) -> T:
        """``execute``'s data, or its original exception raised: what ``tpl(x)`` and a pipe
        stage call.

        When nothing would see the run's records (no ``context`` passed in, no ``execute``
        override, not ``_watched``), it skips them: no timing, no ``ExecutionResult``, and the
        core's context makes its id, metadata and config copy only if the core reads them. A
        failure is still logged.

        Examples:
            >>> from wumbo.framework import create_aggregator
            >>> create_aggregator()._data(1, 2, 3)
            6
        """
        if context is not None or self._always_recorded or self._watched():
            result = self.execute(*args, context=context, **kwargs)
            if result.success:
                return cast("T", result.data)
            assert result.error is not None
            raise result.error
        run_context = DeferredContext(self)
        try:
            if self._bare_core:
                return self._execute_core(*args, context=run_context, **kwargs)
            arguments = self._checked(self._preprocess(*args, context=run_context, **kwargs))
            data = self._execute_core(*arguments, context=run_context, **kwargs)
            return self._postprocess(data, run_context)
        except Exception as error:
            self.logger.error("Execution failed: %s", error)
            raise

    def _stage(self, value: Any) -> Any:  # Any: the core checks no hint of its own here
        """What the template's core form calls: ``_data(value)``, without the star-call
        (several times slower) when the core is bare and nobody watches.

        This is a pipe stage's hot path, so it reads instance attributes only and calls no
        helper but ``_stage_context`` when it has no shared context: the test is ``_watched``'s,
        inline (the call would cost as much as the whole check).

        Examples:
            >>> from wumbo.framework import create_aggregator
            >>> create_aggregator()._stage(5)
            5
        """
        if (
            not self._quiet_stage
            or self._hooks.observers
            or _everyone.observers
            or self.logger.isEnabledFor(logging.DEBUG)
        ):
            return self._data(value)
        context = self._shared_context
        if context is None:
            context = self._stage_context()
        try:
            return self._execute_core(value, context=context)
        except Exception as error:
            self.logger.error("Execution failed: %s", error)
            raise

    def _stage_context(self) -> ExecutionContext:
        """The context of an unrecorded pipe stage run: when the core never reads it, one
        context made on the first run and kept for the next ones (``_shared_context``); else a
        new [`DeferredContext`][wumbo.framework.execution.DeferredContext] per run.

        Examples:
            >>> from wumbo.framework import create_transformer
            >>> transformer = create_transformer()  # its core never reads the context
            >>> transformer._shared_context, transformer(1), transformer._shared_context.config
            (None, [1], {})
        """
        if not self._context_unread:
            return DeferredContext(self)
        self._shared_context = shared = self.create_context()
        return shared

    def _watched(self) -> bool:
        """Would anyone see this run's records: an observer of this template or a global one,
        DEBUG logging?"""
        return bool(
            self._hooks.observers or _everyone.observers or self.logger.isEnabledFor(logging.DEBUG)
        )

    def _checked(self, arguments: object) -> tuple[Any, ...]:
        if not isinstance(arguments, tuple):
            raise TemplateExecutionError(
                f"{type(self).__name__}._preprocess must return a tuple of positional "
                f"arguments, got {describe(arguments)}"
            )
        return arguments  # pyright: ignore[reportUnknownVariableType]

    # -- observers: adapters onto wumbo's one hook registry ---------------------------------------

    def add_observer(self, observer: ExecutionObserver | ExecutionCallbacks | Hook) -> None:
        """Tell ``observer`` of every start, completion and error of this template.

        ``observer`` is an [`ExecutionObserver`][wumbo.framework.execution_observers.ExecutionObserver]
        (or any object with its ``on_execution_*`` callbacks), or a hook of wumbo's one observer
        contract (a callable taking an [`Event`][wumbo.decorators.observers.Event], see
        [`wumbo.decorators.observers`][wumbo.decorators.observers]). Observers registered there
        globally hear every template's runs too.

        Examples:
            >>> from wumbo.framework import MetricsObserver, create_aggregator
            >>> total, metrics = create_aggregator(), MetricsObserver()
            >>> total.add_observer(metrics)
            >>> total(1, 2)
            3
            >>> metrics.collector.snapshot()["aggregator"].calls
            1
        """
        self._hooks.add(as_execution_hook(observer))

    def remove_observer(self, observer: ExecutionObserver | ExecutionCallbacks | Hook) -> None:
        """Stop telling ``observer``; ``ValueError`` if it was not attached.

        Examples:
            >>> from wumbo.framework import MetricsObserver, create_aggregator
            >>> create_aggregator().remove_observer(MetricsObserver())
            Traceback (most recent call last):
            ...
            ValueError: remove_observer: MetricsObserver <...> is not an observer of aggregator
        """
        try:
            self._hooks.remove(as_execution_hook(observer))
        except ValueError as error:
            raise ValueError(f"remove_observer: {error}") from None

    # -- the core Template protocol ----------------------------------------------------------------

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.metadata.name!r}>"

    def as_template(self: _Core[I]) -> Template[I, T]:
        """This template as a one-stage core ``Template`` (built once, then reused).

        Its call returns ``Success(data)`` or a ``Failure`` holding a ``StageError`` around
        the original exception. It is async exactly when the class overrides
        ``_execute_core_async``.

        Examples:
            >>> from wumbo.framework import create_transformer
            >>> core = create_transformer(map_func=str.upper).as_template()
            >>> core("ab"), core.run("c")
            (<Success: ['AB']>, ['C'])
        """
        this = _base(self)
        if this._core is None:
            own_async = type(this)._execute_core_async
            is_async = own_async is not BaseTemplate._execute_core_async
            this._core = core_template_of(this, is_async=is_async)
        return this._core

    __wumbo_template__ = as_template  # how the core's ``|`` finds the Template form

    if TYPE_CHECKING:
        # What the checkers see of the delegated surface (at run time each name is the core
        # Template's method, see _delegated below). The types come from _execute_core.

        def run(self: _Core[I], value: I) -> T: ...
        async def acall(self: _Core[I], value: I) -> Result[T, StageError]: ...
        async def arun(self: _Core[I], value: I) -> T: ...
        def map(
            self: _Core[I], items: Iterable[I], /, **options: Any
        ) -> Iterator[Result[T, StageError]]: ...
        def amap(
            self: _Core[I], items: Iterable[I] | AsyncIterable[I], /, **options: Any
        ) -> ResultStream[Result[T, StageError]]: ...
        def checked(self: _Core[I], enabled: bool = True) -> Template[I, T]: ...
        def to_mermaid(self) -> str: ...
        @overload
        def __or__(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
            self: _Core[I], other: Template[T, C, E2], /
        ) -> Template[I, C, E2]: ...
        @overload
        def __or__(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
            self: _Core[I], other: Callable[[T], Coroutine[Any, Any, Result[C, E2]]], /
        ) -> Template[I, C, E2]: ...
        @overload
        def __or__(
            self: _Core[I], other: Callable[[T], Coroutine[Any, Any, C]], /
        ) -> Template[I, C]: ...
        @overload
        def __or__(  # type: ignore[overload-overlap]
            self: _Core[I], other: Callable[[T], Result[C, E2]], /
        ) -> Template[I, C, E2]: ...
        @overload
        def __or__(self: _Core[I], other: Callable[[T], C], /) -> Template[I, C]: ...
        def __or__(self, other: Any, /) -> Template[Any, Any, Any]: ...

        then = __or__

        @overload
        def __ror__(  # type: ignore[overload-overlap]
            self: _Core[I], other: Callable[[X], Coroutine[Any, Any, Result[I, E2]]], /
        ) -> Template[X, T, E2]: ...
        @overload
        def __ror__(
            self: _Core[I], other: Callable[[X], Coroutine[Any, Any, I]], /
        ) -> Template[X, T]: ...
        @overload
        def __ror__(  # type: ignore[overload-overlap]
            self: _Core[I], other: Callable[[X], Result[I, E2]], /
        ) -> Template[X, T, E2]: ...
        @overload
        def __ror__(self: _Core[I], other: Callable[[X], I], /) -> Template[X, T]: ...
        def __ror__(self, other: Any, /) -> Template[Any, Any, Any]: ...

    def compose(self, other: BaseTemplate[Any]) -> CompositeTemplate:
        """The seed's composition: a [`CompositeTemplate`][wumbo.framework.composite.CompositeTemplate] of both.

        Examples:
            >>> from wumbo.framework import create_aggregator, create_transformer
            >>> create_transformer(map_func=abs).compose(create_aggregator())(-1, -2)
            3
        """
        return BaseTemplate._composite_class([self, other])

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_core"] = None  # rebuilt on demand after unpickling
        state["_shared_context"] = None  # likewise (it names this instance's config)
        return state


_DELEGATED: tuple[str, ...] = (
    "run",
    "acall",
    "arun",
    "map",
    "amap",
    "then",
    "checked",
    "to_mermaid",
    "__or__",
    "__ror__",
)
"""The core Template's methods a BaseTemplate answers by delegating to its core form."""


def _delegated(name: str) -> Callable[..., Any]:
    """``BaseTemplate.<name>``: the same method of the template's core form."""
    core_method = getattr(Template, name)

    @functools.wraps(core_method)
    def delegated(self: BaseTemplate[Any], /, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.__wumbo_template__(), name)(*args, **kwargs)

    delegated.__qualname__ = f"BaseTemplate.{name}"
    delegated.__module__ = __name__
    delegated.__doc__ = f"The core form's ``{name}`` (see ``Template.{name}``)."
    return delegated


for _name in _DELEGATED:
    setattr(BaseTemplate, _name, _delegated(_name))


class _Run:
    """One recorded execution: context, timing, logging, observers and packaging."""

    __slots__ = ("context", "started", "template")

    def __init__(
        self,
        template: BaseTemplate[Any],
        context: ExecutionContext | None,
        mode: ExecutionMode,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        self.template = template
        if context is None:
            context = template.create_context(mode)
        else:
            context.metadata.setdefault("mode", mode)
        self.context = context
        self.started = time.perf_counter()
        if template.logger.isEnabledFor(logging.DEBUG):
            template.logger.debug(
                "Starting execution %s of %s: args=%s kwargs=%s",
                self.context.execution_id,
                template.metadata.name,
                bounded_repr(args),
                bounded_repr(kwargs),
            )
        self._tell("start", args, 0.0, self.context)

    def _tell(self, kind: EventKind, value: object, duration: float, detail: object) -> None:
        hooks: Hooks = self.template._hooks  # pyright: ignore[reportPrivateUsage]
        if hooks.observers or _everyone.observers:  # what bool(hooks) says, without a call
            name = self.template.metadata.name
            hooks.notify(Event(kind, "template", name, value, duration, detail))

    def _elapsed(self) -> float:
        elapsed = time.perf_counter() - self.started
        self.context.metadata["execution_time"] = elapsed
        return elapsed

    def succeeded(self, data: Any) -> ExecutionResult[Any]:
        elapsed = self._elapsed()
        # positional, as in create_context: data, success, error, metadata, time, context
        result = ExecutionResult(
            data, True, None, {"execution_time": elapsed}, elapsed, self.context
        )
        self._tell("complete", data, elapsed, result)
        return result

    def failed(self, error: Exception) -> ExecutionResult[Any]:
        elapsed = self._elapsed()
        self.template.logger.error("Execution failed: %s", error)
        self._tell("error", error, elapsed, self.context)
        return ExecutionResult(
            data=None,
            success=False,
            error=error,
            metadata={"execution_time": elapsed, "error_type": type(error).__name__},
            execution_time=elapsed,
            context=self.context,
        )
