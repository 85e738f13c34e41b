"""Hostile stages for tests/decorators/test_sandbox_isolation.py.

A module of its own, without side effects: the sandbox's zygote imports it to run them.
"""

from __future__ import annotations

import os
import signal
import socket
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

from returns.result import Failure, Result

from wumbo.decorators.sandbox import MiB


def connect_and_send(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(b"stolen")
    return "sent"


def read_text(path: str) -> str:
    return Path(path).read_text()


def write_text(path: str) -> str:
    Path(path).write_text("planted")
    return "written"


def fill_disk(megabytes: int) -> int:
    """Write ``megabytes`` MiB into a file of the working directory (bounded by the caller)."""
    block = b"x" * MiB
    with open("filler", "wb") as f:
        for _ in range(megabytes):
            f.write(block)
    return megabytes


def where_am_i(tag: str) -> tuple[str, str, list[str]]:
    """Leave a file in the working directory; report it, TMPDIR and what was there before."""
    before = sorted(os.listdir("."))
    Path(tag).write_text(tag)
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(b"temp")
    return os.getcwd(), os.environ["TMPDIR"], before


remembered: list[object] = []


def remember(value: object) -> list[object]:
    """Module state: a fresh process per call must start with it empty each time."""
    remembered.append(value)
    return list(remembered)


def signal_outsiders(pids: list[int]) -> list[str]:
    outcomes = []
    for pid in pids:
        try:
            os.kill(pid, signal.SIGUSR1 if pid == pids[0] else signal.SIGKILL)
            outcomes.append("delivered")
        except OSError as error:
            outcomes.append(type(error).__name__)
    return outcomes


class Detonator:
    """Pickles to a call of ``os.system``: unpickling it would create ``marker``."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


class ExecDetonator(Detonator):
    """Pickles to a call of the built-in ``exec`` (a builtin, but no type)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (exec, (f"open({self.marker!r}, 'w').close()",))


class DetonatingError(Exception):
    """An exception that pickles to a call of ``os.system``."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.args[0]}",))


def return_detonator(marker: str) -> object:
    return Detonator(marker)


def return_exec_detonator(marker: str) -> object:
    return ExecDetonator(marker)


def raise_detonator(marker: str) -> object:
    raise DetonatingError(marker)


def forge(message: bytes) -> None:
    """Write ``message`` straight onto the result pipe, then exit as if all went well."""
    for fd in range(3, 64):
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            continue
        if stat.S_ISFIFO(mode):
            os.write(fd, message)
    os._exit(0)


def claim_cpu(_: object) -> None:
    """Die by SIGXCPU without using the CPU: a forged ``cpu`` reason."""
    os.kill(os.getpid(), signal.SIGXCPU)


class Point:
    def __init__(self, x: int) -> None:
        self.x = x

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and other.x == self.x

    def __hash__(self) -> int:
        return self.x


def make_point(x: int) -> Point:
    return Point(x)


def make_point_undeclared(x: int):  # type: ignore[no-untyped-def]
    return Point(x)


class OddError(Exception):
    pass


def raise_odd(_: object) -> int:
    raise OddError("odd")


def checked_odd(n: int) -> Result[int, OddError]:
    return Failure(OddError(str(n)))


def my_uid(_: object) -> int:
    return os.getuid()


def spawn_sleepers(tries: int) -> int:
    """Fork up to ``tries`` children that each sleep 30 s (a runaway spawner, bounded)."""
    for _ in range(tries):
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
    return tries
