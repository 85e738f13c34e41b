"""Following the caller's CPU: where the worker thread of a timed sync call runs (Linux).

A caller that hands a call to a worker thread and waits for it wakes the worker, and is woken by
it when the call ends. When the two threads sit on different CPUs, each wake-up may have to wake
an idle, halted CPU: tens of microseconds on a virtual machine. On one CPU each is a context
switch of a microsecond or two. So the worker that takes a call is pinned to the CPU its caller
runs on (``sched_setaffinity`` on the worker's thread; the caller's own affinity is never
changed), and pinned again only when the caller has moved to another CPU.

Pinning needs Linux's ``sched_getcpu`` (looked up with ctypes on the first timed call, not at
import) and ``os.sched_setaffinity``. Without them, for a caller on a CPU outside the process's
allowed set, or once the system refuses to pin (any ``OSError``: a restricted cpuset, no
permission), workers are not pinned: the same calls, with the slower hand-off.

Examples:
    >>> import threading
    >>> idle = threading.Event()
    >>> worker = threading.Thread(target=idle.wait, daemon=True)
    >>> worker.start()
    >>> cpu = caller_cpu()
    >>> place(worker.native_id, cpu) == cpu  # NO_CPU where pinning is not available
    True
    >>> place(worker.native_id, NO_CPU)  # back on every CPU the process may use
    -1
    >>> idle.set()
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Final

__all__ = ["NO_CPU", "caller_cpu", "place"]

NO_CPU: Final = -1
"""Not pinned: what `caller_cpu` gives when workers are not to be pinned, and what `place`
gives for a thread left free to run on every CPU the process may use."""


def _look_up() -> int:
    """The first `caller_cpu`: find ``sched_getcpu`` and the process's CPUs, then answer."""
    global _sched_getcpu, _allowed
    found = None
    if hasattr(os, "sched_setaffinity"):
        import ctypes  # only once a thread makes timed calls

        try:
            sched_getcpu = ctypes.CDLL(None).sched_getcpu
            allowed = frozenset(os.sched_getaffinity(os.getpid()))
        except (AttributeError, OSError):  # no such C function, or the mask cannot be read
            pass
        else:
            sched_getcpu.restype = ctypes.c_int
            sched_getcpu.argtypes = ()
            _allowed, found = allowed, sched_getcpu
    _sched_getcpu = found
    return caller_cpu()


_sched_getcpu: Callable[[], int] | None = _look_up
"""The C function ``sched_getcpu``; None when workers are not pinned (unavailable, refused);
until the first timed call, `_look_up`."""
_allowed: frozenset[int] = frozenset()
"""The CPUs the process may use (its main thread's affinity), read with ``sched_getcpu``."""


def caller_cpu() -> int:
    """The CPU the calling thread runs on, or `NO_CPU` when workers are not to be pinned.

    Examples:
        >>> cpu = caller_cpu()
        >>> cpu == NO_CPU or cpu in os.sched_getaffinity(0)
        True
    """
    sched_getcpu = _sched_getcpu
    if sched_getcpu is None:
        return NO_CPU
    cpu = sched_getcpu()
    return cpu if cpu in _allowed else NO_CPU


def place(native_id: int | None, cpu: int) -> int:
    """Pin the thread ``native_id`` to ``cpu`` (from `caller_cpu`), or, for `NO_CPU`, let it
    run on every CPU the process may use; the CPU it is pinned to now, or `NO_CPU`.

    When the system refuses (an ``OSError``), the thread is left as it was, `NO_CPU` is given
    and workers are no longer pinned in this process (`caller_cpu` gives `NO_CPU` from then on).

    Examples:
        >>> place(None, 0)  # a thread without a native id (not on Linux) is never pinned
        -1
    """
    global _sched_getcpu
    if native_id is None or not _allowed:  # pinning is not available here
        return NO_CPU
    try:
        os.sched_setaffinity(native_id, _allowed if cpu == NO_CPU else (cpu,))
    except OSError:
        _sched_getcpu = None
        return NO_CPU
    return cpu
