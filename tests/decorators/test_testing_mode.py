"""wumbo_testing_mode: no sleeps, seeded jitter, cache and sandbox bypass; process-wide, nestable."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import anyio
import pytest
from returns.result import Success

from wumbo.decorators import (
    RetryEvent,
    cache,
    cache_of,
    in_testing_mode,
    retry,
    sandbox,
    wumbo_testing_mode,
)
from wumbo.decorators.testing import TestingSettings, current_settings


@pytest.fixture
def fast_decorators() -> Iterator[TestingSettings]:
    """What the docs recommend users put in their conftest.py (autouse there)."""
    with wumbo_testing_mode() as settings:
        yield settings


class Flaky:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self, n: int) -> int:
        self.calls += 1
        if self.calls <= self.failures:
            raise OSError("again")
        return n


def test_fixture_switches_it_on(fast_decorators: TestingSettings) -> None:
    assert in_testing_mode()
    assert fast_decorators == TestingSettings(
        enabled=True, seed=0, bypass_cache=True, bypass_sandbox=True
    )


def test_off_by_default() -> None:
    assert not in_testing_mode()
    assert current_settings() == TestingSettings()


def test_retry_does_not_sleep(
    fast_decorators: TestingSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    assert retry(attempts=5, delay=60)(Flaky(4))(1) == Success(1)
    assert slept == []


def test_jitter_depends_only_on_seed_and_attempt() -> None:
    def delays(seed: int) -> list[float]:
        events: list[RetryEvent] = []
        with wumbo_testing_mode(seed=seed):
            retry(attempts=5, delay=1.0, on_retry=events.append)(Flaky(4))(1)
        return [event.delay for event in events]

    assert delays(3) == delays(3)
    assert delays(3) != delays(4)
    assert all(0 <= delay <= 2.0**n for n, delay in enumerate(delays(3)))


def test_blocks_nest_and_restore() -> None:
    with wumbo_testing_mode(seed=1):
        with wumbo_testing_mode(seed=2, bypass_cache=False):
            assert current_settings().seed == 2
            assert not current_settings().bypass_cache
        assert current_settings() == TestingSettings(
            enabled=True, seed=1, bypass_cache=True, bypass_sandbox=True
        )
    assert not in_testing_mode()


def test_restored_after_an_exception() -> None:
    with pytest.raises(RuntimeError), wumbo_testing_mode():
        raise RuntimeError("boom")
    assert not in_testing_mode()


def test_holds_in_threads_the_code_under_test_starts(fast_decorators: TestingSettings) -> None:
    calls: list[int] = []

    def record(n: int) -> int:
        calls.append(n)
        return n

    cached = cache()(record)
    threads = [threading.Thread(target=cached, args=(1,)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert calls == [1, 1, 1]
    assert cache_of(cached).stats().size == 0


def process_id(_: object) -> int:
    """Module level, so a real sandbox process can import it."""
    return os.getpid()


async def async_process_id(_: object) -> int:
    await anyio.sleep(0)
    return os.getpid()


def test_sandboxed_stages_run_in_process(fast_decorators: TestingSettings) -> None:
    assert sandbox(wall_seconds=20)(process_id)(None) == Success(os.getpid())
    assert anyio.run(sandbox(wall_seconds=20)(async_process_id).acall, None) == Success(os.getpid())


def test_sandboxed_stage_errors_are_reported_as_usual(fast_decorators: TestingSettings) -> None:
    failure = (sandbox(wall_seconds=20)(int) | str)("x").failure()
    assert (failure.stage, failure.position, type(failure.error)) == (
        "sandbox(int)",
        1,
        ValueError,
    )


def test_real_sandbox_when_asked() -> None:
    with wumbo_testing_mode(bypass_sandbox=False):
        child = sandbox(wall_seconds=20)(process_id)(None).unwrap()
    assert child != os.getpid()
