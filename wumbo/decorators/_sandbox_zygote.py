"""The zygote: a clean process, started once, that keeps the next sandbox run ready.

The caller starts ``python -I -c BOOT PATHS TEMPDIR`` with a ``SOCK_SEQPACKET`` control socket
as its stdin. `main` probes the kernel ([`SandboxCapabilities`][wumbo.decorators.sandbox.SandboxCapabilities]); not root, it then
enters a user namespace of its own (mapping its own uid), once. It sends the probe as its first
message, then serves requests: each is a JSON object (the modules the job's pickle names, to
import once so every later run finds them loaded, and the shape of the run: which namespaces,
which uid) with one file descriptor, the call's socket. It hands the socket to a supervisor forked
**ahead** of the call as pid 1 of a new PID namespace (by a short-lived starter process that
``unshare``s and forks it, so the zygote itself never leaves its namespace; the zygote is the
supervisors' subreaper; see `wumbo.decorators._sandbox_supervisor.stand_by`), with that
run's network namespace and worker already in place. It forks the next one when the caller says its
call is over (a ``ready`` message, without a descriptor), so that preparing it never competes
with a running call. A standby of another shape, or forked before a module the call needs was
loaded, is discarded (its channel closed: it cleans up and exits) and a fresh one forked.
Supervisors are reaped by the kernel (``SIGCHLD`` ignored). The zygote never runs a stage
itself, so each call starts from the same state. End of file on the control socket (the caller
closed it, or died) ends the zygote: it discards the standby and waits for every supervisor
to exit first, so nothing of it outlives it.

Examples:
    >>> "_sandbox_zygote import main" in BOOT
    True
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import socket
import sys
from typing import Any, Final, NoReturn

from wumbo.decorators import _sandbox_kernel as kernel
from wumbo.decorators._sandbox_capabilities import SandboxCapabilities
from wumbo.decorators._sandbox_supervisor import stand_by

__all__ = ["BOOT", "main"]

BOOT: Final = (
    "import sys, json; sys.path[:] = json.loads(sys.argv[1]); "
    "from wumbo.decorators._sandbox_zygote import main; main()"
)
_MESSAGE: Final = 1 << 16
_LAZY_STDLIB: Final = ("encodings.idna",)
"""Loaded lazily by the standard library (every socket address goes through the idna codec),
so loaded here, while the interpreter's files are still readable to the run's user."""


def _preload(modules: list[str]) -> bool:
    """Import ``modules``; whether any of them was new."""
    new = False
    for name in modules:
        if name not in sys.modules:
            new = True
            with contextlib.suppress(Exception):  # the run will report a real problem
                importlib.import_module(name)
    return new


class _Standby:
    """A supervisor forked ahead of its call, and the channel that will hand it the call."""

    def __init__(self, control: socket.socket, shape: dict[str, Any], tempdir: str) -> None:
        self.key = json.dumps(shape, sort_keys=True)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        said_read, said_write = os.pipe()
        if os.fork() == 0:  # the starter: it enters a new PID namespace, forks, and leaves
            control.close()
            os.close(said_read)
            _start_supervisor(ours, theirs, said_write, shape, tempdir)
        os.close(said_write)
        theirs.close()
        with os.fdopen(said_read, "rb") as said:
            pid = said.read()  # the supervisor's pid, as this namespace sees it
        ours.send(pid)
        self.channel = ours

    def hand_over(self, fd: int) -> None:
        """Give it the call's socket; it serves the call and exits."""
        with self.channel, contextlib.suppress(OSError):  # gone: the caller sees its socket close
            socket.send_fds(self.channel, [b"call"], [fd])

    def discard(self) -> None:
        """Close its channel: it cleans up and exits."""
        self.channel.close()


def _finish(standby: _Standby | None) -> None:
    """Discard the standby and wait until every supervisor has exited (SIGCHLD ignored: the
    wait ends, with ECHILD, when the last child is gone), so nothing outlives the zygote."""
    if standby is not None:
        standby.discard()
    with contextlib.suppress(ChildProcessError):
        while True:
            os.waitpid(-1, 0)


def _start_supervisor(
    ours: socket.socket, theirs: socket.socket, said: int, shape: dict[str, Any], tempdir: str
) -> NoReturn:
    """In the starter: enter a new PID namespace (its next child is that namespace's pid 1),
    fork the supervisor, say its pid and exit (the supervisor comes back to the zygote, a
    subreaper). A non-root zygote cannot return to its own PID namespace once it has left it:
    so the starter leaves, never the zygote."""
    code = 0
    try:
        pid_error: str | None = None
        if shape["new_pid"]:
            try:
                kernel.unshare(kernel.CLONE_NEWPID)
            except OSError as error:
                pid_error = str(error)
        pid = os.fork()
        if pid == 0:
            ours.close()
            os.close(said)
            stand_by(theirs, shape, tempdir, pid_error)
        os.write(said, str(pid).encode())
    except BaseException:
        code = 1  # nothing said: the zygote hands the call to no one, the caller sees a crash
    os._exit(code)


def main() -> None:
    """Serve sandbox calls on the control socket (stdin) until it closes."""
    tempdir = sys.argv[2]
    control = socket.socket(fileno=0)
    _preload(list(_LAZY_STDLIB))
    capabilities = SandboxCapabilities.probe()
    if not capabilities.uid_switch and capabilities.user_namespace:
        uid, gid = os.getuid(), os.getgid()
        kernel.unshare(kernel.CLONE_NEWUSER)  # capabilities for the other namespaces
        kernel.map_own_user(uid, gid)
    kernel.prctl(kernel.PR_SET_CHILD_SUBREAPER, 1)  # supervisors come back here, their starter gone
    control.sendall(json.dumps(capabilities.as_dict()).encode())
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors reaped by the kernel
    standby: _Standby | None = None
    shape: dict[str, Any] | None = None
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, _MESSAGE, 1)
        except OSError:
            message, fds = b"", []
        if not message:
            _finish(standby)
            return
        if not fds:  # "ready": the caller's call is over, prepare the next run now
            if standby is None and shape is not None:
                standby = _Standby(control, shape, tempdir)
            continue
        request = json.loads(message)
        wanted: dict[str, Any] = request["shape"]
        shape = wanted
        stale = _preload(request["modules"])
        if standby is not None and (stale or standby.key != json.dumps(wanted, sort_keys=True)):
            standby.discard()
            standby = None
        current = standby or _Standby(control, wanted, tempdir)
        current.hand_over(fds[0])
        os.close(fds[0])
        standby = None
