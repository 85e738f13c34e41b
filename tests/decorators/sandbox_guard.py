"""The sandbox processes of this test session, and a fixture that cleans up after one test.

A sandbox run's processes all descend from this pytest process (its zygote is a child of ours;
each run's supervisor, a child of the zygote, is the init of the run's PID namespace and the
subreaper of everything the stage starts). So "ours" is read from the process tree, never from
the whole machine: other test sessions on the same machine run sandboxes of their own.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
from collections.abc import Iterator

import pytest

from wumbo.decorators._sandbox_options import SANDBOX_UID_BASE

_EXIT_SECONDS = 30.0
"""A bound on how long a killed run may take to be gone (it is gone far sooner)."""


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{tid}/children") as f:
                found.extend(int(child) for child in f.read().split())
    return found


def _owner(pid: int) -> int | None:
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None


def _lineages() -> Iterator[list[int]]:
    """Every descendant of this process, each with its ancestors up to (not with) us."""
    pending = [[child] for child in _children(os.getpid())]
    while pending:
        lineage = pending.pop()
        yield lineage
        pending.extend([*lineage, child] for child in _children(lineage[-1]))


def sandbox_processes() -> list[int]:
    """Processes of this session's sandbox runs that run as a sandbox's own user."""
    return [
        lineage[-1] for lineage in _lineages() if (_owner(lineage[-1]) or 0) >= SANDBOX_UID_BASE
    ]


def processes_of(uid: int) -> list[int]:
    """Every process of ``uid`` on the machine (a sandbox's fresh uid is its run's own)."""
    return [
        int(entry.name)
        for entry in os.scandir("/proc")
        if entry.name.isdigit() and _owner(int(entry.name)) == uid
    ]


def _wait_gone(pid: int) -> None:
    """Wait for ``pid`` to exit: its pidfd becomes readable (an event, not a poll)."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        select.select([pidfd], [], [], _EXIT_SECONDS)
    finally:
        os.close(pidfd)


def kill_leftovers() -> list[str]:
    """Kill the runs that left sandbox processes (their supervisor: the whole PID namespace
    goes with it); describe what was found."""
    found: list[str] = []
    supervisors: set[int] = set()
    for lineage in _lineages():
        pid = lineage[-1]
        if (_owner(pid) or 0) < SANDBOX_UID_BASE:
            continue
        found.append(f"{pid} (uid {_owner(pid)})")
        # zygote, supervisor, worker...: the supervisor is the second of the line
        supervisors.add(lineage[1] if len(lineage) > 1 else pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for supervisor in supervisors:
        with contextlib.suppress(ProcessLookupError):
            os.kill(supervisor, signal.SIGKILL)
        _wait_gone(supervisor)
    return found


@pytest.fixture(autouse=True)
def no_sandbox_leftovers() -> Iterator[None]:
    """Fail the test that left a sandbox process behind, after killing it: later tests start
    clean whatever this one did."""
    yield
    left = kill_leftovers()
    assert left == [], f"sandbox processes were left behind (now killed): {left}"
