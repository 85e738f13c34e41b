"""Runtime test settings: the runtime is installed, and every test leaves no thread behind."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

import wumbo.runtime  # noqa: F401  (installs the runner behind map/amap)


def wait_for_threads(limit: int, seconds: float = 10.0) -> int:
    """The live thread count once it drops to ``limit`` (or after ``seconds``)."""
    done = threading.Event()
    for _ in range(int(seconds / 0.01)):
        if threading.active_count() <= limit:
            break
        done.wait(0.01)
    return threading.active_count()


@pytest.fixture
def thread_count() -> Iterator[int]:
    """The number of live threads before the test; asserts it is back there after."""
    before = threading.active_count()
    yield before
    assert wait_for_threads(before) <= before, threading.enumerate()
