"""The supervisor of one sandbox run, forked by the zygote ahead of the call it will serve.

The zygote has it forked as pid 1 of a new PID namespace (by a starter process that
enters the namespace, forks it and exits). `stand_by` prepares the run before
any call needs it: it enters a new network namespace (loopback only, unless the caller's
network was asked for) and forks the worker (see `wumbo.decorators._sandbox_worker`),
which waits for its job. Then it waits on its channel from the zygote. When a call comes (the call's socket, passed over the
channel) it says its pid and scratch folder, reads the limits and the pickled job, hands
both to the worker, and watches: it reads the result and output pipes within their bounds,
enforces the wall-clock deadline and watches the call socket (its end of file means the caller
is gone or cancelled). Once the worker has settled (its result written, it waits alive) or
died, it looks at the run before touching it: the worker's peak address space (``VmPeak``) and
the processes and threads of the run. Then, as the namespace's init, it kills every other
process in it (``kill(-1)``: the worker and anything it started, wherever it moved), reaps them
all with the worker's exit status, CPU time and peak resident memory (``wait4``), removes the
scratch folder (made when the call came) and writes its report: a pickle of plain values, the
facts the caller decides the failure reason from. It judges nothing the worker wrote: the worker's bytes go on as they
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
from wumbo.decorators._sandbox_worker import FRAME_SLACK, run_worker

__all__ = ["read_frame", "stand_by", "write_frame"]

_CHUNK: Final = 1 << 16


def write_frame(sock: socket.socket, data: bytes) -> None:
    """Send ``data`` with an 8-byte length in front."""
    sock.sendall(struct.pack("!Q", len(data)) + data)


def read_frame(sock: socket.socket) -> bytes:
    """Receive one frame written by `write_frame` (``EOFError`` if the peer is gone)."""
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


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _children() -> list[int]:
    with open("/proc/thread-self/children", encoding="ascii") as f:
        return [int(pid) for pid in f.read().split()]


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _kill_all(group: int) -> None:
    """Kill every process of the run: as the namespace's init, every other process in it;
    without a PID namespace, the worker's group and every child (re-parented ones too)."""
    if os.getpid() == 1:
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)
        return
    _kill(-group)
    for pid in _children():
        _kill(pid)


def _reap_everything(group: int) -> None:
    """Kill and reap every process of the run, until none is left."""
    while True:
        _kill_all(group)
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def _user_namespace(pid: int | str) -> int | None:
    try:
        return os.stat(f"/proc/{pid}/ns/user").st_ino
    except OSError:
        return None


def _tasks_of(uid: int, *, this_user_namespace: bool) -> int:
    """Processes and threads of ``uid`` (what ``RLIMIT_NPROC`` counts): on the machine, or
    (``this_user_namespace``, a non-root caller's) in this process's user namespace only, which
    is where the kernel counts them, and where every unmapped user reads as ``nobody``."""
    own = _user_namespace("self") if this_user_namespace else None
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        if own is not None and _user_namespace(entry.name) != own:
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
    worker: int,
    call: socket.socket,
    captures: tuple[_Capture, _Capture],
    settled: int,
    wall_seconds: float,
) -> str:
    """Wait for the worker within the deadline and bounds: ``"settled"`` (its result is
    written and it waits, alive, to be looked at), ``"exited"``, or the limit it broke."""
    result, output = captures
    deadline = time.monotonic() + wall_seconds
    selector = selectors.DefaultSelector()
    for capture in captures:
        selector.register(capture.fd, selectors.EVENT_READ, capture)
    pidfd = os.pidfd_open(worker)
    selector.register(pidfd, selectors.EVENT_READ, "exited")
    selector.register(settled, selectors.EVENT_READ, "settled")
    selector.register(call, selectors.EVENT_READ, "cancelled")
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "wall_time"
            for key, _ in selector.select(remaining):
                capture = key.data
                if capture == "settled" and not os.read(settled, 1):
                    selector.unregister(settled)  # end of file: it died before settling
                elif isinstance(capture, str):
                    return capture
                elif not capture.read():
                    selector.unregister(key.fd)
                elif output.overflow:
                    return "output_too_large"
                elif result.overflow:
                    return "result_too_large"
    finally:
        selector.close()
        os.close(pidfd)


def _status_kib(pid: int, field: bytes) -> int | None:
    """A ``kB`` field of ``/proc/PID/status`` (``VmPeak``...), None once the process is gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(field + b":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _tasks_below(pids: list[int]) -> int:
    """Processes and threads of ``pids`` and all their descendants (what the run holds)."""
    total, pending = 0, list(pids)
    while pending:
        pid = pending.pop()
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        total += len(tids)
        for tid in tids:
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{tid}/children") as f:
                pending.extend(int(child) for child in f.read().split())
    return total


class _Run:
    """One prepared run: its network namespace and a worker waiting for its job."""

    def __init__(
        self, shape: dict[str, Any], tempdir: str, host_pid: int, pid_error: str | None
    ) -> None:
        self.shape = shape
        uid = shape["uid"]
        self.fresh = uid == "fresh"
        self.host_pid = host_pid
        self.run_as: int | None = shape["uid_base"] + host_pid if self.fresh else uid
        self.scratch = os.path.join(tempdir, f"wumbo-sandbox-{secrets.token_hex(8)}")
        self.refused: str | None = None
        self.missing: list[str] = []
        if pid_error is not None:
            self._lacking(f"PID namespace: {pid_error}")
        if shape["new_network"]:
            try:
                kernel.unshare(kernel.CLONE_NEWNET)
                kernel.loopback_up()
            except OSError as error:
                self._lacking(f"network namespace: {error}")
        self.pipes = {name: os.pipe() for name in ("job", "result", "output", "settled")}
        self.worker = os.fork()
        if self.worker == 0:
            run_worker(self.pipes, shape["landlock"])
        for name, (read_end, write_end) in self.pipes.items():
            os.close(read_end if name == "job" else write_end)
        with contextlib.suppress(OSError):
            os.setpgid(self.worker, self.worker)
        self.worker_in_proc = _children()[0]  # its pid as /proc (the caller's namespace) says
        self.status: tuple[int, float, int] | None = None

    def _lacking(self, protection: str) -> None:
        if self.shape["strict"]:
            self.refused = self.refused or protection
        else:
            self.missing.append(protection)

    def serve(self, call: socket.socket) -> None:
        """Run the call that came on ``call``; write the report to it."""
        os.mkdir(self.scratch, 0o700)  # made now: a standby leaves no folder behind
        if self.run_as is not None:
            os.chown(self.scratch, self.run_as, self.run_as)
        write_frame(call, json.dumps({"pid": self.host_pid, "scratch": self.scratch}).encode())
        config: dict[str, Any] = json.loads(read_frame(call))
        payload = read_frame(call)
        if self.refused is not None:
            write_frame(call, pickle.dumps({"isolation": self.refused}))
            return
        nproc = config["processes"] + (0 if self.fresh else self._others_tasks())
        job = {**self.shape, **config, "run_as": self.run_as, "nproc": nproc}
        job["scratch"] = self.scratch
        data = json.dumps(job).encode()
        job_w = self.pipes["job"][1]
        with contextlib.suppress(OSError):  # a worker that died early: seen by its status
            _write_all(job_w, struct.pack("!Q", len(data)) + data + payload)
        os.close(job_w)
        report = self._supervise(call, config)
        self.remove_scratch()
        write_frame(call, pickle.dumps(report))

    def _others_tasks(self) -> int:
        """The tasks the run's user has outside the run: ``RLIMIT_NPROC`` is this plus
        ``processes``. (In a user namespace the waiting worker has that uid already.)"""
        if self.run_as is not None:
            return _tasks_of(self.run_as, this_user_namespace=False)
        in_namespace = bool(self.shape["user_namespace"])
        mine = _tasks_below(_children()) if in_namespace else 0
        return _tasks_of(os.getuid(), this_user_namespace=in_namespace) - mine

    def _supervise(self, call: socket.socket, config: dict[str, Any]) -> dict[str, Any]:
        limit: int = config["max_result_bytes"]
        result = _Capture(self.pipes["result"][0], limit + FRAME_SLACK + 1)
        output = _Capture(self.pipes["output"][0], config["max_output_bytes"])
        outcome = _watch(
            self.worker, call, (result, output), self.pipes["settled"][0], config["wall_seconds"]
        )
        # what the run holds as it ends, seen before anything is killed: the supervisor's facts
        address_kib = _status_kib(self.worker_in_proc, b"VmPeak")
        tasks = _tasks_below(_children())
        self.stop()
        for capture in (result, output):
            capture.drain()
        broken = None if outcome in ("settled", "exited") else outcome
        if broken is None and output.overflow:
            broken = "output_too_large"
        if broken is None and result.overflow:
            broken = "result_too_large"
        status, cpu, rss_kib = self.status or (None, 0.0, 0)
        return {
            "broken": broken,
            "settled": outcome == "settled",
            "output": bytes(output.data),
            "message": bytes(result.data),  # passed on as it came: never judged here
            "cpu": cpu,
            "exit_code": None if status is None else os.waitstatus_to_exitcode(status),
            "peak_address_bytes": None if address_kib is None else address_kib * 1024,
            "peak_resident_bytes": rss_kib * 1024,
            "tasks": tasks,
            "missing": self.missing,
        }

    def stop(self) -> None:
        """Kill every process of the run; keep the worker's status; reap all."""
        _kill_all(self.worker)
        if self.status is None:
            ran = self._run_time()
            with contextlib.suppress(ChildProcessError):
                _, status, usage = os.wait4(self.worker, 0)
                cpu = max(ran, usage.ru_utime + usage.ru_stime)
                self.status = (status, cpu, usage.ru_maxrss)
        _reap_everything(self.worker)

    def _run_time(self) -> float:
        """The worker's CPU time as the scheduler counted it (exact; rusage is sampled)."""
        try:
            with open(f"/proc/{self.worker_in_proc}/schedstat", encoding="ascii") as f:
                return int(f.read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            return 0.0

    def remove_scratch(self) -> None:
        """Remove the scratch folder and everything in it."""
        shutil.rmtree(self.scratch, ignore_errors=True)


def _occupy_standard_fds() -> None:
    """Point free fds 0-2 (the zygote's control socket was 0) at /dev/null, so no pipe of the
    run lands there (the worker makes 0-2 its own)."""
    while (fd := os.open(os.devnull, os.O_RDWR)) <= 2:
        pass
    os.close(fd)


def stand_by(
    channel: socket.socket, shape: dict[str, Any], tempdir: str, pid_error: str | None
) -> NoReturn:
    """Prepare a run, wait for its call on ``channel``, serve it, clean up, exit.

    The zygote first sends this process's pid as its own PID namespace does not show it.
    """
    code = 0
    try:
        host_pid = int(channel.recv(32))
        os.setsid()
        _occupy_standard_fds()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        kernel.prctl(kernel.PR_SET_CHILD_SUBREAPER, 1)  # without a PID namespace: orphans come here
        run = _Run(shape, tempdir, host_pid, pid_error)
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
