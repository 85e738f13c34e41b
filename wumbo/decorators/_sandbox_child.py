"""The sandbox's own process: a supervisor (root's side) and the worker that runs the stage.

``python -I -c BOOT PATHS CONFIG`` starts :func:`main` in a new session, with the pickled job
(stage, input, async back end) on stdin. It is the **supervisor**: it becomes a child
subreaper (every orphan of the stage's process tree is re-parented to it), forks the **worker**
and watches it:

* the worker, in a process group of its own, applies the resource limits (``RLIMIT_CPU``,
  ``RLIMIT_AS``, ``RLIMIT_NOFILE``, no core files), loads the job, switches to the sandbox's
  uid (``setgroups([])``, ``setgid``, ``setuid``, then ``RLIMIT_NPROC`` binds; and
  ``PR_SET_NO_NEW_PRIVS``), runs the stage, and writes ``b"R" + pickle(Result)`` or
  ``b"L" + json(limit)`` to its result pipe; its stdout and stderr go to the output pipe;
* the supervisor reads both pipes within their bounds, enforces the wall-clock deadline, then
  kills and reaps every process left (the worker's group and every re-parented orphan), and
  writes one report to its stdout: a pickle of plain values only (the parent refuses any
  other object in it).

Examples:
    >>> _limit_message("memory", "out of memory")
    b'L{"reason": "memory", "message": "out of memory"}'
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import pickle
import resource
import selectors
import signal
import sys
import time
import traceback
from typing import Any, Final, NoReturn

import anyio
from returns.result import Failure, Result

from wumbo.core.result import StageError
from wumbo.decorators._sandbox_limits import SANDBOX_UID_BASE

__all__ = ["main"]

_PR_SET_PDEATHSIG: Final = 1
_PR_SET_CHILD_SUBREAPER: Final = 36
_PR_SET_NO_NEW_PRIVS: Final = 38
_CHUNK: Final = 1 << 16
_FRAME_SLACK: Final = 1 << 12
"""Bytes a pickled Result may take beyond ``max_result_bytes`` (the container's framing)."""


class _Terminated(Exception):
    """The parent asked the supervisor to stop (SIGTERM), or died."""


class _TooLarge(Exception):
    """The pickled result grew past its bound."""


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"prctl({option}) failed: {os.strerror(code)}")


def _limit_message(reason: str, message: str) -> bytes:
    return b"L" + json.dumps({"reason": reason, "message": message}).encode()


# -- the worker ---------------------------------------------------------------------------------


def _tasks_of(uid: int) -> int:
    """Processes and threads of ``uid`` (what ``RLIMIT_NPROC`` counts).

    Read as bytes: after the switch of user, even a text codec may not be importable.
    """
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


def _apply_limits(config: dict[str, Any]) -> None:
    cpu: int = config["cpu_seconds"]
    memory: int = config["memory_bytes"]
    files: int = config["open_files"]
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU, then SIGKILL
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))


def _drop_privileges(config: dict[str, Any]) -> tuple[int, list[str]]:
    """Switch to the sandbox's uid (when asked); return it and the sys.path it cannot read."""
    uid = config["uid"]
    fresh = uid == "fresh"
    if fresh:
        uid = SANDBOX_UID_BASE + os.getppid()
    target = os.getuid() if uid is None else uid
    allowed = (0 if fresh else _tasks_of(target)) + config["processes"]
    resource.setrlimit(resource.RLIMIT_NPROC, (allowed, allowed))
    unreadable: list[str] = []
    if uid is not None:
        unreadable = [entry for entry in sys.path if entry and not _others_can_read(entry)]
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    _prctl(_PR_SET_NO_NEW_PRIVS, 1)
    return target, unreadable


def _hit_process_limit(error: BaseException, uid: int, config: dict[str, Any]) -> bool:
    fork_failed = isinstance(error, OSError) and error.errno == errno.EAGAIN
    thread_failed = isinstance(error, RuntimeError) and "can't start new thread" in str(error)
    if not (fork_failed or thread_failed):
        return False
    limit: int = config["processes"]
    return _tasks_of(uid) >= limit


class _BoundedBuffer:
    """A write-only file for ``pickle.dump`` that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size, self.parts = limit, 0, [b"R"]

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge
        self.parts.append(bytes(data))
        return len(data)


def _classified(
    result: Result[Any, Any], uid: int, unreadable: list[str], config: dict[str, Any]
) -> bytes | None:
    """A limit message for a stage error caused by a sandbox limit, else None."""
    if not isinstance(result, Failure) or not isinstance(result.failure(), StageError):
        return None
    error = result.failure().error
    if isinstance(error, MemoryError):
        limit = config["memory_bytes"] >> 20
        return _limit_message("memory", f"ran out of memory (limit: {limit} MiB address space)")
    if _hit_process_limit(error, uid, config):
        return _limit_message(
            "processes",
            f"reached its limit of {config['processes']} processes and threads ({error})",
        )
    if isinstance(error, ImportError) and unreadable:
        return _limit_message(
            "unreadable",
            f"failed to import while running as uid {uid}, which cannot read {unreadable!r} "
            f"({error}); import what the stage needs at the top of its module (it is loaded "
            "before privileges are dropped), make those directories world-readable, or choose "
            "another uid",
        )
    error.add_note(
        f"wumbo: raised in the sandbox process {os.getpid()}:\n"
        + "".join(traceback.format_tb(error.__traceback__))
    )
    return None


def _pickled(result: Result[Any, Any], config: dict[str, Any]) -> bytes:
    buffer = _BoundedBuffer(config["max_result_bytes"] + _FRAME_SLACK)
    try:
        pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(result)
    except _TooLarge:
        limit = config["max_result_bytes"]
        return _limit_message("result_too_large", f"returned more than {limit} bytes (pickled)")
    except Exception as error:
        what = "result" if not isinstance(result, Failure) else "failure"
        return _limit_message("not_picklable", f"gave a {what} that cannot be pickled: {error!r}")
    return b"".join(buffer.parts)


def _run_job(payload: bytes, config: dict[str, Any]) -> bytes:
    _apply_limits(config)
    try:
        inner, value, backend = pickle.loads(payload)
        if inner.is_async:  # load the event loop's modules while they are still readable
            anyio.run(anyio.sleep, 0, backend=backend)
    except MemoryError:
        return _limit_message("memory", "ran out of memory while loading the stage")
    except Exception as error:
        return _limit_message("not_picklable", f"could not be loaded in the sandbox: {error!r}")
    uid, unreadable = _drop_privileges(config)
    result = anyio.run(inner.acall, value, backend=backend) if inner.is_async else inner(value)
    return _classified(result, uid, unreadable, config) or _pickled(result, config)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _worker(payload: bytes, config: dict[str, Any], result_fd: int) -> NoReturn:
    code, message = 0, b""
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.setpgid(0, 0)
        message = _run_job(payload, config)
    except SystemExit as exit:  # the stage called sys.exit(): like os._exit, no result
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException as error:
        traceback.print_exc()
        message = _limit_message("crashed", f"could not be run in the sandbox: {error!r}")
    if code == 0:
        _write_all(result_fd, message)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):
            stream.flush()
    os._exit(code)


# -- the supervisor -----------------------------------------------------------------------------


def _children() -> list[int]:
    me = os.getpid()
    try:
        with open(f"/proc/{me}/task/{me}/children", encoding="ascii") as f:
            return [int(pid) for pid in f.read().split()]
    except FileNotFoundError:  # kernels without CONFIG_PROC_CHILDREN: scan every process
        found: list[int] = []
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    with open(f"/proc/{entry.name}/stat", encoding="ascii") as f:
                        parent = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                if parent == me:
                    found.append(int(entry.name))
        return found


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap_everything(worker_group: int) -> None:
    """Kill the worker's group and every process re-parented to us, until none is left."""
    while True:
        _kill(-worker_group)
        for pid in _children():
            _kill(pid)
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


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


def _watch(worker: int, result: _Capture, output: _Capture, config: dict[str, Any]) -> str | None:
    """Wait for the worker within the deadline and bounds; the limit it broke, if any."""
    deadline = time.monotonic() + config["wall_seconds"]
    selector = selectors.DefaultSelector()
    for capture in (result, output):
        selector.register(capture.fd, selectors.EVENT_READ, capture)
    selector.register(os.pidfd_open(worker), selectors.EVENT_READ, None)  # readable at exit
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "wall_time"
        for key, _ in selector.select(remaining):
            capture = key.data
            if capture is None:
                return None
            if not capture.read():
                selector.unregister(key.fd)
            elif output.overflow:
                return "output_too_large"
            elif result.overflow:
                return "result_too_large"


def _exit_status(worker: int) -> tuple[int, float]:
    """Wait for the worker: its wait status and the CPU seconds it used."""
    _, status, usage = os.wait4(worker, 0)
    return status, usage.ru_utime + usage.ru_stime


def _supervise(
    worker: int, result: _Capture, output: _Capture, config: dict[str, Any]
) -> dict[str, Any]:
    try:
        broken = _watch(worker, result, output, config)
    except _Terminated:
        broken = "cancelled"
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # cleaning up now: nothing to interrupt
    if broken is not None:
        _kill(-worker)
        _kill(worker)  # in case it had not yet made its own group
    status, cpu = _exit_status(worker)
    _reap_everything(worker)
    for capture in (result, output):
        capture.drain()
    report: dict[str, Any] = {
        "broken": broken,
        "output": bytes(output.data),
        "message": bytes(result.data),
        "cpu": cpu,
        "exit_code": os.waitstatus_to_exitcode(status),
    }
    if broken is None and output.overflow:
        report["broken"] = "output_too_large"
    return report


def _on_sigterm(signum: int, frame: object) -> NoReturn:
    raise _Terminated


def main() -> None:
    """Run one sandboxed job: ``sys.argv[2]`` is the JSON config, stdin the pickled job."""
    config = json.loads(sys.argv[2])
    payload = sys.stdin.buffer.read()
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)  # the parent died: clean up and leave
    result_r, result_w = os.pipe()
    output_r, output_w = os.pipe()
    worker = os.fork()
    if worker == 0:
        os.dup2(output_w, 1)
        os.dup2(output_w, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.closerange(3, result_w)
        os.closerange(result_w + 1, os.sysconf("SC_OPEN_MAX"))
        _worker(payload, config, result_w)
    signal.signal(signal.SIGTERM, _on_sigterm)
    os.close(result_w)
    os.close(output_w)
    with contextlib.suppress(OSError):  # the worker does it too: whichever runs first
        os.setpgid(worker, worker)
    report = _supervise(
        worker,
        _Capture(result_r, config["max_result_bytes"] + _FRAME_SLACK + 1),
        _Capture(output_r, config["max_output_bytes"]),
        config,
    )
    sys.stdout.buffer.write(pickle.dumps(report))
    sys.stdout.buffer.flush()
