"""Observers: start/complete/error callbacks, per trace call or global; a raising one is logged."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from decorator_stages import checked, fetch, parse
from returns.result import Failure, Success

from wumbo import StageError, template
from wumbo.decorators.attempt import attempt
from wumbo.decorators.observers import (
    Observer,
    StageInfo,
    add_observer,
    global_observers,
    observing,
    remove_observer,
)
from wumbo.decorators.trace import trace


class Recorder:
    """Keeps every callback it receives, with the attempt it ran in."""

    def __init__(self, label: str = "") -> None:
        self.label = label
        self.events: list[tuple[Any, ...]] = []
        self.lock = threading.Lock()

    def on_start(self, stage: StageInfo, input: object) -> None:
        with self.lock:
            self.events.append((self.label, "start", stage.name, input))

    def on_complete(self, stage: StageInfo, output: object, duration: float) -> None:
        assert duration >= 0
        with self.lock:
            self.events.append((self.label, "complete", stage.name, output))

    def on_error(self, stage: StageInfo, error: object, duration: float) -> None:
        assert duration >= 0
        with self.lock:
            self.events.append((self.label, "error", stage.name, error))


class Broken:
    def on_start(self, stage: StageInfo, input: object) -> None:
        raise RuntimeError("observer bug")

    def on_complete(self, stage: StageInfo, output: object, duration: float) -> None:
        raise RuntimeError("observer bug")

    def on_error(self, stage: StageInfo, error: object, duration: float) -> None:
        raise RuntimeError("observer bug")


def traced(*observers: Observer, **options: Any) -> Any:
    return trace(observers=observers, backend="logging", **options)


def test_start_and_complete_for_each_stage() -> None:
    recorder = Recorder()
    pipeline = traced(recorder)(template(str.strip) | parse)
    assert pipeline(" 3 ") == Success(3)
    assert recorder.events == [
        ("", "start", "strip", " 3 "),
        ("", "complete", "strip", "3"),
        ("", "start", "parse", "3"),
        ("", "complete", "parse", 3),
    ]


def test_error_gets_the_original_exception_and_the_failure_value() -> None:
    recorder = Recorder()
    assert isinstance(traced(recorder)(parse)("x").failure(), StageError)
    assert traced(recorder)(checked)(-1) == Failure("negative")
    (_, _, _, raised), (_, _, _, declared) = [e for e in recorder.events if e[1] == "error"]
    assert isinstance(raised, ValueError)
    assert declared == "negative"


def test_stage_info_locates_the_stage() -> None:
    infos: list[StageInfo] = []

    class Collect(Recorder):
        def on_start(self, stage: StageInfo, input: object) -> None:
            infos.append(stage)

    traced(Collect(), pipeline_span="job")(template(str.strip) | parse)(" 1 ")
    assert infos == [
        StageInfo("job", 0, 2, "strip | parse", "pipeline"),
        StageInfo("strip", 1, 2, "strip | parse"),
        StageInfo("parse", 2, 2, "strip | parse"),
    ]


def test_observer_reads_the_attempt_in_its_callback() -> None:
    from wumbo.decorators.attempt import current_attempt

    seen: list[int] = []

    class Attempts(Recorder):
        def on_start(self, stage: StageInfo, input: object) -> None:
            seen.append(current_attempt.get())

    stage = traced(Attempts())(parse)
    with attempt(2):
        stage("1")
    assert seen == [2]


def test_global_observers_hear_every_traced_stage_after_local_ones() -> None:
    local, shared = Recorder("local"), Recorder("global")
    with observing(shared):
        assert global_observers() == (shared,)
        traced(local)(parse)("1")
        template(parse)("1")  # not traced: nobody hears it
    assert global_observers() == ()
    traced(local)(parse)("2")
    assert [e[:2] for e in local.events] == [("local", "start"), ("local", "complete")] * 2
    assert [e[:2] for e in shared.events] == [("global", "start"), ("global", "complete")]


def test_add_and_remove_observer() -> None:
    recorder = Recorder()
    add_observer(recorder)
    try:
        traced()(parse)("5")
    finally:
        remove_observer(recorder)
    assert len(recorder.events) == 2
    with pytest.raises(ValueError, match="is not registered"):
        remove_observer(recorder)

    class Half:
        def on_start(self, stage: StageInfo, input: object) -> None: ...

    with pytest.raises(TypeError, match="without on_complete, on_error"):
        add_observer(Half())  # type: ignore[arg-type]


def test_a_raising_observer_is_logged_and_does_not_break_the_pipeline(
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder = Recorder()
    pipeline = traced(Broken(), recorder)(template(parse) | checked)
    with caplog.at_level(logging.ERROR, logger="wumbo.observers"):
        assert pipeline("4") == Success(4)
        assert pipeline("-4") == Failure("negative")
    assert len(recorder.events) == 8  # the next observer still heard everything
    messages = [r.getMessage() for r in caplog.records if r.name == "wumbo.observers"]
    assert len(messages) == 8
    assert "failed in on_start for stage 'parse'" in messages[0]
    assert all(r.exc_info is not None for r in caplog.records if r.name == "wumbo.observers")


def test_global_observer_hears_concurrent_threads() -> None:
    recorder = Recorder()
    stage = traced()(parse)

    def work() -> None:
        for n in range(50):
            stage(str(n))

    with observing(recorder):
        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert len(recorder.events) == 4 * 50 * 2


@pytest.mark.anyio
async def test_async_stages_notify_observers() -> None:
    recorder = Recorder()
    assert await traced(recorder)(fetch).acall(1) == Success(2)
    assert [e[1:] for e in recorder.events] == [("start", "fetch", 1), ("complete", "fetch", 2)]
