"""The supervisor of one sandbox run, forked by the zygote ahead of the call it will serve.

:func:`stand_by` prepares a run before any call needs it: it makes the scratch folder, enters
a new PID namespace (a user namespace first when not root), and forks init, which enters the
network namespace and forks the worker (see :mod:`wumbo.decorators._sandbox_worker`). Then it
waits on its channel from the zygote. When a call comes (the call's socket, passed over the
channel) it says its pid and scratch folder, reads the limits and the pickled job, hands
both to the worker, and watches: it reads the result and output pipes within their bounds,
enforces the wall-clock deadline and watches the call socket (its end of file means the caller
is gone or cancelled). Then it kills init (and with it the whole namespace) and anything
re-parented to it, reaps everything, removes the scratch folder and writes its report: a
pickle of plain values. It judges nothing the worker wrote: the worker's bytes go on as they
came, for the caller's restricted unpickler. If the channel closes without a call (the
zygote discarded it, or died), it cleans up and exits.

Examples:
    >>> left, right = socket.socketpair()
    >>> with left, right:
    ...     write_frame(left, b"job")
    ...     read_frame(right)
    b'job'
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import pickle
import secrets
import selectors
import shutil
import signal
import socket
import struct
import time
import traceback
from typing import Any, Final, NoReturn

from wumbo.decorators import _sandbox_kernel as kernel
from wumbo.decorators._sandbox_worker import FRAME_SLACK, run_init

__all__ = ["read_frame", "stand_by", "write_frame"]

_PR_SET_CHILD_SUBREAPER: Final = 36
_CHUNK: Final = 1 << 16


def write_frame(sock: socket.socket, data: bytes) -> None:
    """Send ``data`` with an 8-byte length in front."""
    sock.sendall(struct.pack("!Q", len(data)) + data)


def read_frame(sock: socket.socket) -> bytes:
    """Receive one frame written by :func:`write_frame` (``EOFError`` if the peer is gone)."""
    size = struct.unpack("!Q", _read_exactly(sock, 8))[0]
    return _read_exactly(sock, size)


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    parts: list[bytes] = []
    missing = size
    while missing:
        chunk = sock.recv(min(missing, 1 << 20))
        if not chunk:
            raise EOFError("the peer closed the sandbox's socket")
        parts.append(chunk)
        missing -= len(chunk)
    return b"".join(parts)


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"prctl({option}) failed: {os.strerror(code)}")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _children() -> list[int]:
    me = os.getpid()
    with open(f"/proc/{me}/task/{me}/children", encoding="ascii") as f:
        return [int(pid) for pid in f.read().split()]


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap_everything(group: int) -> None:
    """Kill init's group and every process re-parented to us, until none is left."""
    while True:
        _kill(-group)
        for pid in _children():
            _kill(pid)
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def _tasks_of(uid: int) -> int:
    """Processes and threads of ``uid`` (what ``RLIMIT_NPROC`` counts)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as f:
                fields = dict(line.split(b":", 1) for line in f if b":" in line)
        except OSError:
            continue
        if int(fields.get(b"Uid", b"-1").split()[0]) == uid:
            total += int(fields.get(b"Threads", b"1"))
    return total


class _Capture:
    """A bounded byte buffer for one pipe."""

    def __init__(self, fd: int, limit: int) -> None:
        self.fd, self.limit, self.data, self.overflow = fd, limit, bytearray(), False

    def read(self) -> bool:
        """Read what is there; False at end of file."""
        chunk = os.read(self.fd, _CHUNK)
        room = self.limit - len(self.data)
        self.data += chunk[: max(room, 0)]
        self.overflow = self.overflow or len(chunk) > room
        return bool(chunk)

    def drain(self) -> None:
        """Read to end of file (every writer is dead by now)."""
        os.set_blocking(self.fd, True)
        while not self.overflow and self.read():
            pass


def _watch(
    init: int, call: socket.socket, result: _Capture, output: _Capture, wall_seconds: float
) -> str | None:
    """Wait for init within the deadline and bounds; the limit it broke, if any."""
    deadline = time.monotonic() + wall_seconds
    selector = selectors.DefaultSelector()
    for capture in (result, output):
        selector.register(capture.fd, selectors.EVENT_READ, capture)
    pidfd = os.pidfd_open(init)
    selector.register(pidfd, selectors.EVENT_READ, "exited")
    selector.register(call, selectors.EVENT_READ, "caller")
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "wall_time"
            for key, _ in selector.select(remaining):
                capture = key.data
                if capture == "exited":
                    return None
                if capture == "caller":
                    return "cancelled"
                if not capture.read():
                    selector.unregister(key.fd)
                elif output.overflow:
                    return "output_too_large"
                elif result.overflow:
                    return "result_too_large"
    finally:
        selector.close()
        os.close(pidfd)


class _Run:
    """One prepared run: scratch folder, namespaces, init and a worker waiting for its job."""

    def __init__(self, shape: dict[str, Any], tempdir: str) -> None:
        self.shape = shape
        uid = shape["uid"]
        self.fresh = uid == "fresh"
        self.run_as: int | None = shape["uid_base"] + os.getpid() if self.fresh else uid
        self.scratch = os.path.join(tempdir, f"wumbo-sandbox-{secrets.token_hex(8)}")
        self.refused: str | None = None
        self.missing: list[str] = []
        if shape["new_pid"]:
            self._enter_pid_namespace()
        self.pipes = {name: os.pipe() for name in ("job", "result", "output", "status")}
        self.init = os.fork()
        if self.init == 0:
            run_init(shape["new_network"], shape["strict"], self.pipes)
        for name, (read_end, write_end) in self.pipes.items():
            os.close(read_end if name == "job" else write_end)
        with contextlib.suppress(OSError):
            os.setpgid(self.init, self.init)

    def _enter_pid_namespace(self) -> None:
        own_user = self.shape["user_namespace"]
        flags = kernel.CLONE_NEWPID | (kernel.CLONE_NEWUSER if own_user else 0)
        uid, gid = os.getuid(), os.getgid()
        try:
            kernel.unshare(flags)
            if own_user:
                kernel.map_own_user(uid, gid)
        except OSError as error:
            if self.shape["strict"]:
                self.refused = f"PID namespace: {error}"
            else:
                self.missing.append(f"PID namespace ({error})")

    def serve(self, call: socket.socket) -> None:
        """Run the call that came on ``call``; write the report to it."""
        os.mkdir(self.scratch, 0o700)  # made now: a standby leaves no folder behind
        if self.run_as is not None:
            os.chown(self.scratch, self.run_as, self.run_as)
        write_frame(call, json.dumps({"pid": os.getpid(), "scratch": self.scratch}).encode())
        config: dict[str, Any] = json.loads(read_frame(call))
        payload = read_frame(call)
        if self.refused is not None:
            write_frame(call, pickle.dumps({"isolation": self.refused}))
            return
        target = os.getuid() if self.run_as is None else self.run_as
        nproc = (0 if self.fresh else _tasks_of(target)) + config["processes"]
        job = {**self.shape, **config, "run_as": self.run_as, "nproc": nproc}
        job["scratch"] = self.scratch
        data = json.dumps(job).encode()
        job_w = self.pipes["job"][1]
        with contextlib.suppress(OSError):  # a worker that died early: seen by init
            _write_all(job_w, struct.pack("!Q", len(data)) + data + payload)
        os.close(job_w)
        report = self._supervise(call, config)
        self.remove_scratch()
        write_frame(call, pickle.dumps(report))

    def _supervise(self, call: socket.socket, config: dict[str, Any]) -> dict[str, Any]:
        limit: int = config["max_result_bytes"]
        result = _Capture(self.pipes["result"][0], limit + FRAME_SLACK + 1)
        output = _Capture(self.pipes["output"][0], config["max_output_bytes"])
        status = _Capture(self.pipes["status"][0], 1 << 16)
        broken = _watch(self.init, call, result, output, config["wall_seconds"])
        self.stop()
        for capture in (result, output, status):
            capture.drain()
        relay: dict[str, Any] = json.loads(bytes(status.data) or b"{}")
        if relay.get("failed") and not broken:
            return {"isolation": str(relay["failed"])}
        if broken is None and output.overflow:
            broken = "output_too_large"
        if broken is None and result.overflow:
            broken = "result_too_large"
        worker_status = relay.get("status")
        return {
            "broken": broken,
            "output": bytes(output.data),
            "message": bytes(result.data),  # passed on as it came: never judged here
            "cpu": float(relay.get("cpu", 0.0)),
            "exit_code": None
            if worker_status is None
            else os.waitstatus_to_exitcode(worker_status),
            "missing": [*self.missing, *relay.get("missing", [])],
        }

    def stop(self) -> None:
        """Kill init (pid 1: every process of the namespace dies with it) and reap all."""
        _kill(self.init)
        _reap_everything(self.init)

    def remove_scratch(self) -> None:
        """Remove the scratch folder and everything in it."""
        shutil.rmtree(self.scratch, ignore_errors=True)


def _occupy_standard_fds() -> None:
    """Point free fds 0-2 (the zygote's control socket was 0) at /dev/null, so no pipe of the
    run lands there (the worker makes 0-2 its own)."""
    while (fd := os.open(os.devnull, os.O_RDWR)) <= 2:
        pass
    os.close(fd)


def stand_by(channel: socket.socket, shape: dict[str, Any], tempdir: str) -> NoReturn:
    """Prepare a run, wait for its call on ``channel``, serve it, clean up, exit."""
    code = 0
    try:
        os.setsid()
        _occupy_standard_fds()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _prctl(_PR_SET_CHILD_SUBREAPER, 1)
        run = _Run(shape, tempdir)
        try:
            _, fds, _, _ = socket.recv_fds(channel, 16, 1)
            if fds:
                with socket.socket(fileno=fds[0]) as call:
                    run.serve(call)
        finally:
            run.stop()
            run.remove_scratch()
    except BaseException:
        traceback.print_exc()
        code = 1
    os._exit(code)
