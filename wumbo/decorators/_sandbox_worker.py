"""The worker of one sandbox run: the process that runs the stage.

`run_worker` is forked by the run's supervisor (pid 1 of the run's PID namespace, already
in its network namespace) ahead of the call. It waits for its job on a pipe, then:

* applies the resource limits (``RLIMIT_CPU``, ``RLIMIT_AS``, ``RLIMIT_NOFILE``,
  ``RLIMIT_FSIZE``, no core files),
* loads the job, moves into the scratch folder (its working directory and ``TMPDIR``) and
  restricts itself with Landlock (reads below the interpreter, ``sys.path`` and ``readable``;
  writes below the scratch folder and ``writable``),
* switches to the sandbox's uid (``setgroups([])``, ``setgid``, ``setuid``, then
  ``RLIMIT_NPROC`` binds) and sets ``PR_SET_NO_NEW_PRIVS``,
* runs the stage and writes ``b"R" + pickle(Result)`` (or ``b"P"`` + why it cannot pickle) to
  its result pipe; stdout and stderr go to the output pipe,
* then says so on its ``settled`` pipe and waits, alive, to be killed: the supervisor looks at
  it (its peak address space, the processes and threads of the run) while all of it still
  stands, so a limit's reason comes from what the supervisor sees, not from the stage's word.

Nothing it writes is trusted: the supervisor passes the bytes on, the caller judges them. A
stage that skips the wait (``os._exit``) only loses the supervisor's look at it.

Examples:
    >>> _pickled(Failure("no"), {"max_result_bytes": 100})[:1]
    b'R'
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import resource
import signal
import struct
import sys
import tempfile
import traceback
from typing import Any, Final, NoReturn

import anyio
from returns.result import Failure, Result

from wumbo.core.result import StageError
from wumbo.decorators import _sandbox_kernel as kernel

__all__ = ["FRAME_SLACK", "run_worker"]

_CHUNK: Final = 1 << 16
FRAME_SLACK: Final = 1 << 12
"""Bytes a pickled Result may take beyond ``max_result_bytes`` (the container's framing)."""
_DEVICES: Final = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")
_SYSTEM_READABLE: Final = (
    "/lib",
    "/lib64",
    "/usr/lib",
    "/usr/lib64",
    "/usr/local/lib",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/usr/share/zoneinfo",
)
"""What the dynamic loader and the time zone need beyond the interpreter's own prefix."""


class _TooLarge(Exception):
    """The pickled result grew past its bound."""


def _apply_limits(config: dict[str, Any]) -> None:
    cpu: int = config["cpu_seconds"]
    memory: int = config["memory_bytes"]
    files: int = config["open_files"]
    size: int = config["file_bytes"]
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU, then SIGKILL
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it: a write past the limit kills


def _drop_privileges(config: dict[str, Any]) -> None:
    uid: int | None = config["run_as"]
    allowed: int = config["nproc"]
    resource.setrlimit(resource.RLIMIT_NPROC, (allowed, allowed))
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    elif config["user_namespace"]:
        kernel.drop_capabilities()
    kernel.prctl(kernel.PR_SET_NO_NEW_PRIVS, 1)


def _prepared_rules() -> kernel.LandlockRules:
    """The rules every run shares, built before the call: reads below the interpreter's
    prefixes, ``sys.path`` (not ``/``), the loader's and time zone's files, a few devices."""
    rules = kernel.LandlockRules()
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    entries = [entry for entry in sys.path if entry and os.path.abspath(entry) != "/"]
    rules.allow([*prefixes, *entries, *_SYSTEM_READABLE, *_DEVICES], write=False)
    rules.allow(["/dev/null"], write=True)
    return rules


def _confine(config: dict[str, Any], rules: kernel.LandlockRules | None) -> None:
    scratch: str = config["scratch"]
    os.chdir(scratch)
    os.environ["TMPDIR"] = scratch
    tempfile.tempdir = scratch
    if rules is not None:
        rules.allow(config["readable"], write=False)
        rules.allow([scratch, *config["writable"]], write=True)
        rules.enforce()


def _without_input(result: Result[Any, Any]) -> Result[Any, Any]:
    """A raised error's Result, its StageError without the input (the caller has its own)."""
    if not isinstance(result, Failure) or not isinstance(result.failure(), StageError):
        return result
    failure: StageError = result.failure()
    error = failure.error
    error.add_note(
        f"wumbo: raised in the sandbox process {os.getpid()}:\n"
        + "".join(traceback.format_tb(error.__traceback__))
    )
    return Failure(StageError(failure.stage, failure.position, failure.total, None, error))


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


def _pickled(result: Result[Any, Any], config: dict[str, Any]) -> bytes:
    buffer = _BoundedBuffer(config["max_result_bytes"] + FRAME_SLACK)
    try:
        pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(result)
    except _TooLarge:  # send too much: the supervisor sees the bound broken
        limit: int = config["max_result_bytes"]
        return b"R" + b"\0" * (limit + FRAME_SLACK + 1)
    except Exception as error:
        what = "result" if not isinstance(result, Failure) else "failure"
        return f"Pgave a {what} that cannot be pickled: {error!r}".encode()
    return b"".join(buffer.parts)


def _run_job(payload: bytes, config: dict[str, Any], rules: kernel.LandlockRules | None) -> bytes:
    _apply_limits(config)
    try:
        inner, value, backend = pickle.loads(payload)
        if inner.is_async:  # load the event loop's modules while they are still readable
            anyio.run(anyio.sleep, 0, backend=backend)
    except MemoryError:
        return b"Pran out of memory while loading the stage"
    except Exception as error:
        return f"Pcould not be loaded in the sandbox: {error!r}".encode()
    _confine(config, rules)
    _drop_privileges(config)
    result = anyio.run(inner.acall, value, backend=backend) if inner.is_async else inner(value)
    return _pickled(_without_input(result), config)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_job(fd: int) -> tuple[dict[str, Any], bytes]:
    """The job the supervisor writes once a call arrives: framed config, then the payload."""
    parts: list[bytes] = []
    while chunk := os.read(fd, _CHUNK):
        parts.append(chunk)
    os.close(fd)
    data = b"".join(parts)
    if len(data) < 8:
        os._exit(0)  # no call came: this standby was discarded
    size = struct.unpack("!Q", data[:8])[0]
    return json.loads(data[8 : 8 + size]), data[8 + size :]


def _settle(settled_fd: int) -> NoReturn:
    """Say the result is written, then wait to be killed (the supervisor looks first)."""
    try:
        os.write(settled_fd, b"S")
        while True:
            signal.pause()
    finally:  # a signal's exception, a closed pipe: never return into the supervisor's code
        os._exit(0)


def _worker(job_fd: int, result_fd: int, settled_fd: int, landlock: bool) -> NoReturn:
    code, message = 0, b""
    try:
        os.setpgid(0, 0)
        rules = _prepared_rules() if landlock else None  # while no call waits
        config, payload = _read_job(job_fd)
        message = _run_job(payload, config, rules)
    except SystemExit as exit:  # the stage called sys.exit(): like os._exit, no result
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        traceback.print_exc()
        code = 70  # EX_SOFTWARE: the supervisor reports a crash
    if code == 0:
        with contextlib.suppress(OSError):
            _write_all(result_fd, message)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):
            stream.flush()
    if code == 0:
        _settle(settled_fd)
    os._exit(code)


def _close_all_but(keep: tuple[int, ...]) -> None:
    """Close every descriptor from 3 up except ``keep``."""
    start = 3
    for fd in sorted(keep):
        os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, os.sysconf("SC_OPEN_MAX"))


def run_worker(pipes: dict[str, tuple[int, int]], landlock: bool) -> NoReturn:
    """The worker's process: keep the job, result and settled pipes, make the output pipe its
    stdout and stderr, build the Landlock rules every run shares (``landlock``), wait for the
    job, run it, say it is settled and wait to be killed."""
    job_r, output_w = pipes["job"][0], pipes["output"][1]
    result_w, settled_w = pipes["result"][1], pipes["settled"][1]
    os.dup2(output_w, 1)
    os.dup2(output_w, 2)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    _close_all_but((job_r, result_w, settled_w))
    _worker(job_r, result_w, settled_w, landlock)
