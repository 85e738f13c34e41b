"""Runtime test settings: the runtime is installed, and every test leaves no thread behind."""

from __future__ import annotations

import itertools
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import threading
import time
from collections.abc import Iterator, Set
from typing import Any

import psutil  # type: ignore[import-untyped]
import pytest

import wumbo.runtime  # noqa: F401  (installs the runner behind map/amap)


def threads_started_since(before: Set[threading.Thread], seconds: float = 10.0) -> list[str]:
    """The threads started since ``before`` that are still alive after ``seconds`` of waiting.

    Threads are told apart by identity, not counted: a thread of an earlier test that ends
    meanwhile can neither hide a new one nor be blamed on this test.
    """
    deadline = time.monotonic() + seconds
    for thread in set(threading.enumerate()) - before:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [repr(thread) for thread in set(threading.enumerate()) - before]


@pytest.fixture
def threads_before() -> Iterator[frozenset[threading.Thread]]:
    """The threads alive before the test; asserts that every thread it started has ended."""
    before = frozenset(threading.enumerate())
    yield before
    assert not threads_started_since(before)


def worker_processes() -> set[Any]:
    """This process's descendants, without multiprocessing's forkserver and resource tracker.

    Told apart by process id: a worker forked by the forkserver has the forkserver's command
    line, so a command-line filter would hide the workers too.
    """
    helpers = {
        getattr(multiprocessing.forkserver._forkserver, "_forkserver_pid", None),
        getattr(multiprocessing.resource_tracker._resource_tracker, "_pid", None),
    }
    return {p for p in psutil.Process().children(recursive=True) if p.pid not in helpers}


def workers_started_since(before: Set[Any], seconds: float = 10.0) -> list[Any]:
    """The worker processes started since ``before`` still alive after ``seconds``."""
    _, alive = psutil.wait_procs(list(worker_processes() - before), timeout=seconds)
    return list(alive)


class CountingSource:
    """An unbounded source that remembers how many items were pulled from it."""

    def __init__(self) -> None:
        self.pulled = 0

    def __iter__(self) -> Iterator[int]:
        for n in itertools.count():
            self.pulled += 1
            yield n
