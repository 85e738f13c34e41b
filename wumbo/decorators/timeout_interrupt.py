"""The watchdog behind ``timeout(seconds, interrupt=True)``: a call runs in its caller's thread
and is interrupted there at its deadline.

Each thread that makes such calls has a slot holding the deadlines of its calls in progress
(more than one when timed calls nest). One daemon watchdog thread, for all threads, sleeps until
the earliest deadline it knows. A call that finishes in time costs about a microsecond and
does not wake it: registering a call wakes the watchdog only when its deadline is earlier than
the watchdog's planned wake-up (so a steady stream of calls with the same limit wakes it about
once per limit, whatever the call rate). At a deadline the watchdog raises a private
``BaseException`` in the call's thread (``PyThreadState_SetAsyncExc``, CPython only), which
Python delivers at the thread's next bytecode: the call's ``finally`` blocks run, and the
caller gets ``(False, None)``. A blocking C call (``time.sleep``, a socket read) is not
interrupted; the exception arrives when it returns. (Until then, on CPython 3.11, the pending
exception keeps an interpreter-wide signal set, and threads running under a tracer stall at
their next function call: interrupting suits pure-Python work, not calls that block in C.)
CPython skips the ``finally`` of a ``try`` whose tight loop is interrupted on its jump back
(python/cpython#108214, #130279; ``KeyboardInterrupt`` too): the caller still gets its Failure.

The races, and how they are settled:

* **Fire vs unregister.** One lock guards every slot and the watchdog's plan; the watchdog
  checks a deadline and fires under it, a call unregisters under it. A call unregistered first
  is never fired at; a call fired at first finds that out when it unregisters.
* **A call that returns right at its deadline.** Python raises the exception at the thread's
  next bytecode check, which may come after the function returned. The exception raised
  anywhere in the call's own bookkeeping is caught and settled like one raised in the function,
  and unregistering makes Python raise (and drops) a fired exception it has not raised yet: no
  exception ever escapes a finished call, and a call that returned keeps its value.
* **Nested calls in one thread.** The watchdog fires at the outermost call past its deadline,
  and at most one exception per thread is in flight (``pending``): a call that catches it
  checks whose it is and passes on one that is not its own.
* **Many threads.** Each has its own slot; the watchdog scans them all (a handful of
  attributes each) at each wake-up.

Examples:
    >>> call_interrupted(str.upper, "a", 1.0)
    (True, 'A')
    >>> def spin(rounds: int) -> int:
    ...     while rounds:  # pure Python: interrupted at the deadline
    ...         rounds -= 1
    ...     return rounds
    >>> call_interrupted(spin, 10**12, 0.01)
    (False, None)
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, Final

__all__ = ["call_interrupted", "interrupts_available"]

_NEVER: Final = float("inf")
_LONGEST_WAIT: Final = min(threading.TIMEOUT_MAX, 86_400.0)
"""The longest the watchdog sleeps in one wait, however far away the next deadline is."""


class _Interrupt(BaseException):
    """Raised by the watchdog in a timed call's thread at its deadline (never seen outside:
    `call_interrupted` turns it into ``(False, None)``). A ``BaseException``, so that the
    stage's ``except Exception`` does not swallow it."""


def interrupts_available() -> bool:
    """Whether this Python can interrupt a thread (CPython, through ``ctypes.pythonapi``).

    Examples:
        >>> import platform
        >>> interrupts_available() == (platform.python_implementation() == "CPython")
        True
    """
    return sys.implementation.name == "cpython"


class _Record:
    """One call in progress: its deadline, and whether the watchdog fired at it."""

    __slots__ = ("deadline", "fired")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = False


class _Slot:
    """One thread's calls in progress, outermost first, and the one it was fired at, if any."""

    __slots__ = ("__weakref__", "pending", "records", "thread_id")

    def __init__(self) -> None:
        self.thread_id = threading.get_ident()
        self.records: list[_Record] = []
        self.pending: _Record | None = None


class _Watchdog:
    """The daemon thread that fires at deadlines; started with the first slot.

    It raises `_Interrupt` in a thread with its own binding of ``PyThreadState_SetAsyncExc``
    (``ctypes.pythonapi``'s shared function object, which other code may configure, is left
    untouched).
    """

    def __init__(self) -> None:
        import ctypes  # only once a thread makes interruptible calls

        prototype = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.py_object)
        self._set_async_exc = prototype(("PyThreadState_SetAsyncExc", ctypes.pythonapi))
        self.thread = threading.Thread(target=_watch, name="wumbo timeout watchdog", daemon=True)
        self.thread.start()

    def raise_in(self, thread_id: int) -> None:
        """Have Python raise `_Interrupt` in thread ``thread_id`` at its next bytecode check."""
        self._set_async_exc(thread_id, _Interrupt)


_lock = threading.Lock()
"""Guards every slot, ``_planned`` and the start of the watchdog."""
_wake = threading.Lock()
"""Held while the watchdog sleeps; released to wake it before its planned time."""
_wake.acquire()
_planned = _NEVER
"""When the watchdog wakes next, unless woken earlier."""
_slots: weakref.WeakSet[_Slot] = weakref.WeakSet()
"""The slot of each live thread that made an interruptible call (it goes with its thread)."""
_local = threading.local()
_watchdog: _Watchdog | None = None
_NOT_RETURNED: Final = object()
"""What a call's result is until its function returns."""


def call_interrupted(
    function: Callable[[Any], Any], value: Any, seconds: float
) -> tuple[bool, Any]:
    """``(True, function(value))`` run in this thread, or ``(False, None)`` when the call was
    interrupted at its deadline, ``seconds`` from now.

    An exception raised by ``function`` is raised here. The interruption is an exception
    raised in ``function`` at its next bytecode past the deadline (its ``finally`` blocks run);
    a blocking C call is not interrupted until it returns. Code that catches
    ``BaseException`` and carries on swallows it: the call then runs to its end.

    Examples:
        >>> call_interrupted(len, "abc", 0.5)
        (True, 3)
    """
    slot = _own_slot()
    record = _Record(time.monotonic() + seconds)
    result: Any = _NOT_RETURNED
    try:
        try:
            _enter(slot, record)
            result = function(value)
        finally:
            _leave(slot, record)
    except _Interrupt:
        if not _leave(slot, record):
            raise  # an outer timed call's: it settles it
    if result is _NOT_RETURNED:
        return False, None
    return True, result


def _own_slot() -> _Slot:
    try:
        slot: _Slot = _local.slot
    except AttributeError:
        slot = _Slot()
        with _lock:
            global _watchdog
            if _watchdog is None:
                _watchdog = _Watchdog()
            _slots.add(slot)
        _local.slot = slot
    return slot


def _enter(slot: _Slot, record: _Record) -> None:
    """Register ``record``; wake the watchdog only if it would otherwise sleep past it."""
    with _lock:
        slot.records.append(record)
        if record.deadline < _planned:
            _plan(record.deadline)


def _leave(slot: _Slot, record: _Record) -> bool:
    """Unregister ``record`` (done once, however often it is called); whether an exception in
    flight in this thread is this call's own (it was fired at, and no other is in flight).

    A fired exception that Python has not raised yet is raised and dropped here, so none
    reaches code after the call. (Withdrawing it with ``PyThreadState_SetAsyncExc(thread,
    NULL)`` instead would leave the interpreter's "asynchronous exception" signal set with no
    exception behind it, which on CPython 3.11 makes traced code spin at its next function
    entry.)
    """
    with _lock:
        records = slot.records
        if record in records:
            records.remove(record)
        if slot.pending is record:
            slot.pending = None
            try:  # noqa: SIM105 (contextlib.suppress would enter Python code outside the try)
                _checkpoint()  # a fired exception not raised yet is raised on entering it
            except _Interrupt:
                pass
            if records:  # the outer calls are watched again
                _plan(min(outer.deadline for outer in records))
        return record.fired and slot.pending is None


def _checkpoint() -> None:
    """Nothing: entering a Python function is where Python raises a pending exception."""


def _plan(deadline: float) -> None:
    """Under ``_lock``: make the watchdog wake by ``deadline``."""
    global _planned
    if deadline < _planned:
        _planned = deadline
        with contextlib.suppress(RuntimeError):  # released already: the watchdog wakes anyway
            _wake.release()


def _watch() -> None:
    """The watchdog's loop: sleep until the planned time (woken early when a call registers an
    earlier deadline); then fire at what is due and plan the earliest deadline to come.

    Calls that left before the planned time are not looked for before it: nothing is due
    earlier (each call makes sure the plan is no later than its deadline), so calls that
    finish in time never wake the watchdog on their way out.
    """
    global _planned
    while True:
        with _lock:
            now = time.monotonic()
            if now >= _planned:
                _planned = _fire_due(now)
            wait = min(_planned - now, _LONGEST_WAIT)
        _wake.acquire(timeout=wait)


def _fire_due(now: float) -> float:
    """Under ``_lock``: raise `_Interrupt` in each thread whose outermost call due is past its
    deadline (unless one is in flight there already); the earliest deadline still to come."""
    assert _watchdog is not None
    earliest = _NEVER
    for slot in _slots:
        if slot.pending is not None:  # watched again once that call has left
            continue
        for record in slot.records:  # outermost first
            if record.deadline <= now:
                record.fired = True
                slot.pending = record
                _watchdog.raise_in(slot.thread_id)
                break
            earliest = min(earliest, record.deadline)
    return earliest


def _start_afresh() -> None:
    """In a forked child the watchdog's thread does not exist and the lock may be held."""
    global _lock, _wake, _planned, _slots, _local, _watchdog
    _lock = threading.Lock()
    _wake = threading.Lock()
    _wake.acquire()
    _planned = _NEVER
    _slots = weakref.WeakSet()
    _local = threading.local()
    _watchdog = None


os.register_at_fork(after_in_child=_start_afresh)
