"""``Template[A, B, E]``: an immutable, typed, unary pipeline, composed with ``|``.

A template holds a flat tuple of stages. Calling it runs them in order on the Result railway
and returns ``Success(value)`` or ``Failure(error)``; ``E`` is the union of the error types its
stages declare (``-> Result[X, E]``), and an unexpected exception arrives as a
[`StageError`][wumbo.core.result.StageError]. ``.run(x)`` is the drop-in plain call: the value, or the original
exception raised.

Examples:
    >>> from wumbo import template
    >>> @template
    ... def parse(text: str) -> int:
    ...     return int(text)
    >>> def double(n: int) -> int:
    ...     return n * 2
    >>> pipeline = parse | double
    >>> pipeline("21"), pipeline.run("21")
    (<Success: 42>, 42)
    >>> pipeline
    <Template parse | double>
"""

from __future__ import annotations

import inspect
import operator
import os
from collections.abc import (
    AsyncIterable,
    Awaitable,
    Callable,
    Coroutine,
    Generator,
    Iterable,
)
from typing import TYPE_CHECKING, Any, Generic, Literal, Never, Protocol, Self, overload

from returns.result import Result
from typing_extensions import TypeVar

from wumbo.core.bridge import run_sync
from wumbo.core.checking import check_fit, may_fit
from wumbo.core.compile import compile_stages, maker
from wumbo.core.interpret import call_stages, interpret_stages
from wumbo.core.many import MapOptions, Progress, ResultStream, runner
from wumbo.core.result import StageError
from wumbo.core.stage import (
    MISSING,
    Stage,
    StageInfo,
    describe,
    import_object,
    module_level_wrapper,
    stage_info,
    stage_of,
)

if TYPE_CHECKING:
    from wumbo.core.combinators import Batch, Tap

__all__ = ["Template", "TemplateFactory", "template"]

A = TypeVar("A", contravariant=True)
B = TypeVar("B", covariant=True)
E = TypeVar("E", covariant=True, default=Never)
C = TypeVar("C")
X = TypeVar("X")
E2 = TypeVar("E2")
T = TypeVar("T", bound="Template[Any, Any, Any]")

_NAME_PARTS = 6


def _joined_name(names: list[str]) -> str:
    """A pipeline's name from its stages' names: joined with `` | ``, shortened when long.

    Examples:
        >>> _joined_name([]), _joined_name(["parse", "price"])
        ('identity', 'parse | price')
        >>> _joined_name([f"s{i}" for i in range(9)])
        's0 | s1 | s2 | s3 | ... 4 more ... | s8'
    """
    if not names:
        return "identity"
    if len(names) <= _NAME_PARTS:
        return " | ".join(names)
    hidden = len(names) - _NAME_PARTS + 1
    return " | ".join([*names[: _NAME_PARTS - 2], f"... {hidden} more ...", names[-1]])


_makes: dict[tuple[tuple[StageInfo, ...], str | None, str], Callable[..., Any]] = {}
"""The generated ``_make`` of each pipeline bound before, by its stages' infos, its name and
the call path: building the same pipeline again (in a function, per call) binds at once, without
reading its stages. Infos are kept per callable and compared by identity; they hold no user
function (bounded: cleared when full)."""

_MAKES_KEPT = 1024


# The slots behind a StageInfo's and a Stage's read-only properties, read in one C call each.
_is_async_of = operator.attrgetter("_is_async")
_name_of = operator.attrgetter("_name")
_fn_of = operator.attrgetter("_fn")
_info_of = operator.attrgetter("_info")

_Parts = tuple[tuple[Callable[[Any], Any], ...], tuple[StageInfo, ...]]
"""A template's stages as it keeps them: the callables, and beside them their infos."""


_NO_CODEGEN = bool(os.environ.get("WUMBO_NO_CODEGEN"))
"""``WUMBO_NO_CODEGEN`` was set when wumbo was imported: every pipeline then runs on the
reference interpreter (read once: looking it up per pipeline would cost more than building one)."""


def stages_of(operand: object, site: Callable[[], str]) -> tuple[Stage, ...]:
    """The stages an operand of ``|`` contributes; a clear ``TypeError`` for anything else.

    An object that is not a Template but knows its Template form (a ``__wumbo_template__()``
    method, as the framework's ``BaseTemplate`` has) contributes that form's stages, so it
    composes with its async path and its own failure handling intact. ``site`` names where the
    operand was met; it is called only to word an error.
    """
    try:
        fns, infos = _parts_of(operand)
    except _NotAStage as error:
        raise TypeError(f"{site()}: {error}") from None
    return tuple(map(stage_of, fns, infos))


class _NotAStage(TypeError):
    """What `_parts_of` raises for an operand that is no stage; callers add where it was met."""


def _parts_of(operand: object) -> _Parts:
    """The callables and infos an operand of ``|`` contributes (see `stages_of`)."""
    if isinstance(operand, Template):
        return operand._fns, operand._infos  # pyright: ignore[reportPrivateUsage]
    as_template = getattr(operand, "__wumbo_template__", None)
    if as_template is not None:
        converted: object = as_template()
        if isinstance(converted, Template):
            return converted._fns, converted._infos  # pyright: ignore[reportPrivateUsage]
    try:
        # stage_info checks that it is callable
        function: Callable[[Any], Any] = operand  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
        return (function,), (stage_info(function),)
    except TypeError as error:
        if not callable(operand):
            raise _NotAStage(
                f"expected a Template or a callable taking one argument, got {describe(operand)}"
            ) from None
        raise _NotAStage(str(error)) from None


def _joined(
    left_fns: tuple[Callable[[Any], Any], ...],
    left_infos: tuple[StageInfo, ...],
    right_fns: tuple[Callable[[Any], Any], ...],
    right_infos: tuple[StageInfo, ...],
) -> Template[Any, Any, Any]:
    if left_infos and right_infos:
        last, first = left_infos[-1], right_infos[0]
        produced, wanted = last._out_hint, first._in_hint  # pyright: ignore[reportPrivateUsage]
        # the same hint, or a missing one, always fits: no call of the cached verdict
        if produced is not wanted and produced is not MISSING and wanted is not MISSING:
            try:
                fits = may_fit(produced, wanted)  # the verdict is cached per pair
            except TypeError:  # an unhashable hint: check_fit judges it without the cache
                fits = False
            if not fits:
                check_fit(last, first)
    # `_template` written out: the call costs as much as the writes (each | builds a Template)
    made: Template[Any, Any, Any] = _new_object(Template)  # pyright: ignore[reportUnknownVariableType]
    attributes = made.__dict__
    attributes["_fns"] = left_fns + right_fns
    attributes["_infos"] = left_infos + right_infos
    return made


class _CallSignature:
    """``inspect.signature(pipeline)``: ``(value: A, /) -> Result[B, Any]`` from the stages' hints.

    On the class itself it is ``None``, so ``inspect.signature(Template)`` describes the class.
    """

    def __get__(self, instance: Template[Any, Any, Any] | None, owner: type) -> object:
        if instance is None:
            return None
        stages = instance.stages
        first = stages[0].in_hint if stages else MISSING
        last = stages[-1].out_hint if stages else MISSING
        parameter = inspect.Parameter(
            "value",
            inspect.Parameter.POSITIONAL_ONLY,
            annotation=inspect.Parameter.empty if first is MISSING else first,
        )
        generic: Any = Result  # subscripted with run-time hints, which checkers cannot follow
        returned = generic[Any if last is MISSING else last, Any]
        return inspect.Signature([parameter], return_annotation=returned)


class Template(Generic[A, B, E]):
    """An immutable pipeline from ``A`` to ``B`` whose declared failures are ``E``.

    Build one with [`template`][wumbo.core.template.template], ``|`` or [`pipe`][wumbo.core.pipe.pipe]; never through this constructor.

    * ``tpl(x)`` returns ``Result[B, E | StageError]`` and never raises for a stage's error.
    * ``tpl.run(x)`` returns ``B`` or raises the original exception (with a PEP 678 note).
    * ``await tpl.acall(x)`` / ``await tpl.arun(x)`` are the same in async code.
    * ``tpl | f``, ``f | tpl`` and ``tpl.then(f)`` compose; stages stay flat.

    Examples:
        >>> from wumbo import template
        >>> inc = template(lambda n: n + 1, name="inc")
        >>> ((inc | inc) | inc).stages == (inc | (inc | inc)).stages
        True
        >>> (inc | inc | inc).run(0)
        3
    """

    __doc__: str | None
    _fns: tuple[Callable[[Any], Any], ...]
    _infos: tuple[StageInfo, ...]
    _name: str | None = None  # kept on the instance only when given, as are __doc__ and __wrapped__

    def __new__(
        cls,
        stages: tuple[Stage, ...],
        name: str | None = None,
        doc: str | None = None,
        wrapped: object = None,
    ) -> Self:
        fns, infos = tuple(map(_fn_of, stages)), tuple(map(_info_of, stages))
        made = _template(cls, fns, infos, name, doc, wrapped)
        made.__dict__["_stages"] = stages  # already made: Template.stages finds them
        return made

    # -- identity ------------------------------------------------------------------------------

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The flat tuple of stages, first to last (made when first asked for: composing keeps
        only the callables and their infos).

        Examples:
            >>> from wumbo import template
            >>> [stage.name for stage in (template(str.strip) | len).stages]
            ['strip', 'len']
        """
        attributes = self.__dict__
        stages: tuple[Stage, ...] | None = attributes.get("_stages")
        if stages is None:
            stages = attributes["_stages"] = tuple(map(stage_of, self._fns, self._infos))
        return stages

    @property
    def __name__(self) -> str:
        """The explicit name, else the stage names joined with `` | `` (shortened when long)."""
        if self._name is not None:
            return self._name
        return _joined_name(list(map(_name_of, self._infos)))

    @property
    def is_async(self) -> bool:
        """True when any stage is ``async def``: ``tpl(x)`` then runs them through anyio.

        Examples:
            >>> from wumbo import template
            >>> async def fetch(url: str) -> str:
            ...     return url
            >>> (template(str.strip) | fetch).is_async
            True
        """
        return any(map(_is_async_of, self._infos))

    def __repr__(self) -> str:
        return f"<Template {self.__name__}>"

    def to_mermaid(self) -> str:
        """A Mermaid flowchart of the stages: types, declared errors, async/blocking marks
        (see `wumbo.core.describe`).

        Examples:
            >>> from wumbo import template
            >>> def parse(text: str) -> int:
            ...     return int(text)
            >>> print(template(parse).to_mermaid())
            flowchart LR
                in_(["str"]) --> s1
                s1["parse<br/>str → int"]
                s1 --> out_(["int"])
        """
        from wumbo.core.describe import to_mermaid  # only when drawn: import wumbo stays light

        return to_mermaid(self)

    def _repr_markdown_(self) -> str:
        """What a notebook shows: the name and the Mermaid flowchart in a ``mermaid`` block.

        Examples:
            >>> from wumbo import template
            >>> print(template(len)._repr_markdown_().splitlines()[:2])
            ['**Template** `len`', '']
        """
        return f"**Template** `{self.__name__}`\n\n```mermaid\n{self.to_mermaid()}\n```\n"

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """What Jupyter shows: the flowchart as ``text/markdown`` (a ``mermaid`` block, which
        JupyterLab 4 and VS Code draw), the repr as ``text/plain`` elsewhere.

        Examples:
            >>> from wumbo import template
            >>> bundle = template(len)._repr_mimebundle_()
            >>> bundle["text/plain"], bundle["text/markdown"].startswith("**Template** `len`")
            ('<Template len>', True)
        """
        return {"text/markdown": self._repr_markdown_(), "text/plain": repr(self)}

    if not TYPE_CHECKING:
        __signature__ = _CallSignature()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Template):
            return NotImplemented
        return self.stages == other.stages and self._name == other._name

    def __hash__(self) -> int:
        return hash((self.stages, self._name))

    if not TYPE_CHECKING:  # hidden from checkers, so they still flag unknown attributes

        def __setattr__(self, name: str, value: object) -> Never:
            raise AttributeError(f"Template is immutable: cannot set {name!r}")

        def __delattr__(self, name: str) -> Never:
            raise AttributeError(f"Template is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        wrapped: Any = self.__dict__.get("__wrapped__")
        shadowing = module_level_wrapper(wrapped) if wrapped is not None else None
        if wrapped is not None and shadowing is self:
            # ``@template def parse``: importable as module.parse, so pickle by reference
            return (import_object, (wrapped.__module__, wrapped.__qualname__))
        if shadowing is not None:
            # a function that ``@template`` shadowed: pickle what shadows it, unwrap on load
            return (_rebuild_unwrapping, (self.stages, self._name, self.__doc__, shadowing))
        return (_rebuild, (self.stages, self._name, self.__doc__, wrapped))

    # -- calling -------------------------------------------------------------------------------
    # Each call path is compiled on first use and stored on the instance under the name it is
    # looked up by, so ``tpl(x)``, ``tpl.run(x)``, ``tpl.acall(x)`` and ``tpl.arun(x)`` then go
    # straight to generated code (see wumbo.core.compile). A bound method taken before the
    # first call finds the same cache.

    def _runner(self, path: str) -> Callable[[Any], Any]:
        cached: Callable[[Any], Any] | None = self.__dict__.get(path)
        if cached is None:
            cached = self.__dict__[path] = self._build(path)
        return cached

    def _build(self, path: str) -> Callable[[Any], Any]:
        plain = path in ("run", "arun")
        if path in ("acall", "arun"):
            if any(info.is_async or info.blocking for info in self._infos):
                return self._compiled(plain=plain, is_async=True)
            return _as_awaitable(self._compiled(plain=plain, is_async=False))
        if self.is_async:
            in_loop, name = self._compiled(plain=plain, is_async=True), self.__name__
            return lambda value: run_sync(in_loop, value, name)
        return self._compiled(plain=plain, is_async=False)

    def _compiled(self, *, plain: bool, is_async: bool) -> Callable[[Any], Any]:
        if _NO_CODEGEN:  # the reference interpreter, for debugging
            return interpret_stages(self.stages, plain=plain, is_async=is_async)
        runner = compile_stages(self.stages, plain=plain, is_async=is_async, label=self.__name__)
        assert runner is not None  # not interpret_first: always a runner
        return runner

    if TYPE_CHECKING:

        def __call__(self, value: A) -> Result[B, E | StageError]:
            """Run the pipeline on ``value``: ``Success(result)`` or ``Failure(error)``."""
            ...

    else:
        # ``tpl(x)`` goes straight to the compiled runner stored on the instance: a property
        # backed by a C attrgetter avoids a Python-level ``__call__`` frame on every call.
        __call__ = property(operator.attrgetter("_call"))

    def _first_runner(self, path: str) -> Callable[[Any], Any] | None:
        """The runner for this call of ``_call`` or ``run``, or ``None`` to interpret it.

        A pipeline whose shape was compiled before binds that code at once (microseconds, see
        `wumbo.core.compile`). The first calls of a shape never compiled run on the reference
        interpreter, so a pipeline built and called once never pays for code generation; the
        call after that compiles the shape. Async and checked pipelines compile at once.
        """
        attributes = self.__dict__
        cached: Callable[[Any], Any] | None = attributes.get(path)
        if cached is not None:  # a bound method taken before the first call
            return cached
        infos = self._infos
        known = (infos, self._name, path)  # a tuple of infos hashes and compares by identity
        make = None if _NO_CODEGEN else _makes.get(known)
        if make is None:
            # One pass gathers what binding needs (for a few stages, cheaper than a map() each).
            kinds: list[tuple[bool, bool, bool]] = []
            names: list[str] = []
            special = _NO_CODEGEN
            for info in infos:
                # the slots behind the read-only properties (a property read is a call here)
                kinds.append(info._kind)  # pyright: ignore[reportPrivateUsage]
                names.append(info._name)  # pyright: ignore[reportPrivateUsage]
                special = special or info._is_async or info._check  # pyright: ignore[reportPrivateUsage]
            label = self._name if self._name is not None else _joined_name(names)
            if special:
                if _NO_CODEGEN or self.is_async:
                    return self._runner(path)
                # checked stages: compiled at once
                runner = compile_stages(self.stages, path == "run", False, label)
                assert runner is not None  # not interpret_first: always a runner
                attributes[path] = runner
                return runner
            make = maker(tuple(kinds), path == "run", False, label, True)
            if make is None:
                return None
            if len(_makes) >= _MAKES_KEPT:
                _makes.clear()
            _makes[known] = make
        runner = attributes[path] = make(infos, self._fns)
        return runner

    def _call(self, value: Any) -> Any:
        """The Result call path before it is compiled: interpret, or compile, store and run."""
        runner = self._first_runner("_call")
        if runner is None:
            return call_stages(self.stages, self._fns, False, value)
        return runner(value)

    def run(self, value: A) -> B:
        """Run the pipeline and return the plain value, or raise the original exception.

        The exception carries a PEP 678 note naming the stage, its position and its input. A
        ``Failure`` returned by a stage raises its exception (or returns' ``UnwrapFailedError``
        when it holds no exception). ``tpl.run`` is a ``Callable[[A], B]`` to hand to any code.

        Examples:
            >>> from wumbo import template
            >>> template(int).run("12")
            12
            >>> try:
            ...     template(int).run("twelve")
            ... except ValueError as error:
            ...     print(error.__notes__[-1])
            wumbo: stage 'int' (1 of 1) raised this on input 'twelve'
        """
        runner = self._first_runner("run")
        if runner is None:
            return call_stages(self.stages, self._fns, True, value)  # type: ignore[no-any-return]
        return runner(value)  # type: ignore[no-any-return]

    async def acall(self, value: A) -> Result[B, E | StageError]:
        """``await tpl.acall(x)``: the Result call in async code (asyncio or trio).

        Async stages are awaited, sync stages run inline, and stages marked ``blocking`` run in
        a worker thread so the event loop stays responsive.

        Examples:
            >>> import anyio
            >>> from wumbo import template
            >>> async def fetch(n: int) -> int:
            ...     return n + 1
            >>> anyio.run((template(int) | fetch).acall, "1")
            <Success: 2>
        """
        return await self._runner("acall")(value)  # type: ignore[no-any-return]

    async def arun(self, value: A) -> B:
        """``await tpl.arun(x)``: the plain call in async code (value, or the original raise).

        Examples:
            >>> import anyio
            >>> from wumbo import template
            >>> anyio.run(template(int).arun, "5")
            5
        """
        return await self._runner("arun")(value)  # type: ignore[no-any-return]

    # -- many items (implemented by the runtime layer, see wumbo.core.many) ---------------------

    def map(
        self,
        items: Iterable[A],
        *,
        concurrency: int | Literal["auto"] = 8,
        ordered: bool = True,
        timeout: float | None = None,
        progress: Callable[[Progress], object] | None = None,
        executor: object = None,
    ) -> Generator[Result[B, E | StageError], None, None]:
        """Run the pipeline over many items: one Result per item, streamed with backpressure.

        ``concurrency`` items are in flight at once (``"auto"`` tunes it); results come in input
        order or, with ``ordered=False``, as they complete; ``timeout`` bounds each item;
        ``progress`` hears about every finished item; ``executor`` picks where work runs
        (``"threads"``, ``"processes"``, any ``concurrent.futures.Executor``, a Dask
        ``Client``). The source is pulled only as fast as results are consumed.

        Examples:
            >>> from wumbo import template
            >>> [result.unwrap() for result in template(int).map(["1", "2", "3"])]
            [1, 2, 3]
        """
        options = MapOptions(concurrency, ordered, timeout, progress, executor)
        return runner().map(self, items, options)

    def amap(
        self,
        items: Iterable[A] | AsyncIterable[A],
        *,
        concurrency: int | Literal["auto"] = 8,
        ordered: bool = True,
        timeout: float | None = None,
        progress: Callable[[Progress], object] | None = None,
        executor: object = None,
    ) -> ResultStream[Result[B, E | StageError]]:
        """The async twin of [`map`][wumbo.core.template.Template.map]: ``async for result in pipeline.amap(items)``.

        Accepts sync or async iterables; cancellation follows anyio's structured concurrency.
        ``await pipeline.amap(items)`` gives all the Results as one list instead (faster when
        you want them all): see [`ResultStream`][wumbo.core.many.ResultStream].

        Examples:
            >>> import anyio
            >>> from wumbo import template
            >>> async def main() -> tuple[list[int], list[int]]:
            ...     streamed = [r.unwrap() async for r in template(int).amap(["4", "5"])]
            ...     collected = await template(int).amap(["6", "7"])
            ...     return streamed, [r.unwrap() for r in collected]
            >>> anyio.run(main)
            ([4, 5], [6, 7])
        """
        options = MapOptions(concurrency, ordered, timeout, progress, executor)
        return runner().amap(self, items, options)

    # -- composing -----------------------------------------------------------------------------

    # batch(n) and tap(f) first: their item/value type comes from this template's output
    @overload
    def then(
        self: Template[A, Iterable[X], E], other: Batch, /
    ) -> Template[A, list[list[X]], E]: ...
    @overload
    def then(self, other: Tap[B, E2], /) -> Template[A, B, E | E2]: ...
    @overload
    def then(self, other: Template[B, C, E2], /) -> Template[A, C, E | E2]: ...
    @overload
    def then(
        self, other: Callable[[B], Coroutine[Any, Any, Result[C, E2]]], /
    ) -> Template[A, C, E | E2]: ...
    @overload
    def then(self, other: Callable[[B], Coroutine[Any, Any, C]], /) -> Template[A, C, E]: ...
    @overload
    def then(self, other: Callable[[B], Result[C, E2]], /) -> Template[A, C, E | E2]: ...
    @overload
    def then(self, other: Callable[[B], C], /) -> Template[A, C, E]: ...
    def then(self, other: Any, /) -> Template[Any, Any, Any]:
        """``tpl.then(f)`` is ``tpl | f``; use it for lambdas, which pyright cannot type after ``|``.

        Examples:
            >>> from wumbo import template
            >>> template(int).then(lambda n: n * 10).run("4")
            40
        """
        try:
            fns, infos = _parts_of(other)
        except _NotAStage as error:
            raise TypeError(f"cannot compose {self!r} | {describe(other)}: {error}") from None
        return _joined(self._fns, self._infos, fns, infos)

    # The same overloads as ``then``, spelled out so checkers report a mismatch as an
    # unsupported ``|`` between the two operands rather than as a confusing argument error;
    # at run time ``__or__`` is ``then`` itself (one call less per ``|``).
    if TYPE_CHECKING:
        # batch(n) and tap(f) first: their item/value type comes from this template's output
        @overload
        def __or__(
            self: Template[A, Iterable[X], E], other: Batch, /
        ) -> Template[A, list[list[X]], E]: ...
        @overload
        def __or__(self, other: Tap[B, E2], /) -> Template[A, B, E | E2]: ...
        @overload
        def __or__(self, other: Template[B, C, E2], /) -> Template[A, C, E | E2]: ...
        @overload
        def __or__(
            self, other: Callable[[B], Coroutine[Any, Any, Result[C, E2]]], /
        ) -> Template[A, C, E | E2]: ...
        @overload
        def __or__(self, other: Callable[[B], Coroutine[Any, Any, C]], /) -> Template[A, C, E]: ...
        @overload
        def __or__(self, other: Callable[[B], Result[C, E2]], /) -> Template[A, C, E | E2]: ...
        @overload
        def __or__(self, other: Callable[[B], C], /) -> Template[A, C, E]: ...
        def __or__(self, other: Any, /) -> Template[Any, Any, Any]: ...

    else:
        __or__ = then

    @overload
    def __ror__(
        self, other: Callable[[X], Coroutine[Any, Any, Result[A, E2]]], /
    ) -> Template[X, B, E | E2]: ...
    @overload
    def __ror__(self, other: Callable[[X], Coroutine[Any, Any, A]], /) -> Template[X, B, E]: ...
    @overload
    def __ror__(self, other: Callable[[X], Result[A, E2]], /) -> Template[X, B, E | E2]: ...
    @overload
    def __ror__(self, other: Callable[[X], A], /) -> Template[X, B, E]: ...
    def __ror__(self, other: Any, /) -> Template[Any, Any, Any]:
        try:
            fns, infos = _parts_of(other)
        except _NotAStage as error:
            raise TypeError(f"cannot compose {describe(other)} | {self!r}: {error}") from None
        return _joined(fns, infos, self._fns, self._infos)

    def checked(self, enabled: bool = True) -> Template[A, B, E]:
        """A copy whose every stage is checked by beartype on each call (or no longer is).

        A value that does not match a stage's annotations becomes a ``Failure(StageError)``
        naming the stage. Unchecked templates pay nothing.

        Examples:
            >>> from wumbo import template
            >>> def double(n: int) -> int:
            ...     return n * 2
            >>> template(double).checked()("2").failure().stage
            'double'
        """
        stages = tuple(stage.replace(check=enabled) for stage in self.stages)
        return Template(stages, name=self._name, doc=self.__doc__)


class _InstanceDoc:
    """``Template.__doc__``: the class's docstring on the class, and on a Template the doc it
    was given (kept in its ``__dict__``, which a non-data descriptor yields to), else ``None``."""

    def __init__(self, class_doc: str | None) -> None:
        self.class_doc = class_doc

    def __get__(self, instance: object, owner: type) -> str | None:
        return self.class_doc if instance is None else None


Template.__doc__ = _InstanceDoc(Template.__doc__)  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]


def _template(
    cls: type[T],
    fns: tuple[Callable[[Any], Any], ...],
    infos: tuple[StageInfo, ...],
    name: str | None,
    doc: str | None,
    wrapped: object,
) -> T:
    """A Template (of class ``cls``) of ``fns`` and their ``infos``, written straight into its
    ``__dict__`` (``Template.__setattr__`` refuses: it is immutable); ``template(f)`` and ``|``
    write theirs out inline, and leave a ``None`` name or doc to the class."""
    made: T = _new_object(cls)
    attributes = made.__dict__
    attributes["_fns"] = fns
    attributes["_infos"] = infos
    if name is not None:
        attributes["_name"] = name
    attributes["__doc__"] = doc  # always: a subclass's docstring is no pipeline's doc
    if wrapped is not None:
        attributes["__wrapped__"] = wrapped
    return made


_new_object = object.__new__


def _as_awaitable(function: Callable[[Any], Any]) -> Callable[[Any], Awaitable[Any]]:
    async def awaitable(value: Any) -> Any:
        return function(value)

    return awaitable


def _rebuild(
    stages: tuple[Stage, ...], name: str | None, doc: str | None, wrapped: object
) -> Template[Any, Any, Any]:
    return Template(stages, name=name, doc=doc, wrapped=wrapped)


def _rebuild_unwrapping(
    stages: tuple[Stage, ...], name: str | None, doc: str | None, shadowing: object
) -> Template[Any, Any, Any]:
    return Template(stages, name=name, doc=doc, wrapped=getattr(shadowing, "__wrapped__", None))


class TemplateFactory(Protocol):
    """A typed decorator: what ``template(name=...)`` returns, and the shape of wumbo's
    decorators (``retry(attempts=3)`` and friends). A Template keeps its types; a function
    becomes a Template exactly as [`template`][wumbo.core.template.template] would make it.
    """

    @overload
    def __call__(self, fn: Template[X, C, E2], /) -> Template[X, C, E2]: ...  # type: ignore[overload-overlap]
    @overload
    def __call__(  # type: ignore[overload-overlap]
        self, fn: Callable[[X], Coroutine[Any, Any, Result[C, E2]]], /
    ) -> Template[X, C, E2]: ...
    @overload
    def __call__(self, fn: Callable[[X], Coroutine[Any, Any, C]], /) -> Template[X, C]: ...
    @overload
    def __call__(self, fn: Callable[[X], Result[C, E2]], /) -> Template[X, C, E2]: ...  # type: ignore[overload-overlap]
    @overload
    def __call__(self, fn: Callable[[X], C], /) -> Template[X, C]: ...


@overload
def template(  # type: ignore[overload-overlap]
    fn: Template[X, C, E2],
    /,
    *,
    name: str | None = None,
    check: bool = False,
    blocking: bool = False,
) -> Template[X, C, E2]: ...
@overload
def template(  # type: ignore[overload-overlap]
    fn: Callable[[X], Coroutine[Any, Any, Result[C, E2]]],
    /,
    *,
    name: str | None = None,
    check: bool = False,
    blocking: bool = False,
) -> Template[X, C, E2]: ...
@overload
def template(
    fn: Callable[[X], Coroutine[Any, Any, C]],
    /,
    *,
    name: str | None = None,
    check: bool = False,
    blocking: bool = False,
) -> Template[X, C]: ...
@overload
def template(  # type: ignore[overload-overlap]
    fn: Callable[[X], Result[C, E2]],
    /,
    *,
    name: str | None = None,
    check: bool = False,
    blocking: bool = False,
) -> Template[X, C, E2]: ...
@overload
def template(
    fn: Callable[[X], C],
    /,
    *,
    name: str | None = None,
    check: bool = False,
    blocking: bool = False,
) -> Template[X, C]: ...
@overload
def template(
    *, name: str | None = None, check: bool = False, blocking: bool = False
) -> TemplateFactory: ...
def template(
    fn: Callable[[Any], Any] | None = None,
    /,
    *,
    name: str | None = None,
    check: bool = False,
    blocking: bool = False,
) -> Template[Any, Any, Any] | TemplateFactory:
    """Make a one-stage Template from a unary function; bare or with options.

    Options: ``name`` (for messages and ``repr``), ``check`` (beartype checks every call) and
    ``blocking`` (async runs send this sync stage to a worker thread). The function may return
    a plain value, a ``Result``, or be ``async def``. The template keeps ``__name__``,
    ``__doc__`` and ``__wrapped__``.

    Examples:
        >>> from wumbo import template
        >>> @template
        ... def parse(text: str) -> int:
        ...     "Parse an integer."
        ...     return int(text)
        >>> parse.__name__, parse.__doc__, parse("3")
        ('parse', 'Parse an integer.', <Success: 3>)
        >>> @template(name="strict_parse", check=True)
        ... def parse2(text: str) -> int:
        ...     return int(text)
        >>> parse2(3).failure().stage
        'strict_parse'
    """
    if fn is None:

        def decorate(function: Callable[[Any], Any]) -> Template[Any, Any, Any]:
            return template(function, name=name, check=check, blocking=blocking)

        return decorate
    if isinstance(fn, Template):
        existing: Template[Any, Any, Any] = fn  # pyright: ignore[reportUnknownVariableType]
        if name is None and not check and not blocking:
            return existing  # no copy needed: Templates are immutable
        stages = tuple(stage.replace(check=check, blocking=blocking) for stage in fn.stages)
        explicit = fn._name  # pyright: ignore[reportPrivateUsage]
        return Template(stages, name=name or explicit, doc=fn.__doc__)
    info = stage_info(fn, name, blocking, check)
    # `_template` written out: the call costs as much as the writes (users build in functions)
    made: Template[Any, Any, Any] = _new_object(Template)  # pyright: ignore[reportUnknownVariableType]
    attributes = made.__dict__
    attributes["_fns"] = (fn,)
    attributes["_infos"] = (info,)
    attributes["__wrapped__"] = fn
    if name is not None:
        attributes["_name"] = name
    doc = getattr(fn, "__doc__", None)
    if doc is not None:
        attributes["__doc__"] = doc
    return made
