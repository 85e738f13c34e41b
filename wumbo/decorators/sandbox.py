"""``sandbox``: run a stage in a separate, limited process; the caller survives whatever it does.

Each call starts a fresh Python process (Linux only) that runs the stage (a function, or a whole
Template, sync or async) with limits on CPU time, memory (address space), wall time, processes
and threads, open files, and the size of what it prints and returns, in a scrubbed environment
and, when the caller is root, as a user of its own. A limit broken, a crash, ``os._exit`` or a
signal becomes a ``Failure`` holding a [`SandboxError`][wumbo.decorators.sandbox.SandboxError] whose ``reason`` says which; an
ordinary exception of the stage is reported as if the stage had run in process; a ``Failure``
it returns comes back as it is. Every process the stage started is killed before the call
returns. See ``docs/decorators/sandbox.md`` for exactly what is and is not isolated. Inside
``wumbo_testing_mode()`` the stage runs in the caller's process instead (unless
``bypass_sandbox=False``).

* ``@sandbox`` / ``sandbox(stage)``: the default options.
* ``@sandbox(memory_bytes=256 * MiB, cpu_seconds=2, ...)`` / inline
  ``validate | sandbox(wall_seconds=5)(parse) | save``: chosen options (the fields of
  [`SandboxOptions`][wumbo.decorators.sandbox.SandboxOptions]).
* ``sandbox(stage, wall_seconds=5, ...)``: the stage and its options in one call.

The stage and its input cross processes by pickle (use module-level functions); what comes
back is unpickled against an allow-list. Each call costs a fork of a pre-started process (a
zygote), not a Python start.

Examples:
    >>> from wumbo.examples.orders import price, validate
    >>> safe = sandbox(memory_bytes=512 * MiB, wall_seconds=20)(validate | price)
    >>> raw = {"id": "A1", "customer": "ada", "country": "DE",
    ...        "items": [{"sku": "pen", "qty": 2, "unit_price": 1.5}]}
    >>> safe(raw).unwrap().net
    3.0
    >>> safe({"id": "A2"}).failure().error  # raised in the sandbox, reported as usual
    ValueError('order has no customer')
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, Literal, TypedDict, overload

import anyio
import anyio.to_thread
from returns.result import Result
from typing_extensions import TypeVar, Unpack

from wumbo.core.effects import Behaviour, Call, behaviour_step
from wumbo.core.template import Template, TemplateFactory
from wumbo.decorators._sandbox_capabilities import SandboxCapabilities
from wumbo.decorators._sandbox_error import SandboxError, SandboxReason
from wumbo.decorators._sandbox_options import DEFAULT_ENV_ALLOW, Isolation, MiB, SandboxOptions
from wumbo.decorators._sandbox_run import SandboxRun, zygote_of
from wumbo.decorators._wrap import as_template, decorated, passed_on
from wumbo.decorators.testing import SWITCH

__all__ = [
    "DEFAULT_ENV_ALLOW",
    "Isolation",
    "MiB",
    "SandboxCapabilities",
    "SandboxError",
    "SandboxLimits",
    "SandboxOptions",
    "SandboxReason",
    "sandbox",
    "sandbox_capabilities",
]

SandboxLimits = SandboxOptions
"""The earlier name of [`SandboxOptions`][wumbo.decorators.sandbox.SandboxOptions] (kept so
``from wumbo import SandboxLimits`` goes on working)."""

X = TypeVar("X")
C = TypeVar("C")
E = TypeVar("E")


def sandbox_capabilities() -> SandboxCapabilities:
    """What this machine's kernel lets a sandbox use (probed once, by the sandbox's zygote).

    Examples:
        >>> capabilities = sandbox_capabilities()
        >>> capabilities.file_size_limit, capabilities.landlock_abi >= 0
        (True, True)
    """
    return zygote_of(SandboxOptions()).capabilities


def _current_backend() -> str:
    # The cancellation exception's module names the running anyio back end ("asyncio..." or
    # "trio..."): the sandbox runs an async stage on the same one.
    module = anyio.get_cancelled_exc_class().__module__
    return "trio" if module.startswith("trio") else "asyncio"


class _InSandbox:
    """Run the stage in a sandbox and wait for its Result: the one part where sync and async differ.

    Sync code waits in its own thread; async code waits in a worker thread that a cancellation
    abandons, after telling the supervisor to kill the stage and its processes.
    """

    __slots__ = ("inner", "limits", "value")

    def __init__(self, inner: Template[Any, Any, Any], value: Any, limits: SandboxOptions) -> None:
        self.inner = inner
        self.value = value
        self.limits = limits

    def run_sync(self) -> Result[Any, Any]:
        return SandboxRun(self.inner, self.value, self.limits, "asyncio").result()

    async def run_async(self) -> Result[Any, Any]:
        run = SandboxRun(self.inner, self.value, self.limits, _current_backend())
        try:
            return await anyio.to_thread.run_sync(run.result, abandon_on_cancel=True)
        except BaseException:  # cancelled: the supervisor kills the stage and its processes
            run.abort()
            raise


def _sandboxed(limits: SandboxOptions, inner: Template[Any, Any, Any], value: Any) -> Behaviour:
    if SWITCH.settings.bypass_sandbox:  # wumbo_testing_mode(): run it here
        return passed_on((yield Call(inner, value)))
    return passed_on((yield _InSandbox(inner, value, limits)))


class _SandboxKeywords(TypedDict, total=False):
    """The options given with the stage, ``sandbox(stage, wall_seconds=5)``: the keyword
    overload's, without defaults (a test checks that both name the same types)."""

    cpu_seconds: float
    memory_bytes: int
    wall_seconds: float
    processes: int
    open_files: int
    max_output_bytes: int
    max_result_bytes: int
    env_allow: Iterable[str]
    uid: int | Literal["auto"] | None
    network: bool
    readable: Iterable[str | os.PathLike[str]]
    writable: Iterable[str | os.PathLike[str]]
    file_bytes: int
    isolation: Isolation
    allow: Iterable[type]


@overload
def sandbox(  # type: ignore[overload-overlap]
    stage: Template[X, C, E], /, **options: Unpack[_SandboxKeywords]
) -> Template[X, C, E]: ...
@overload
def sandbox(  # type: ignore[overload-overlap]
    stage: Callable[[X], Coroutine[Any, Any, Result[C, E]]], /, **options: Unpack[_SandboxKeywords]
) -> Template[X, C, E]: ...
@overload
def sandbox(
    stage: Callable[[X], Coroutine[Any, Any, C]], /, **options: Unpack[_SandboxKeywords]
) -> Template[X, C]: ...
@overload
def sandbox(  # type: ignore[overload-overlap]
    stage: Callable[[X], Result[C, E]], /, **options: Unpack[_SandboxKeywords]
) -> Template[X, C, E]: ...
@overload
def sandbox(stage: Callable[[X], C], /, **options: Unpack[_SandboxKeywords]) -> Template[X, C]: ...
@overload
def sandbox(
    *,
    cpu_seconds: float = ...,
    memory_bytes: int = ...,
    wall_seconds: float = ...,
    processes: int = ...,
    open_files: int = ...,
    max_output_bytes: int = ...,
    max_result_bytes: int = ...,
    env_allow: Iterable[str] = ...,
    uid: int | Literal["auto"] | None = ...,
    network: bool = ...,
    readable: Iterable[str | os.PathLike[str]] = ...,
    writable: Iterable[str | os.PathLike[str]] = ...,
    file_bytes: int = ...,
    isolation: Isolation = ...,
    allow: Iterable[type] = ...,
) -> TemplateFactory: ...
def sandbox(
    stage: Callable[[Any], Any] | None = None, /, **options: Any
) -> Template[Any, Any, Any] | TemplateFactory:
    """Run a stage (or a whole pipeline, as one stage) in a limited process of its own.

    The options, their defaults and what each does are the fields of
    [`SandboxOptions`][wumbo.decorators.sandbox.SandboxOptions] (declared there once; the
    keywords here are typed for your checker and defaulted there); every one is checked when
    ``sandbox(...)`` is called, alone (a typed decorator) or with the stage
    (``sandbox(stage, wall_seconds=5)``, the sandboxed stage):

    * ``cpu_seconds`` (30), ``memory_bytes`` (1 GiB, address space per process),
      ``wall_seconds`` (60), ``processes`` (32, processes and threads), ``open_files`` (64),
      ``file_bytes`` (64 MiB per file): the limits;
    * ``max_output_bytes`` (1 MiB: what it prints, logged on ``wumbo.sandbox`` and kept on the
      error) and ``max_result_bytes`` (16 MiB, pickled);
    * ``env_allow``: the environment variables it sees; ``uid``: ``"auto"`` runs it, when the
      caller is root, as a fresh uid and gid of its own (``2_000_000_000 + pid``) with no
      supplementary groups and ``no_new_privs``; an int chooses the uid (root only); ``None``
      never switches (then, under root, the process limit does not bind). The stage and its
      module are loaded before the switch; modules the stage imports later must be readable by
      that user (else the stage's own ``ImportError``, with a note naming the ``sys.path``
      entries that user cannot read);
    * ``network``, ``readable``, ``writable``: what it may reach; ``isolation``: whether a
      protection the kernel refuses fails the call; ``allow``: classes that may come back.

    The sandboxed stage is named ``sandbox(<stage>)``. In async code the parent waits in a worker
    thread. Cancelling the caller of a sandboxed *async* stage kills the sandbox at once; a
    sandboxed *sync* stage stays a sync stage (marked ``blocking``), which anyio cannot
    abandon: its caller's cancellation waits for the run (at most ``wall_seconds``).

    Examples:
        >>> import operator
        >>> from functools import partial
        >>> limited = sandbox(memory_bytes=512 * MiB, wall_seconds=20)(partial(operator.mul, 6))
        >>> limited(7)
        <Success: 42>
        >>> sandbox(partial(operator.mul, 6), wall_seconds=20)(7)  # the stage and its options
        <Success: 42>
        >>> sandbox(cpu_seconds=0)
        Traceback (most recent call last):
        ...
        ValueError: sandbox cpu_seconds must be a positive number of seconds, got int 0
    """
    if stage is not None:  # options given with the stage still apply
        return sandbox(**options)(stage)
    if not sys.platform.startswith("linux"):
        raise OSError(f"sandbox needs Linux (prctl, /proc, rlimits); this is {sys.platform}")
    limits = SandboxOptions.build(options)
    limits.for_child()  # a uid that needs root fails here, not at the first call

    def decorate(target: Callable[[Any], Any]) -> Template[Any, Any, Any]:
        pipeline = as_template(target)
        name = f"sandbox({pipeline.__name__})"
        step = behaviour_step(name, pipeline.is_async, _sandboxed, limits, pipeline)
        return decorated(name, pipeline, pipeline, step, blocking=not pipeline.is_async)

    return decorate
