"""The parent's side of a sandbox run: start the sandbox process, wait, read its report.

:class:`SandboxRun` starts ``python -I`` running :mod:`wumbo.decorators._sandbox_child` in a
new session with a scrubbed environment, hands it the pickled job on stdin, and waits for its
report (the supervisor enforces the limits and kills what the stage left). :meth:`abort` (from
another thread, e.g. when an async caller is cancelled) asks the supervisor to clean up and
stop. If the supervisor itself does not finish in time, every process of its session (and of
the sandbox's uid) is killed here.

Examples:
    >>> from wumbo import template
    >>> from wumbo.decorators._sandbox_limits import SandboxLimits
    >>> run = SandboxRun(template(abs), -3, SandboxLimits(), "asyncio")
    >>> run.result()
    <Success: 3>
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
import typing
from typing import Any, Final

from returns.result import Result

from wumbo.core.template import Template
from wumbo.decorators._sandbox_error import SandboxError, SandboxReason
from wumbo.decorators._sandbox_limits import SANDBOX_UID_BASE, SandboxLimits

__all__ = ["SandboxRun"]

_log = logging.getLogger("wumbo.sandbox")
_log.addHandler(logging.NullHandler())  # silent unless configured

_BOOT: Final = (
    "import sys, json; sys.path[:] = json.loads(sys.argv[1]); "
    "from wumbo.decorators._sandbox_child import main; main()"
)
_GRACE_SECONDS: Final = 30.0
"""How long past its wall-clock limit the supervisor may take before it is killed itself."""
_ABORT_SECONDS: Final = 5.0
"""How long an aborted supervisor may take to clean up."""

_REASONS: Final[dict[object, SandboxReason]] = {
    reason: reason for reason in typing.get_args(SandboxReason)
}
"""The reasons a sandbox may report (anything else it says counts as a crash)."""


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


class SandboxRun:
    """One run of ``inner`` on ``value`` in a sandbox process; :meth:`result` waits for it.

    Examples:
        >>> from wumbo import template
        >>> from wumbo.decorators._sandbox_limits import SandboxLimits
        >>> SandboxRun(template(len), "abc", SandboxLimits(), "asyncio").result()
        <Success: 3>
    """

    def __init__(
        self, inner: Template[Any, Any, Any], value: Any, limits: SandboxLimits, backend: str
    ) -> None:
        self._inner, self._value, self._limits, self._backend = inner, value, limits, backend
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._aborted = False

    def _error(self, reason: SandboxReason, detail: str, **facts: Any) -> SandboxError:
        process = self._process
        pid = process.pid if process is not None else None
        uid = self._uid(pid)
        return SandboxError(reason, self._inner.__name__, detail, pid=pid, uid=uid, **facts)

    def _uid(self, pid: int | None) -> int | None:
        if pid is None:
            return None
        uid = self._limits.for_child()["uid"]
        return SANDBOX_UID_BASE + pid if uid == "fresh" else uid

    def _payload(self) -> bytes:
        try:
            return pickle.dumps((self._inner, self._value, self._backend), pickle.HIGHEST_PROTOCOL)
        except Exception as error:
            raise self._error(
                "not_picklable",
                f"cannot run in a sandbox: the stage and its input must pickle ({error!r}); "
                "use module-level functions, not lambdas or closures",
            ) from error

    def _command(self) -> list[str]:
        paths = [os.path.abspath(entry) if entry else os.getcwd() for entry in sys.path]
        config = self._limits.for_child()
        return [sys.executable, "-I", "-c", _BOOT, json.dumps(paths), json.dumps(config)]

    def _environment(self) -> dict[str, str]:
        return {name: os.environ[name] for name in self._limits.env_allow if name in os.environ}

    def abort(self) -> None:
        """Stop the run from another thread: the supervisor kills the stage and exits."""
        with self._lock:
            self._aborted = True
            process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)

    def _communicate(self, payload: bytes) -> tuple[bytes, bytes]:
        command, environment = self._command(), self._environment()
        with self._lock:
            if self._aborted:
                raise self._error("crashed", "was stopped: its caller was cancelled")
            self._process = process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=environment,
                start_new_session=True,
            )
        try:
            return process.communicate(payload, self._limits.wall_seconds + _GRACE_SECONDS)
        except BaseException:  # timed out, interrupted or cancelled: leave nothing behind
            self.abort()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.communicate(timeout=_ABORT_SECONDS)
            raise
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            if process.returncode != 0:  # the supervisor did not finish its own clean-up
                _kill_session(process.pid, self._uid(process.pid))

    def result(self) -> Result[Any, Any]:
        """Run the sandbox and return the stage's Result; raise ``SandboxError`` otherwise."""
        payload = self._payload()
        try:
            out, err = self._communicate(payload)
        except subprocess.TimeoutExpired:
            raise self._error(
                "wall_time", f"ran longer than {self._limits.wall_seconds:g} s of wall time"
            ) from None
        try:
            report = _PlainValues(io.BytesIO(out)).load()
        except Exception:
            assert self._process is not None
            code = self._process.returncode
            raise self._error(
                "crashed",
                f"could not be supervised: the sandbox process exited with {code} and said: "
                f"{err.decode(errors='replace')[-2000:]}",
                exit_code=code,
            ) from None
        return self._interpret(report)

    def _interpret(self, report: dict[str, Any]) -> Result[Any, Any]:
        output: bytes = report["output"]
        if output:
            _log.info(
                "sandboxed stage %r printed:\n%s",
                self._inner.__name__,
                output.decode(errors="replace"),
            )
        limits, code = self._limits, report["exit_code"]
        facts: dict[str, Any] = {"output": output, "exit_code": code}
        if code < 0:
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
        if message[:1] == b"R" and code == 0:
            return self._unpickled(message[1:], facts)
        if message[:1] == b"L":
            said = json.loads(message[1:])
            reason = _REASONS.get(said["reason"], "crashed")
            raise self._error(reason, str(said["message"]), **facts)
        if broken == "cancelled":
            raise self._error("crashed", "was stopped: its caller was cancelled", **facts)
        killed = -code if code < 0 else None
        if killed == signal.SIGXCPU or (
            killed == signal.SIGKILL and report["cpu"] >= limits.cpu_seconds
        ):
            detail = f"used more than its {limits.cpu_seconds:g} s of CPU time"
            raise self._error("cpu", detail, **facts)
        if code < 0:
            raise self._error("crashed", f"was killed by {_signal_name(-code)}", **facts)
        raise self._error("crashed", f"exited with code {code} without a result", **facts)

    def _unpickled(self, data: bytes, facts: dict[str, Any]) -> Result[Any, Any]:
        try:
            result: Result[Any, Any] = pickle.loads(data)
        except Exception as error:
            raise self._error(
                "not_picklable", f"returned a result that cannot be unpickled: {error!r}", **facts
            ) from error
        return result
