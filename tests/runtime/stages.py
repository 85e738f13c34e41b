"""Module-level stages for the runtime tests: picklable, so processes and Dask can run them."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time

import anyio


def double(n: int) -> int:
    """A CPU-light sync stage."""
    return n * 2


async def adouble(n: int) -> int:
    """The async twin of :func:`double`."""
    await anyio.sleep(0)
    return n * 2


def crash_on(n: int) -> int:
    """Kills its worker process on 3 (``os._exit``) and on 5 (a segfault), else doubles."""
    if n == 3:
        os._exit(1)
    if n == 5:
        ctypes.string_at(0)  # reads address 0: SIGSEGV
    return n * 2


def exit_on(n: int) -> int:
    """Calls ``sys.exit(3)`` on 3 and raises ``KeyboardInterrupt`` on 5, else doubles."""
    if n == 3:
        sys.exit(3)
    if n == 5:
        raise KeyboardInterrupt
    return n * 2


def sleep_then_double(n: int) -> int:
    """Sleeps ``n`` tenths of a second (a stuck item when ``n`` is large), then doubles."""
    time.sleep(n / 10)
    return n * 2


def pid_of(_: object) -> int:
    """The id of the process that runs the item."""
    return os.getpid()


def logged_crash_on(log: str, kill: int, n: int) -> int:
    """Appends ``n`` to the file ``log``, waits 20 ms, then dies on ``kill`` (``os._exit``)."""
    with open(log, "a") as file:
        file.write(f"{n}\n")
    time.sleep(0.02)  # longer than a worker waits before it sends what finished
    if n == kill:
        os._exit(1)
    return n * 2


def die_on(killers: frozenset[int], how: str, n: int) -> int:
    """Kills its worker on each of ``killers`` (``how``: ``"exit"`` or ``"sigkill"``), else
    doubles."""
    if n in killers:
        if how == "exit":
            os._exit(1)
        os.kill(os.getpid(), signal.SIGKILL)
    return n * 2


def generator_of(n: int) -> object:
    """Returns a generator on odd numbers (a result that does not pickle), else ``n``."""
    return (i for i in range(n)) if n % 2 else n
