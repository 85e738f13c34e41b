"""``SandboxError``: why a sandboxed stage was stopped, with what it printed.

Examples:
    >>> error = SandboxError("cpu", "fetch", "used more than its 1 s of CPU time")
    >>> print(error)
    sandboxed stage 'fetch' used more than its 1 s of CPU time [reason: cpu]
    >>> error.reason, error.stage
    ('cpu', 'fetch')
"""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["SandboxError", "SandboxReason"]

SandboxReason = Literal[
    "memory",
    "cpu",
    "wall_time",
    "processes",
    "output_too_large",
    "result_too_large",
    "crashed",
    "not_picklable",
    "untrusted_result",
    "file_too_large",
    "isolation_unavailable",
]
"""Why a sandbox run failed, as its supervisor observed it (never the stage's word).

* ``memory``: it failed, and its peak address space (or, died, its peak resident memory)
  reached half its ``memory_bytes`` or more.
* ``cpu``: it used its CPU time (killed by ``SIGXCPU``, with the CPU time measured).
* ``wall_time``: it ran longer than its wall-clock limit (killed by the supervisor).
* ``processes``: it failed with as many processes and threads running as it may have.
* ``output_too_large`` / ``result_too_large``: it printed, or returned, more than allowed.
* ``crashed``: it died without a result: a signal (``signal`` says which) or ``os._exit``
  (``exit_code``).
* ``not_picklable``: the stage, its input, its result or its exception cannot cross processes.
* ``untrusted_result``: what came back is not a valid result, or names a type that is not
  allowed (``detail`` names it): nothing of it was run or rebuilt in the caller.
* ``file_too_large``: it wrote a file past ``file_bytes`` (killed by ``SIGXFSZ``).
* ``isolation_unavailable``: the kernel refused a protection (``detail`` names it) and the
  sandbox was asked for ``isolation="strict"``.
"""


class SandboxError(Exception):
    """A sandboxed stage exceeded a limit, crashed, or could not cross the process boundary.

    Attributes: ``reason`` (a [`SandboxReason`][wumbo.decorators.sandbox.SandboxReason]), ``stage`` (its name), ``detail`` (the
    explanation), ``output`` (what it printed, up to the output limit), ``exit_code`` and
    ``signal`` (how the sandbox process ended, when known), ``pid`` (of the sandbox's
    supervisor process, also the session id of every process it started) and ``uid`` (the
    user it ran as, when it switched).

    Examples:
        >>> error = SandboxError("crashed", "parse", "was killed by SIGSEGV", signal=11)
        >>> error.signal, error.exit_code, error.output
        (11, None, b'')
    """

    def __init__(
        self,
        reason: SandboxReason,
        stage: str,
        detail: str,
        *,
        output: bytes = b"",
        exit_code: int | None = None,
        signal: int | None = None,
        pid: int | None = None,
        uid: int | None = None,
    ) -> None:
        super().__init__(reason, stage, detail)
        self.reason: SandboxReason = reason
        self.stage = stage
        self.detail = detail
        self.output = output
        self.exit_code = exit_code
        self.signal = signal
        self.pid = pid
        self.uid = uid

    def __str__(self) -> str:
        return f"sandboxed stage {self.stage!r} {self.detail} [reason: {self.reason}]"

    def __reduce__(self) -> tuple[Any, ...]:
        # ``__dict__`` holds every attribute (and any PEP 678 notes): the rebuilt error gets it
        return (_rebuild, (self.reason, self.stage, self.detail, self.__dict__))


def _rebuild(reason: SandboxReason, stage: str, detail: str, state: dict[str, Any]) -> SandboxError:
    error = SandboxError(reason, stage, detail)
    error.__dict__.update(state)
    return error
