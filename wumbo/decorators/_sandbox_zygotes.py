"""The caller's side of the zygotes: start lazily, restart when dead, shut down at exit.

One zygote per ``sys.path``, environment and temp folder the caller uses. `Zygote.connect` hands
the zygote one end of a fresh socket pair and returns the other: the call's channel to the
supervisor the zygote forks for it. The zygote is started with ``subprocess`` (a fresh, clean
interpreter, never a fork of the caller, whose threads and locks it must not inherit).

Examples:
    >>> import sys
    >>> zygote = zygote_for(tuple(sys.path), (("PATH", "/usr/bin:/bin"),), "/tmp")
    >>> zygote.capabilities.file_size_limit
    True
"""

from __future__ import annotations

import atexit
import contextlib
import json
import pickletools
import socket
import subprocess
import sys
import threading
from typing import Any, Final

from wumbo.decorators._sandbox_capabilities import SandboxCapabilities
from wumbo.decorators._sandbox_zygote import BOOT

__all__ = ["Zygote", "modules_named", "zygote_for"]

_START_SECONDS: Final = 60.0
"""How long a zygote may take to start and probe the kernel."""
_STRINGS: Final = frozenset({"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE"})


def modules_named(payload: bytes) -> list[str]:
    """The modules a pickle's globals come from (for the zygote to import once).

    Examples:
        >>> import pickle, fractions
        >>> modules_named(pickle.dumps(fractions.Fraction(1, 2)))
        ['fractions']
    """
    found: dict[str, None] = {}
    memo: dict[int, object] = {}
    recent: list[object] = []
    for opcode, argument, _ in pickletools.genops(payload):
        name = opcode.name
        if name in _STRINGS:
            recent.append(argument)
        elif name == "MEMOIZE":
            memo[len(memo)] = recent[-1] if recent else None
        elif name in ("BINGET", "LONG_BINGET"):
            recent.append(memo.get(argument if isinstance(argument, int) else -1))
        elif name == "STACK_GLOBAL":
            if len(recent) >= 2 and isinstance(recent[-2], str):
                found[recent[-2]] = None
            recent = []
        elif name == "GLOBAL":
            found[str(argument).split(" ", 1)[0]] = None
        else:
            recent = []
    found.pop("__main__", None)
    return list(found)


class Zygote:
    """A zygote process for one ``sys.path`` and environment (started at the first call).

    Examples:
        >>> import sys
        >>> zygote = zygote_for(tuple(sys.path), (), "/tmp")
        >>> shape = {"new_pid": False, "new_network": False, "user_namespace": False,
        ...          "strict": False, "uid": None, "uid_base": 2_000_000_000}
        >>> zygote.connect([], shape).close()
    """

    def __init__(
        self, paths: tuple[str, ...], environment: tuple[tuple[str, str], ...], tempdir: str
    ) -> None:
        self._paths, self._environment, self._tempdir = paths, dict(environment), tempdir
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._capabilities: SandboxCapabilities | None = None

    @property
    def pid(self) -> int | None:
        """The zygote's pid, once started."""
        return None if self._process is None else self._process.pid

    @property
    def capabilities(self) -> SandboxCapabilities:
        """What the kernel allows (probed by the zygote when it started)."""
        with self._lock:
            self._ensure_running()
            assert self._capabilities is not None
            return self._capabilities

    def _ensure_running(self) -> socket.socket:
        if self._process is not None and self._process.poll() is None and self._control:
            return self._control
        self._stop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-c", BOOT, json.dumps(self._paths), self._tempdir],
                stdin=theirs.fileno(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=self._environment,
                start_new_session=True,
            )
        ours.settimeout(_START_SECONDS)
        try:
            hello = ours.recv(1 << 16)
        except OSError as error:
            ours.close()
            raise OSError(f"the sandbox's zygote did not start: {error}") from error
        if not hello:
            ours.close()
            code = self._process.wait()
            raise OSError(f"the sandbox's zygote exited with {code} at start")
        ours.settimeout(None)
        self._capabilities = SandboxCapabilities(**json.loads(hello))
        self._control = ours
        return ours

    def connect(self, modules: list[str], shape: dict[str, Any]) -> socket.socket:
        """A socket to a fresh supervisor of this ``shape``, with ``modules`` imported."""
        ours, theirs = socket.socketpair()
        with theirs, self._lock:
            message = json.dumps({"modules": modules, "shape": shape}).encode()
            try:
                socket.send_fds(self._ensure_running(), [message], [theirs.fileno()])
            except OSError:  # it died since: start another, once
                self._stop()
                socket.send_fds(self._ensure_running(), [message], [theirs.fileno()])
        return ours

    def ready(self) -> None:
        """Say a call is over: the zygote prepares the next run now (never during a call)."""
        with self._lock:
            if self._control is not None:
                with contextlib.suppress(OSError):
                    self._control.send(b"ready")

    def _stop(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        process, self._process = self._process, None
        if process is not None:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop(self) -> None:
        """Close the control socket: the zygote exits (killed if it takes over 5 s)."""
        with self._lock:
            self._stop()


_zygotes: dict[tuple[tuple[str, ...], tuple[tuple[str, str], ...], str], Zygote] = {}
_registry_lock = threading.Lock()


def zygote_for(
    paths: tuple[str, ...], environment: tuple[tuple[str, str], ...], tempdir: str
) -> Zygote:
    """The zygote for this ``sys.path``, environment and temp folder (one each, shared)."""
    key = (paths, environment, tempdir)
    with _registry_lock:
        zygote = _zygotes.get(key)
        if zygote is None:
            zygote = _zygotes[key] = Zygote(paths, environment, tempdir)
        return zygote


@atexit.register
def _stop_all() -> None:
    with _registry_lock:
        zygotes = list(_zygotes.values())
    for zygote in zygotes:
        with contextlib.suppress(Exception):
            zygote.stop()
