"""One hook registry: one observer hears traced stages, template runs and registry changes;
the framework's observer classes and add_observer methods are adapters onto it."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from wumbo import template
from wumbo.decorators.observers import (
    Event,
    StageInfo,
    add_observer,
    global_observers,
    observing,
    remove_observer,
)
from wumbo.decorators.trace import trace
from wumbo.framework import (
    BaseTemplate,
    ExecutionContext,
    ExecutionObserver,
    ExecutionResult,
    MetricsCollector,
    MetricsObserver,
    RegistryEvent,
    TemplateMetadata,
    TemplateRegistry,
    TransformTemplate,
)


class Parse(BaseTemplate[int]):
    template_metadata = TemplateMetadata("parse")

    def _execute_core(self, text: str, *, context: ExecutionContext) -> int:
        return int(text)


def double(n: int) -> int:
    return n * 2


def _summary(events: list[Event]) -> list[tuple[str, str, str]]:
    return [(event.kind, event.source, event.name) for event in events]


def test_one_global_observer_hears_trace_template_and_registry_events() -> None:
    events: list[Event] = []
    registry = TemplateRegistry(isolated=True)
    parse = Parse()
    with observing(events.append):
        trace(backend="logging")(double)(2)
        (template(str.strip) | parse).run(" 3 ")
        parse.execute("x")
        registry.register(TransformTemplate, aliases=["tf"])
    assert _summary(events) == [
        ("start", "stage", "double"),
        ("complete", "stage", "double"),
        ("start", "template", "parse"),
        ("complete", "template", "parse"),
        ("start", "template", "parse"),
        ("error", "template", "parse"),
        ("registered", "registry", "transformer"),
    ]
    stage_done, template_start, template_done, template_error, registered = (
        events[1],
        events[2],
        events[3],
        events[5],
        events[6],
    )
    assert stage_done.value == 4
    assert isinstance(stage_done.detail, StageInfo)
    assert template_start.value == ("3",)
    assert isinstance(template_start.detail, ExecutionContext)
    assert template_done.value == 3
    assert isinstance(template_done.detail, ExecutionResult)
    assert template_done.duration == template_done.detail.execution_time
    assert isinstance(template_error.value, ValueError)
    assert registered.value == ("tf",)
    assert isinstance(registered.detail, RegistryEvent)
    assert global_observers() == ()


def test_the_seeds_stage_callbacks_hear_template_runs_as_template_stages() -> None:
    heard: list[tuple[str, StageInfo, object]] = []

    class Callbacks:
        def on_start(self, stage: StageInfo, input: object) -> None:
            heard.append(("start", stage, input))

        def on_complete(self, stage: StageInfo, output: object, duration: float) -> None:
            heard.append(("complete", stage, output))

        def on_error(self, stage: StageInfo, error: object, duration: float) -> None:
            heard.append(("error", stage, error))

    with observing(Callbacks()):
        assert Parse()("5") == 5
        TemplateRegistry(isolated=True).clear()  # no callback for a registry change
    stage = StageInfo("parse", 1, 1, "parse", kind="template")
    assert heard == [("start", stage, ("5",)), ("complete", stage, 5)]


def test_an_execution_observer_registered_globally_hears_every_template() -> None:
    metrics = MetricsCollector()
    observer = MetricsObserver(metrics)
    add_observer(observer)
    try:
        (template(str) | Parse()).run(7)
        Parse().execute("y")
        trace(backend="logging")(double)(1)  # a traced stage: not an execution
    finally:
        remove_observer(observer)
    recorded = metrics.snapshot()["parse"]
    assert (recorded.calls, recorded.failures) == (2, 1)
    assert set(metrics.snapshot()) == {"parse"}


def test_a_templates_own_observers_hear_first_then_the_global_ones() -> None:
    order: list[str] = []
    parse = Parse()
    parse.add_observer(lambda event: order.append(f"own {event.kind}"))
    with observing(lambda event: order.append(f"global {event.kind}")):
        parse("1")
    assert order == ["own start", "global start", "own complete", "global complete"]
    other: list[str] = []
    with observing(lambda event: other.append(event.name)):
        Parse()("2")
    assert order[-1] == "global complete"
    assert len(order) == 4
    assert other == ["parse", "parse"]


def test_duck_typed_execution_observers_are_adapted_and_removable() -> None:
    seen: list[str] = []

    class Duck:
        def on_execution_start(self, context: ExecutionContext) -> None:
            seen.append("start")

        def on_execution_complete(self, result: ExecutionResult[Any]) -> None:
            seen.append(f"complete {result.data}")

        def on_execution_error(self, error: Exception, context: ExecutionContext) -> None:
            seen.append(f"error {type(error).__name__}")

    parse, duck = Parse(), Duck()
    parse.add_observer(duck)
    parse("4")
    parse.execute("z")
    parse.remove_observer(duck)
    parse("5")
    assert seen == ["start", "complete 4", "start", "error ValueError"]
    with pytest.raises(ValueError, match=r"remove_observer: .* is not an observer of parse"):
        parse.remove_observer(duck)
    with pytest.raises(TypeError, match=r"expected an ExecutionObserver, .* got int 3"):
        parse.add_observer(3)  # type: ignore[arg-type]


def test_an_execution_observer_ignores_other_sources() -> None:
    class Listener(ExecutionObserver):
        def on_execution_start(self, context: ExecutionContext) -> None:
            raise AssertionError("a stage event reached an execution callback")

    with observing(Listener()):
        assert trace(backend="logging")(double)(3).unwrap() == 6


def test_registry_observers_are_adapters_onto_the_registry(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = TemplateRegistry(isolated=True)
    changes: list[RegistryEvent] = []
    registry.add_observer(changes.append)
    registry.add_observer(lambda change: 1 / 0)
    with caplog.at_level(logging.ERROR, logger="wumbo.observers"):
        registry.register(TransformTemplate)
    assert [change.name for change in changes] == ["transformer"]
    assert "failed in hook for registry 'transformer'" in caplog.records[0].getMessage()
    registry.remove_observer(changes.append)
    registry.unregister("transformer")
    assert len(changes) == 1


def test_records_nobody_reads_are_skipped_but_observed_runs_are_recorded() -> None:
    contexts: list[ExecutionContext] = []

    class Spy(BaseTemplate[int]):
        template_metadata = TemplateMetadata("spy")

        def _execute_core(self, n: int, *, context: ExecutionContext) -> int:
            contexts.append(context)
            return n

    spy = Spy(limit=3)
    pipeline = template(int) | spy
    pipeline.run("1")
    assert "execution_id" not in vars(contexts[-1])  # never read: never made
    assert "execution_time" not in contexts[-1].metadata
    with observing(lambda event: None):
        pipeline.run("2")
    assert contexts[-1].execution_id
    assert "execution_time" in contexts[-1].metadata
    assert contexts[-1].config == {"limit": 3}


class Counter(ExecutionObserver):
    """A picklable observer (module level, no collector)."""

    def __init__(self) -> None:
        self.completed = 0

    def on_execution_complete(self, result: ExecutionResult[Any]) -> None:
        self.completed += 1


def test_a_pickled_template_keeps_its_observers() -> None:
    import pickle

    parse = Parse()
    parse.add_observer(Counter())
    clone = pickle.loads(pickle.dumps(parse))
    assert clone("3") == 3
    (observer,) = clone._hooks.observers  # pyright: ignore[reportPrivateUsage]
    assert isinstance(observer, Counter)
    assert observer.completed == 1
