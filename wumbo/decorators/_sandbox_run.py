"""The caller's side of a sandbox run: ask the zygote for a supervisor, send the job, judge.

`SandboxRun` asks the zygote of this ``sys.path`` and environment for a fresh
supervisor, sends it the limits and the pickled job, and waits for its report. The report is
the supervisor's own observations (the worker's exit status and CPU time, broken bounds) and
the worker's bytes, which only `TrustedTypes` unpickles: a name off its allow-list is a
``SandboxError`` with reason ``untrusted_result``, and the reason of every failure comes from
what the supervisor saw, never from the worker's word. `abort` (from another thread, e.g.
when an async caller is cancelled) closes the call's socket: the supervisor kills the stage and
exits. If the supervisor itself does not finish in time, every process of its session (and of
the sandbox's uid) is killed here, and its scratch folder removed.

Examples:
    >>> from wumbo import template
    >>> from wumbo.decorators._sandbox_options import SandboxOptions
    >>> run = SandboxRun(template(abs), -3, SandboxOptions(), "asyncio")
    >>> run.result()
    <Success: 3>
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import shutil
import signal
import socket
import sys
import tempfile
import threading
from typing import Any, Final

from returns.result import Failure, Result

from wumbo._log import get_logger
from wumbo.core.result import StageError
from wumbo.core.template import Template
from wumbo.decorators._sandbox_error import SandboxError, SandboxReason
from wumbo.decorators._sandbox_options import SANDBOX_UID_BASE, SandboxOptions
from wumbo.decorators._sandbox_supervisor import read_frame, write_frame
from wumbo.decorators._sandbox_trust import TrustedTypes, UntrustedType, declared_types
from wumbo.decorators._sandbox_zygotes import Zygote, modules_named, zygote_for

__all__ = ["SandboxRun", "zygote_of"]

_log = get_logger("wumbo.sandbox")

_GRACE_SECONDS: Final = 30.0
"""How long past its wall-clock limit the supervisor may take before it is killed itself."""
_DETAIL_LIMIT: Final = 2000
_CPU_SHARE: Final = 0.75
"""Accounting slack: the CPU time the supervisor reads back when the kernel sends SIGXCPU may
be below the limit (sampled, and on virtual machines short by stolen time); a stage that kills
itself with that signal must still have burnt this share of its limit to pass for ``cpu``."""


MEMORY_SHARE: Final = 0.5
"""A failed run whose peak memory reached this share of ``memory_bytes`` failed for ``memory``:
an allocation refused by ``RLIMIT_AS`` leaves the process at least this close to its limit
unless that one allocation alone asked for more than half of it."""


class _PlainValues(pickle.Unpickler):
    """Unpickles the supervisor's report: plain values only, never a class or function."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the sandbox report may not name {module}.{name}")


def _session_members(session: int, uid: int | None) -> list[int]:
    found: list[int] = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            owner = os.stat(f"/proc/{entry.name}").st_uid
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session or (uid is not None and owner == uid):
            found.append(int(entry.name))
    return found


def _kill_session(session: int, uid: int | None) -> None:
    """Kill, until none is left, every process of ``session`` or owned by ``uid``."""
    for _ in range(100):
        members = _session_members(session, uid)
        if not members:
            return
        for pid in members:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _others_can_read(path: str) -> bool:
    """Whether a user who is neither owner nor group member can list ``path``."""
    current = os.path.abspath(path)
    needed = 0o004 if os.path.isfile(current) else 0o005  # read (and search); parents: search
    while True:
        try:
            mode = os.stat(current).st_mode
        except OSError:
            return True  # absent entries do not hide anything
        if mode & needed != needed:
            return False
        parent = os.path.dirname(current)
        if parent == current:
            return True
        current, needed = parent, 0o001


def _explain_import(error: BaseException, uid: int | None) -> None:
    """Note, on an ``ImportError`` of a run under another uid, which ``sys.path`` entries that
    uid cannot read (a hint: the supervisor cannot see why an import failed)."""
    if not isinstance(error, ImportError) or uid is None:
        return
    unreadable = [entry for entry in sys.path if entry and not _others_can_read(entry)]
    if unreadable:
        error.add_note(
            f"wumbo: the sandbox ran as uid {uid}, which cannot read {unreadable!r}; import what "
            "the stage needs at the top of its module (it is loaded before privileges are "
            "dropped), make those directories world-readable, or choose another uid"
        )


def _paths() -> tuple[str, ...]:
    return tuple(os.path.abspath(entry) if entry else os.getcwd() for entry in sys.path)


def zygote_of(limits: SandboxOptions) -> Zygote:
    """The zygote that serves runs with these limits from this ``sys.path``."""
    environment = tuple((name, os.environ[name]) for name in limits.env_allow if name in os.environ)
    return zygote_for(_paths(), environment, tempfile.gettempdir())


class SandboxRun:
    """One run of ``inner`` on ``value`` in a sandbox process; `result` waits for it.

    Examples:
        >>> from wumbo import template
        >>> from wumbo.decorators._sandbox_options import SandboxOptions
        >>> SandboxRun(template(len), "abc", SandboxOptions(), "asyncio").result()
        <Success: 3>
    """

    def __init__(
        self, inner: Template[Any, Any, Any], value: Any, limits: SandboxOptions, backend: str
    ) -> None:
        self._inner, self._value, self._limits, self._backend = inner, value, limits, backend
        self._lock = threading.Lock()
        self._call: socket.socket | None = None
        self._pid: int | None = None
        self._aborted = False
        self._config = limits.for_child()
        self._scratch: str | None = None

    def _uid(self) -> int | None:
        uid = self._config["uid"]
        if uid == "fresh":
            return None if self._pid is None else SANDBOX_UID_BASE + self._pid
        return uid if isinstance(uid, int) else None

    def _error(self, reason: SandboxReason, detail: str, **facts: Any) -> SandboxError:
        name = self._inner.__name__
        return SandboxError(reason, name, detail, pid=self._pid, uid=self._uid(), **facts)

    def _payload(self) -> bytes:
        try:
            return pickle.dumps((self._inner, self._value, self._backend), pickle.HIGHEST_PROTOCOL)
        except Exception as error:
            raise self._error(
                "not_picklable",
                f"cannot run in a sandbox: the stage and its input must pickle ({error!r}); "
                "use module-level functions, not lambdas or closures",
            ) from error

    def _shape(self, zygote: Zygote) -> dict[str, Any]:
        """Which namespaces and which uid: what a run prepared ahead of the call must know."""
        capabilities, limits = zygote.capabilities, self._limits
        missing = capabilities.missing(network=limits.network)
        if missing and limits.isolation == "strict":
            raise self._error(
                "isolation_unavailable",
                f"cannot be isolated: this kernel refuses {', '.join(missing)}; pass "
                "isolation='best-effort' to run without it (see sandbox_capabilities())",
            )
        return {
            "uid": self._config["uid"],
            "uid_base": SANDBOX_UID_BASE,
            "strict": limits.isolation == "strict",
            "new_pid": capabilities.pid_namespace,
            "new_network": not limits.network and capabilities.network_namespace,
            "landlock": capabilities.landlock_abi >= 1,
            "user_namespace": not capabilities.uid_switch and capabilities.user_namespace,
        }

    def abort(self) -> None:
        """Stop the run from another thread: the supervisor kills the stage and exits."""
        with self._lock:
            self._aborted = True
            call = self._call
        if call is not None:
            with contextlib.suppress(OSError):
                call.shutdown(socket.SHUT_RDWR)

    def _connect(self, zygote: Zygote, modules: list[str], shape: dict[str, Any]) -> socket.socket:
        """A call socket whose supervisor has said its pid (a dead zygote is replaced once)."""
        for attempt in range(2):
            call = zygote.connect(modules, shape)
            call.settimeout(self._limits.wall_seconds + _GRACE_SECONDS)
            try:
                hello = json.loads(read_frame(call))
                self._pid, self._scratch = int(hello["pid"]), str(hello["scratch"])
                return call
            except (EOFError, OSError) as error:
                call.close()
                if attempt:
                    raise self._error("crashed", f"could not be supervised: {error}") from None
                zygote.stop()  # it died with the request: the next connect starts another
        raise AssertionError("unreachable")

    def _report(self, payload: bytes) -> bytes:
        zygote = zygote_of(self._limits)
        call = self._connect(zygote, modules_named(payload), self._shape(zygote))
        with self._lock:
            self._call = call
            aborted = self._aborted
        finished = False
        try:
            if aborted:
                raise self._error("crashed", "was stopped: its caller was cancelled")
            write_frame(call, json.dumps(self._config).encode())
            write_frame(call, payload)
            report = read_frame(call)
            finished = True
            zygote.ready()
            return report
        except TimeoutError:
            raise self._error(
                "wall_time", f"ran longer than {self._limits.wall_seconds:g} s of wall time"
            ) from None
        except (EOFError, OSError) as error:
            if self._aborted:
                raise self._error("crashed", "was stopped: its caller was cancelled") from None
            raise self._error("crashed", f"could not be supervised: {error}") from None
        finally:
            call.close()
            if not finished:  # the supervisor did not finish its own clean-up
                if self._pid is not None:
                    _kill_session(self._pid, self._uid())
                if self._scratch is not None:
                    shutil.rmtree(self._scratch, ignore_errors=True)

    def result(self) -> Result[Any, Any]:
        """Run the sandbox and return the stage's Result; raise ``SandboxError`` otherwise."""
        data = self._report(self._payload())
        try:
            report = _PlainValues(io.BytesIO(data)).load()
        except Exception:
            raise self._error("crashed", "could not be supervised: unreadable report") from None
        return self._interpret(report)

    def _interpret(self, report: dict[str, Any]) -> Result[Any, Any]:
        if "isolation" in report:
            raise self._error("isolation_unavailable", f"cannot be isolated: {report['isolation']}")
        output: bytes = report["output"]
        if output:
            _log.info(
                "sandboxed stage %r printed:\n%s",
                self._inner.__name__,
                output.decode(errors="replace"),
            )
        if report["missing"]:
            _log.info("sandboxed stage %r ran without %s", self._inner.__name__, report["missing"])
        limits, code = self._limits, report["exit_code"]
        facts: dict[str, Any] = {"output": output, "exit_code": code}
        if code is not None and code < 0:
            facts = {"output": output, "signal": -code}
        broken, message = report["broken"], report["message"]
        if broken == "wall_time":
            detail = f"ran longer than its {limits.wall_seconds:g} s of wall time"
            raise self._error("wall_time", detail, **facts)
        if broken == "output_too_large":
            detail = f"printed more than its {limits.max_output_bytes} bytes of output"
            raise self._error("output_too_large", detail, **facts)
        if broken == "result_too_large":
            detail = f"returned more than {limits.max_result_bytes} bytes (pickled)"
            raise self._error("result_too_large", detail, **facts)
        if broken == "cancelled":
            raise self._error("crashed", "was stopped: its caller was cancelled", **facts)
        if report["settled"] or code == 0:
            facts = {"output": output}  # settled: killed by its supervisor, as every run is
            result = self._from_message(message, facts)
            if isinstance(result, Failure) and isinstance(result.failure(), StageError):
                self._judge_failure(report, report["peak_address_bytes"], "address space", facts)
                _explain_import(result.failure().error, self._uid())
            return result
        killed = -code if code is not None and code < 0 else None
        used_cpu = report["cpu"] >= self._config["cpu_seconds"] * _CPU_SHARE
        if killed in (signal.SIGXCPU, signal.SIGKILL) and used_cpu:  # the kernel's, not forged
            detail = f"used more than its {limits.cpu_seconds:g} s of CPU time"
            raise self._error("cpu", detail, **facts)
        if killed == signal.SIGXFSZ:
            detail = f"wrote a file past its limit of {limits.file_bytes} bytes"
            raise self._error("file_too_large", detail, **facts)
        self._judge_failure(report, report["peak_resident_bytes"], "limit (resident)", facts)
        if killed is not None:
            raise self._error("crashed", f"was killed by {_signal_name(killed)}", **facts)
        raise self._error("crashed", f"exited with code {code} without a result", **facts)

    def _judge_failure(
        self, report: dict[str, Any], peak: int | None, measure: str, facts: dict[str, Any]
    ) -> None:
        """A failed run that the supervisor saw at a limit fails for that limit.

        ``memory``: its peak address space (``VmPeak``, seen while the worker stood settled) or,
        for a worker that died, its peak resident memory (``wait4``) reached
        `MEMORY_SHARE` of ``memory_bytes``. ``processes``: the processes and threads the
        supervisor counted in the run as it ended reached ``processes`` (where that limit binds:
        not for a stage left running as root). The stage's own
        exception type plays no part: a ``MemoryError`` it raises far from its limit is its own.
        """
        limits = self._limits
        binds = os.geteuid() != 0 or self._uid() is not None  # RLIMIT_NPROC spares root
        if binds and report["tasks"] >= limits.processes:
            detail = (
                f"reached its limit of {limits.processes} processes and threads "
                f"({report['tasks']} were running)"
            )
            raise self._error("processes", detail, **facts)
        if peak is not None and peak >= limits.memory_bytes * MEMORY_SHARE:
            detail = (
                f"ran out of memory: it reached {peak >> 20} MiB of its "
                f"{limits.memory_bytes >> 20} MiB {measure}"
            )
            raise self._error("memory", detail, **facts)

    def _from_message(self, message: bytes, facts: dict[str, Any]) -> Result[Any, Any]:
        kind, body = message[:1], message[1:]
        if kind == b"P":
            text = body.decode(errors="replace")[:_DETAIL_LIMIT]
            raise self._error("not_picklable", text, **facts)
        if kind != b"R":
            if not message:
                raise self._error("crashed", "exited with code 0 without a result", **facts)
            detail = f"sent {len(message)} bytes that are not a result: refused"
            raise self._error("untrusted_result", detail, **facts)
        trusted = TrustedTypes((*declared_types(self._inner), *self._limits.allow))
        try:
            result = trusted.load(body)
        except UntrustedType as refused:
            detail = (
                f"returned or raised {refused}, which is not allowed back into the caller "
                "(allow it with sandbox(allow=[...]) or declare it in the return annotation)"
            )
            raise self._error("untrusted_result", detail, **facts) from None
        except Exception as error:
            detail = f"sent a result that cannot be read: {error!r}"[:_DETAIL_LIMIT]
            raise self._error("untrusted_result", detail, **facts) from None
        if not isinstance(result, Result):
            detail = f"sent a {type(result).__name__} where a Result was due: refused"
            raise self._error("untrusted_result", detail, **facts)
        checked: Result[Any, Any] = result  # pyright: ignore[reportUnknownVariableType]
        return checked
