"""BaseTemplate: the template method, ExecutionResult, observers, and use as a core Template."""

from __future__ import annotations

import pickle
from typing import Any

import anyio
import pytest

from wumbo import Failure, StageError, Success, template
from wumbo.framework import (
    BaseTemplate,
    ExecutionContext,
    ExecutionMode,
    ExecutionObserver,
    ExecutionResult,
    MetricsCollector,
    MetricsObserver,
    TemplateExecutionError,
    TemplateMetadata,
    TemplateType,
    create_transformer,
)


class Recorder(BaseTemplate[list[str]]):
    """Records which hook saw what; doubles strings."""

    def __init__(self, **config: Any) -> None:
        self.calls: list[str] = []
        super().__init__(**config)

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("recorder", template_type=TemplateType.CUSTOM)

    def _preprocess(self, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        self.calls.append(f"pre{args}{sorted(kwargs)}")
        return tuple(str(arg) for arg in args)

    def _execute_core(self, *args: str, context: ExecutionContext, **kwargs: Any) -> list[str]:
        self.calls.append(f"core{args}")
        if "boom" in args:
            raise LookupError("boom")
        return [arg * 2 for arg in args]

    def _postprocess(self, result: list[str], context: ExecutionContext) -> list[str]:
        self.calls.append("post")
        return [*result, "!"]


class Parse(BaseTemplate[int]):
    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("parse")

    def _execute_core(self, text: str, *, context: ExecutionContext) -> int:
        return int(text)


class AsyncDouble(BaseTemplate[int]):
    """A native async core next to its sync one."""

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("async_double", supports_async=True)

    def _execute_core(self, n: int, *, context: ExecutionContext) -> int:
        return n * 2

    async def _execute_core_async(self, n: int, *, context: ExecutionContext) -> int:
        await anyio.sleep(0)
        return n * 2 + 1000  # distinguishable from the sync path


def test_base_template_is_abstract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        BaseTemplate()  # type: ignore[abstract]


def test_execute_runs_the_hooks_in_order_and_packages_the_result() -> None:
    recorder = Recorder(colour="red")
    result = recorder.execute(1, "b", flag=True)
    assert recorder.calls == ["pre(1, 'b')['context', 'flag']", "core('1', 'b')", "post"]
    assert result.success
    assert result.error is None
    assert result.data == ["11", "bb", "!"]
    assert isinstance(result.execution_time, float)
    assert result.execution_time >= 0
    assert result.metadata == {"execution_time": result.execution_time}
    assert result.context is not None
    assert result.context.template_name == "recorder"
    assert result.context.config == {"colour": "red"}
    assert result.context.metadata["mode"] is ExecutionMode.SYNC
    assert result.context.logger.name == "wumbo.recorder"


def test_execute_returns_the_original_error_and_never_raises() -> None:
    result = Recorder().execute("boom")
    assert not result.success
    assert result.data is None
    assert isinstance(result.error, LookupError)
    assert result.metadata["error_type"] == "LookupError"
    assert result.to_result().failure() is result.error


def test_call_returns_data_or_reraises_the_original_exception() -> None:
    assert Recorder()("a") == ["aa", "!"]
    with pytest.raises(LookupError, match="boom"):
        Recorder()("boom")


def test_each_execution_gets_a_fresh_context_unless_one_is_given() -> None:
    recorder = Recorder()
    first, second = recorder.execute("a"), recorder.execute("a")
    assert first.context
    assert second.context
    assert first.context.execution_id != second.context.execution_id
    shared = ExecutionContext("shared", "id-1")
    assert recorder.execute("a", context=shared).context is shared
    assert recorder("a", context=shared) == ["aa", "!"]


def test_preprocess_must_return_a_tuple() -> None:
    class Broken(Parse):
        def _preprocess(self, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
            return list(args)  # type: ignore[return-value]

    error = Broken().execute("1").error
    assert isinstance(error, TemplateExecutionError)
    assert "Broken._preprocess must return a tuple" in str(error)
    assert "got list ['1']" in str(error)


def test_observers_hear_start_complete_and_error() -> None:
    events: list[str] = []

    class Listener(ExecutionObserver):
        def on_execution_start(self, context: ExecutionContext) -> None:
            events.append(f"start {context.template_name}")

        def on_execution_complete(self, result: ExecutionResult[Any]) -> None:
            events.append(f"complete {result.data}")

        def on_execution_error(self, error: Exception, context: ExecutionContext) -> None:
            events.append(f"error {type(error).__name__}")

    parse = Parse()
    listener = Listener()
    parse.add_observer(listener)
    parse.execute("4")
    parse.execute("x")
    assert events == ["start parse", "complete 4", "start parse", "error ValueError"]
    parse.remove_observer(listener)
    parse.execute("5")
    assert len(events) == 4
    with pytest.raises(ValueError, match="not an observer of parse"):
        parse.remove_observer(listener)


def test_a_failing_observer_does_not_change_the_result() -> None:
    class Broken(ExecutionObserver):
        def on_execution_start(self, context: ExecutionContext) -> None:
            raise RuntimeError("observer bug")

    parse = Parse()
    parse.add_observer(Broken())
    assert parse("3") == 3


def test_metrics_observer_counts_runs_failures_and_time() -> None:
    collector = MetricsCollector()
    parse = Parse()
    parse.add_observer(MetricsObserver(collector))
    parse("1")
    parse.execute("x")
    recorded = collector.snapshot()["parse"]
    assert (recorded.calls, recorded.failures) == (2, 1)
    assert recorded.total_seconds > 0


@pytest.mark.anyio
async def test_execute_async_uses_the_sync_core_by_default() -> None:
    result = await Recorder().execute_async("z")
    assert result.data == ["zz", "!"]
    assert result.context
    assert result.context.metadata["mode"] is ExecutionMode.ASYNC
    failed = await Recorder().execute_async("boom")
    assert isinstance(failed.error, LookupError)


@pytest.mark.anyio
async def test_execute_async_uses_a_native_async_core() -> None:
    assert (await AsyncDouble().execute_async(1)).data == 1002
    assert AsyncDouble().execute(1).data == 2


@pytest.mark.anyio
async def test_blocking_templates_run_their_core_in_a_worker_thread() -> None:
    import threading

    class Blocking(Parse):
        blocking = True

        def _execute_core(self, text: str, *, context: ExecutionContext) -> int:
            return threading.get_ident()

    loop_thread = threading.get_ident()
    assert (await Blocking().execute_async("x")).data != loop_thread
    assert (await Parse().execute_async("7")).data == 7


def test_pipes_with_core_templates_and_functions_on_both_sides() -> None:
    pipeline = template(str.strip) | Parse() | (lambda n: n + 1)
    assert pipeline(" 41 ") == Success(42)
    assert [stage.name for stage in pipeline.stages] == ["strip", "parse", "<lambda>"]
    assert (Parse() | (lambda n: n * 2)).run("4") == 8
    assert (str.strip | Parse()).run(" 5 ") == 5
    # Recorder's _preprocess turns the int into a str; the checkers read _execute_core's str
    assert (Parse() | Recorder()).run("3") == ["33", "!"]  # type: ignore[operator]


def test_an_error_in_a_pipe_is_a_failure_at_the_template_position() -> None:
    pipeline = template(str.strip) | Parse() | (lambda n: n + 1)
    failure = pipeline(" x ").failure()
    assert isinstance(failure, StageError)
    assert (failure.stage, failure.position, failure.total) == ("parse", 2, 3)
    assert failure.input == "x"
    assert isinstance(failure.error, ValueError)


def test_core_template_protocol_run_acall_arun() -> None:
    parse = Parse()
    assert parse.as_template() is parse.as_template()
    assert parse.run("9") == 9
    assert anyio.run(parse.acall, "9") == Success(9)
    assert anyio.run(parse.arun, "9") == 9
    with pytest.raises(ValueError, match="invalid literal"):
        parse.run("nine")
    assert isinstance(anyio.run(parse.acall, "nine"), Failure)


def test_a_native_async_template_is_an_async_stage() -> None:
    core = AsyncDouble().as_template()
    assert core.is_async
    pipeline = template(int) | core
    assert anyio.run(pipeline.acall, "1") == Success(1002)
    assert pipeline.run("1") == 1002  # the sync call runs the async stage through anyio
    assert anyio.run((AsyncDouble() | str).acall, 1) == Success("1002")
    right = template(int) | AsyncDouble()  # on the right of a core template too
    assert right.is_async
    assert anyio.run(right.acall, "1") == Success(1002)


def test_takes_the_decorators() -> None:
    from wumbo.decorators import cache, retry

    attempts: list[str] = []

    class Flaky(Parse):
        def _execute_core(self, text: str, *, context: ExecutionContext) -> int:
            attempts.append(text)
            if len(attempts) < 3:
                raise ConnectionError("flaky")
            return int(text)

    assert retry(attempts=3, delay=0)(Flaky()).run("6") == 6
    assert len(attempts) == 3
    cached = cache()(Parse())
    assert cached.run("1") == 1
    assert cached.run("1") == 1


@pytest.fixture
def runtime() -> None:
    """map/amap need the runtime layer (installed when it is imported)."""
    pytest.importorskip("wumbo.runtime")


@pytest.mark.usefixtures("runtime")
def test_maps_over_many_items() -> None:
    results = list(Parse().map(["1", "x", "3"], concurrency=2))
    assert [r.unwrap() if isinstance(r, Success) else "failed" for r in results] == [
        1,
        "failed",
        3,
    ]
    threaded = list(Parse().map([str(n) for n in range(20)], executor="threads"))
    assert [r.unwrap() for r in threaded] == list(range(20))


@pytest.mark.usefixtures("runtime")
def test_amaps_over_many_items() -> None:
    async def collect() -> list[int]:
        return [r.unwrap() async for r in AsyncDouble().amap([1, 2, 3])]

    assert anyio.run(collect) == [1002, 1004, 1006]


@pytest.mark.usefixtures("runtime")
def test_maps_in_processes_when_the_template_pickles() -> None:
    results = list(create_transformer(map_func=abs).map([-1, -2], executor="processes"))
    assert [r.unwrap() for r in results] == [[1], [2]]


def test_pickles_and_keeps_working() -> None:
    parse = Parse()
    parse.as_template()  # the cached core Template is rebuilt after unpickling
    copy = pickle.loads(pickle.dumps(parse))
    assert copy("12") == 12
    assert copy.run("12") == 12


def test_compose_method_builds_a_composite() -> None:
    composite = Parse().compose(Recorder())
    assert composite("21") == ["2121", "!"]
    assert composite.metadata.name == "composite_2_templates"


def test_repr_and_name() -> None:
    assert repr(Parse()) == "<Parse 'parse'>"
    assert Parse().__name__ == "parse"
