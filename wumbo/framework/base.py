"""``BaseTemplate``: the seed's class-based template, a thin layer over the core ``Template``.

A subclass supplies ``_get_metadata`` and ``_execute_core``; ``execute`` runs the template
method ``_preprocess`` -> ``_execute_core`` -> ``_postprocess`` and packages the outcome into an
[`ExecutionResult`][wumbo.framework.execution.ExecutionResult] (it never raises for the template's own errors);
calling the template returns the data or re-raises the original exception.

A BaseTemplate goes wherever a core Template goes: ``|`` composes it with templates and plain
functions (it is one stage: its input is ``execute``'s argument, its output the data, its error
a Failure at its position), ``execute_async``/``acall``/``arun`` run it in async code, ``map``
runs it over many items, and wumbo's decorators take it like any callable. ``as_template()``
gives the core Template itself.

Examples:
    >>> from wumbo import template
    >>> from wumbo.framework import BaseTemplate, TemplateMetadata
    >>> class Shout(BaseTemplate[str]):
    ...     def _get_metadata(self) -> TemplateMetadata:
    ...         return TemplateMetadata("shout")
    ...     def _execute_core(self, text: str, *, context: object) -> str:
    ...         return text.upper() + "!"
    >>> shout = Shout()
    >>> shout("hi"), shout.execute("hi").success
    ('HI!', True)
    >>> (template(str.strip) | shout)("  hey ")
    <Success: HEY!>
"""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, AsyncIterator, Callable, Coroutine, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, Protocol, cast, overload

import anyio.to_thread
from returns.result import Result
from typing_extensions import TypeIs, TypeVar

from wumbo._log import get_logger
from wumbo.core.many import Progress
from wumbo.core.result import StageError, bounded_repr
from wumbo.core.stage import describe
from wumbo.core.template import Template
from wumbo.framework.errors import TemplateExecutionError
from wumbo.framework.execution import ExecutionContext, ExecutionResult
from wumbo.framework.execution_observers import ExecutionObserver
from wumbo.framework.metadata import ExecutionMode, TemplateMetadata

if TYPE_CHECKING:
    from wumbo.framework.composite import CompositeTemplate

__all__ = ["BaseTemplate"]

T = TypeVar("T", default=Any)

# Execution ids: unique across processes (a random prefix) and cheap (a counter; uuid4 per run
# costs more than a whole trivial execution).
_RUN_PREFIX = uuid.uuid4().hex[:12]
_run_numbers = itertools.count(1)
C = TypeVar("C")
X = TypeVar("X")
E2 = TypeVar("E2")
I = TypeVar("I")  # noqa: E741  # the input type, read from the subclass's _execute_core
I2 = TypeVar("I2")
I3 = TypeVar("I3")
_I_contra = TypeVar("_I_contra", contravariant=True)
_I2_contra = TypeVar("_I2_contra", contravariant=True)
_I3_contra = TypeVar("_I3_contra", contravariant=True)


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

    Subclasses set their own attributes *before* calling ``super().__init__(**config)``
    (metadata may depend on them) and override ``_validate_config`` to reject bad
    configuration with [`TemplateConfigError`][wumbo.framework.errors.TemplateConfigError]. Set the class attribute
    ``blocking = True`` when the sync core blocks, so async runs move it to a worker thread;
    override ``_execute_core_async`` for a native async core.

    Examples:
        >>> from wumbo.framework import TemplateMetadata
        >>> class Half(BaseTemplate[float]):
        ...     def _get_metadata(self) -> TemplateMetadata:
        ...         return TemplateMetadata("half")
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
    _composite_class: ClassVar[type[CompositeTemplate]]
    """What ``compose`` builds; set by [`wumbo.framework.composite`][wumbo.framework.composite], which subclasses this
    class (the framework package always loads it), so this module need not import it."""
    config: dict[str, Any]
    metadata: TemplateMetadata
    logger: logging.Logger

    def __init__(self, **config: Any) -> None:
        self.config = config
        self.metadata = self._get_metadata()
        self.logger = get_logger(f"wumbo.{self.metadata.name}")
        self.__name__ = self.metadata.name  # the stage name in a pipeline
        self._observers: list[ExecutionObserver] = []
        self._core: Template[Any, T] | None = None
        self._validate_config()

    # -- what subclasses provide ----------------------------------------------------------------

    @abstractmethod
    def _get_metadata(self) -> TemplateMetadata:
        """The template's metadata (name, type, tags...)."""

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
        return ExecutionContext(
            template_name=self.metadata.name,
            execution_id=f"{_RUN_PREFIX}-{next(_run_numbers)}",
            metadata={"mode": mode},
            config=self.config.copy(),
            logger=self.logger,
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
        run = _Run(self, context, ExecutionMode.SYNC, args, kwargs)
        try:
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
        run = _Run(self, context, ExecutionMode.ASYNC, args, kwargs)
        try:
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
        return _base(self)._data(*args, **kwargs)

    def _data(self, *args: Any, context: ExecutionContext | None = None, **kwargs: Any) -> T:
        """``execute``'s data, or its original exception raised: what ``tpl(x)`` and a pipe
        stage call.

        When nothing would see the run's records (``execute`` not overridden, no observer, no
        DEBUG logging, no ``context`` passed in), it skips them: the template's steps run with a
        fresh context and no ``ExecutionResult`` is built. A failure is still logged.

        Examples:
            >>> from wumbo.framework import create_aggregator
            >>> create_aggregator()._data(1, 2, 3)
            6
        """
        if (
            context is not None
            or self._observers
            or type(self).execute is not BaseTemplate.execute
            or self.logger.isEnabledFor(logging.DEBUG)
        ):
            result = self.execute(*args, context=context, **kwargs)
            if result.success:
                return cast("T", result.data)
            assert result.error is not None
            raise result.error
        run_context = self.create_context()
        try:
            arguments = self._checked(self._preprocess(*args, context=run_context, **kwargs))
            data = self._execute_core(*arguments, context=run_context, **kwargs)
            return self._postprocess(data, run_context)
        except Exception as error:
            self.logger.error("Execution failed: %s", error)
            raise

    def _checked(self, arguments: object) -> tuple[Any, ...]:
        if not isinstance(arguments, tuple):
            raise TemplateExecutionError(
                f"{type(self).__name__}._preprocess must return a tuple of positional "
                f"arguments, got {describe(arguments)}"
            )
        return arguments  # pyright: ignore[reportUnknownVariableType]

    # -- observers -------------------------------------------------------------------------------

    def add_observer(self, observer: ExecutionObserver) -> None:
        """Call ``observer`` on every start, completion and error of this template.

        Examples:
            >>> from wumbo.framework import MetricsObserver, create_aggregator
            >>> total, metrics = create_aggregator(), MetricsObserver()
            >>> total.add_observer(metrics)
            >>> total(1, 2)
            3
            >>> metrics.collector.snapshot()["aggregator"].calls
            1
        """
        self._observers.append(observer)

    def remove_observer(self, observer: ExecutionObserver) -> None:
        """Stop calling ``observer``; ``ValueError`` if it was not attached.

        Examples:
            >>> from wumbo.framework import MetricsObserver, create_aggregator
            >>> create_aggregator().remove_observer(MetricsObserver())
            Traceback (most recent call last):
            ...
            ValueError: remove_observer: this MetricsObserver is not an observer of aggregator
        """
        try:
            self._observers.remove(observer)
        except ValueError:
            raise ValueError(
                f"remove_observer: this {type(observer).__name__} is not an observer of "
                f"{self.metadata.name}"
            ) from None

    def _notify(self, event: str, *arguments: Any) -> None:
        for observer in tuple(self._observers):
            try:
                getattr(observer, event)(*arguments)
            except Exception:
                self.logger.exception("observer %r failed in %s", observer, event)

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
            from wumbo.framework.as_core import core_template_of

            own_async = type(this)._execute_core_async
            is_async = own_async is not BaseTemplate._execute_core_async
            this._core = core_template_of(this, is_async=is_async)
        return this._core

    __wumbo_template__ = as_template  # how the core's ``|`` finds the Template form

    def run(self: _Core[I], value: I) -> T:
        """The core's plain call: the data or the original exception (with a PEP 678 note).

        Examples:
            >>> from wumbo.framework import create_transformer
            >>> create_transformer(map_func=abs).run(-3)
            [3]
        """
        return _base(self).as_template().run(value)  # type: ignore[no-any-return]

    async def acall(self: _Core[I], value: I) -> Result[T, StageError]:
        """The core's async Result call.

        Examples:
            >>> import anyio
            >>> from wumbo.framework import create_aggregator
            >>> anyio.run(create_aggregator().acall, 4)
            <Success: 4>
        """
        return await _base(self).as_template().acall(value)

    async def arun(self: _Core[I], value: I) -> T:
        """The core's async plain call.

        Examples:
            >>> import anyio
            >>> from wumbo.framework import create_aggregator
            >>> anyio.run(create_aggregator().arun, 4)
            4
        """
        return await _base(self).as_template().arun(value)  # type: ignore[no-any-return]

    def map(
        self: _Core[I],
        items: Iterable[I],
        *,
        concurrency: int | Literal["auto"] = 8,
        ordered: bool = True,
        timeout: float | None = None,
        progress: Callable[[Progress], object] | None = None,
        executor: object = None,
    ) -> Iterator[Result[T, StageError]]:
        """Run the template over many items, one Result per item (see ``Template.map``).

        Each item is one call, ``execute(item)``.
        """
        return (
            _base(self)
            .as_template()
            .map(
                items,
                concurrency=concurrency,
                ordered=ordered,
                timeout=timeout,
                progress=progress,
                executor=executor,
            )
        )

    def amap(
        self: _Core[I],
        items: Iterable[I] | AsyncIterable[I],
        *,
        concurrency: int | Literal["auto"] = 8,
        ordered: bool = True,
        timeout: float | None = None,
        progress: Callable[[Progress], object] | None = None,
        executor: object = None,
    ) -> AsyncIterator[Result[T, StageError]]:
        """The async twin of [`map`][wumbo.framework.base.BaseTemplate.map] (see ``Template.amap``)."""
        return (
            _base(self)
            .as_template()
            .amap(
                items,
                concurrency=concurrency,
                ordered=ordered,
                timeout=timeout,
                progress=progress,
                executor=executor,
            )
        )

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
    def __or__(self, other: Any, /) -> Template[Any, Any, Any]:
        """``template | next_stage``: a core pipeline whose first stage is this template.

        Examples:
            >>> from wumbo.framework import create_transformer
            >>> (create_transformer(map_func=abs) | sum).run(-3)
            3
        """
        right: object = other.as_template() if _is_base_template(other) else other
        joined: Template[Any, Any, Any] = _base(self).as_template().then(cast(Any, right))
        return joined

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
    def __ror__(self, other: Any, /) -> Template[Any, Any, Any]:
        """``plain_function | template``: a core pipeline ending with this template.

        Examples:
            >>> from wumbo.framework import create_classic_wumbo
            >>> (str.strip | create_classic_wumbo(operation=str.upper, as_single=True)).run(" a ")
            'A'
        """
        return _base(self).as_template().__ror__(other)

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
        return state


def _is_base_template(value: object) -> TypeIs[BaseTemplate[Any]]:
    return isinstance(value, BaseTemplate)


class _Run:
    """One execution in progress: context, timing, logging, observers and packaging."""

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
        self.context = context if context is not None else template.create_context(mode)
        self.context.metadata.setdefault("mode", mode)
        self.started = time.perf_counter()
        if template.logger.isEnabledFor(logging.DEBUG):
            template.logger.debug(
                "Starting execution %s of %s: args=%s kwargs=%s",
                self.context.execution_id,
                template.metadata.name,
                bounded_repr(args),
                bounded_repr(kwargs),
            )
        if template._observers:  # pyright: ignore[reportPrivateUsage]
            template._notify("on_execution_start", self.context)  # pyright: ignore[reportPrivateUsage]

    def _elapsed(self) -> float:
        elapsed = time.perf_counter() - self.started
        self.context.metadata["execution_time"] = elapsed
        return elapsed

    def succeeded(self, data: Any) -> ExecutionResult[Any]:
        elapsed = self._elapsed()
        result = ExecutionResult(
            data=data,
            metadata={"execution_time": elapsed},
            execution_time=elapsed,
            context=self.context,
        )
        if self.template._observers:  # pyright: ignore[reportPrivateUsage]
            self.template._notify("on_execution_complete", result)  # pyright: ignore[reportPrivateUsage]
        return result

    def failed(self, error: Exception) -> ExecutionResult[Any]:
        elapsed = self._elapsed()
        self.template.logger.error("Execution failed: %s", error)
        self.template._notify("on_execution_error", error, self.context)  # pyright: ignore[reportPrivateUsage]
        return ExecutionResult(
            data=None,
            success=False,
            error=error,
            metadata={"execution_time": elapsed, "error_type": type(error).__name__},
            execution_time=elapsed,
            context=self.context,
        )
