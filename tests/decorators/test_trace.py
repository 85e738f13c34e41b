"""trace: one span per stage run, on the real OpenTelemetry SDK (in-memory exporter) or logging."""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from decorator_stages import checked, double, fetch, parse
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from returns.result import Failure, Success

from wumbo import StageError, template
from wumbo.decorators.attempt import attempt
from wumbo.decorators.trace import trace


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> Iterator[TracerProvider]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider
    provider.shutdown()


def spans(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return list(exporter.get_finished_spans())


def attributes(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


# -- OpenTelemetry ---------------------------------------------------------------------------


def test_one_span_per_stage_run(provider: TracerProvider, exporter: InMemorySpanExporter) -> None:
    pipeline = trace(tracer_provider=provider)(template(str.strip) | parse | double)
    assert pipeline(" 4 ") == Success(8)
    assert pipeline(" 5 ") == Success(10)
    finished = spans(exporter)
    assert [span.name for span in finished] == ["strip", "parse", "double"] * 2
    assert attributes(finished[1]) == {
        "wumbo.stage": "parse",
        "wumbo.position": 2,
        "wumbo.total": 3,
        "wumbo.pipeline": "strip | parse | double",
        "wumbo.kind": "stage",
        "wumbo.attempt": 1,
        "wumbo.outcome": "success",
    }
    assert all(span.status.status_code is StatusCode.UNSET for span in finished)
    assert all(span.end_time is not None and span.start_time is not None for span in finished)
    assert all(span.end_time >= span.start_time for span in finished)  # type: ignore[operator]


def test_raised_error_sets_status_and_records_the_exception(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    pipeline = trace(tracer_provider=provider)(template(str.strip) | parse | double)
    failure = pipeline(" x ").failure()
    assert isinstance(failure, StageError)
    assert (failure.stage, failure.position, type(failure.error)) == ("parse", 2, ValueError)
    finished = spans(exporter)
    assert [span.name for span in finished] == ["strip", "parse"]
    span = finished[1]
    assert attributes(span)["wumbo.outcome"] == "error"
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description is not None
    assert "ValueError" in span.status.description
    [event] = span.events
    assert event.name == "exception"
    assert dict(event.attributes or {})["exception.type"] == "ValueError"


def test_declared_failure_is_an_error_span_without_exception(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    assert trace(tracer_provider=provider)(checked)(-1) == Failure("negative")
    [span] = spans(exporter)
    assert attributes(span)["wumbo.outcome"] == "failure"
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "returned Failure('negative')"
    assert list(span.events) == []


def test_attempt_is_recorded(provider: TracerProvider, exporter: InMemorySpanExporter) -> None:
    traced = trace(tracer_provider=provider)(double)
    with attempt(3):
        traced(1)
    traced(1)
    assert [attributes(span)["wumbo.attempt"] for span in spans(exporter)] == [3, 1]


def test_pipeline_span_is_the_parent_of_the_stage_spans(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    pipeline = trace(tracer_provider=provider, pipeline_span="checkout")(template(parse) | double)
    assert [stage.name for stage in pipeline.stages] == ["checkout"]
    assert pipeline("3") == Success(6)
    by_name = {span.name: span for span in spans(exporter)}
    whole = by_name["checkout"]
    assert attributes(whole)["wumbo.kind"] == "pipeline"
    assert whole.parent is None
    for name in ("parse", "double"):
        parent = by_name[name].parent
        assert parent is not None
        assert parent.span_id == whole.context.span_id
        assert by_name[name].context.trace_id == whole.context.trace_id


def test_pipeline_span_failure_keeps_the_inner_position_in_a_note(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    pipeline = trace(tracer_provider=provider, pipeline_span="checkout")(template(parse) | double)
    failure = pipeline("x").failure()
    assert isinstance(failure, StageError)
    assert failure.stage == "checkout"
    assert any("stage 'parse' (1 of 2)" in note for note in failure.error.__notes__)
    statuses = {span.name: span.status.status_code for span in spans(exporter)}
    assert statuses == {"parse": StatusCode.ERROR, "checkout": StatusCode.ERROR}


@pytest.mark.anyio
async def test_async_stages_are_traced_and_nested(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    pipeline = trace(tracer_provider=provider, pipeline_span="run")(template(parse) | fetch)
    assert pipeline.is_async
    assert await pipeline.acall("1") == Success(2)
    by_name = {span.name: span for span in spans(exporter)}
    assert set(by_name) == {"parse", "fetch", "run"}
    fetch_parent = by_name["fetch"].parent
    assert fetch_parent is not None
    assert fetch_parent.span_id == by_name["run"].context.span_id


@pytest.mark.anyio
async def test_cancelled_stage_closes_its_span(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    async def forever(n: int) -> int:
        await anyio.sleep_forever()
        return n

    traced = trace(tracer_provider=provider)(forever)
    with anyio.move_on_after(0.05):
        await traced.acall(1)
    [span] = spans(exporter)
    assert attributes(span)["wumbo.outcome"] == "error"


def test_nested_work_is_parented_under_the_stage_span(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    tracer = provider.get_tracer("test")

    def query(n: int) -> int:
        with tracer.start_as_current_span("db.query"):
            return n

    trace(tracer_provider=provider)(query)(1)
    inner, outer = spans(exporter)
    assert inner.name == "db.query"
    assert inner.parent is not None
    assert inner.parent.span_id == outer.context.span_id


# -- how trace wraps -------------------------------------------------------------------------


def test_bare_decorator_keeps_name_doc_and_wrapped() -> None:
    @trace
    def shout(text: str) -> str:
        "Shout it."
        return text.upper()

    assert shout("hi") == Success("HI")
    assert (shout.__name__, shout.__doc__) == ("shout", "Shout it.")
    assert shout.__wrapped__.__name__ == "shout"  # type: ignore[attr-defined]


def test_inline_use_wraps_only_the_decorated_stage() -> None:
    pipeline = template(str.strip) | trace(backend="logging")(parse) | double
    fns = [stage.fn for stage in pipeline.stages]
    assert fns[0] is str.strip
    assert fns[2] is double
    assert fns[1] is not parse
    assert pipeline(" 2 ") == Success(4)


def test_tracing_off_wraps_nothing() -> None:
    pipeline = template(parse) | double
    assert trace(enabled=False)(pipeline) is pipeline
    assert [stage.fn for stage in trace(enabled=False)(parse).stages] == [parse]


def test_blocking_flag_and_checking_are_kept() -> None:
    slow = template(double, blocking=True, check=True)
    traced = trace(backend="logging")(slow)
    assert traced.stages[0].blocking
    failure = traced("2").failure()  # type: ignore[arg-type]
    assert isinstance(failure, StageError)
    assert failure.stage == "double"


def test_traced_pipeline_pickles() -> None:
    pipeline = trace(backend="logging")(template(parse) | double)
    copy = pickle.loads(pickle.dumps(pipeline))
    assert copy("4") == Success(8)
    assert pickle.loads(pickle.dumps(trace(backend="opentelemetry")(parse)))("1") == Success(1)


def test_explicit_provider_refuses_to_pickle(provider: TracerProvider) -> None:
    with pytest.raises(TypeError, match="explicit tracer_provider cannot be pickled"):
        pickle.dumps(trace(tracer_provider=provider)(parse))


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="backend must be 'auto', 'opentelemetry' or 'logging'"):
        trace(backend="zipkin")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="pipeline_span must be a non-empty span name"):
        trace(pipeline_span="")
    with pytest.raises(TypeError, match="expected an observer with on_start"):
        trace(observers=[object()])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="expected a callable stage"):
        trace(5)  # type: ignore[call-overload]


# -- logging ---------------------------------------------------------------------------------


def test_logging_backend_writes_one_record_per_run(caplog: pytest.LogCaptureFixture) -> None:
    pipeline = trace(backend="logging")(template(parse) | double)
    with caplog.at_level(logging.INFO, logger="wumbo.trace"):
        assert pipeline("2") == Success(4)
        assert isinstance(pipeline("z").failure(), StageError)
    records = [r for r in caplog.records if r.name == "wumbo.trace"]
    assert [(r.wumbo_stage, r.wumbo_outcome) for r in records] == [  # type: ignore[attr-defined]
        ("parse", "success"),
        ("double", "success"),
        ("parse", "error"),
    ]
    assert [r.levelno for r in records] == [logging.INFO, logging.INFO, logging.WARNING]
    assert records[2].exc_info is not None
    assert records[2].exc_info[0] is ValueError
    assert records[1].wumbo_position == 2  # type: ignore[attr-defined]
    assert records[1].wumbo_attempt == 1  # type: ignore[attr-defined]
    assert records[1].wumbo_duration >= 0  # type: ignore[attr-defined]
    assert "wumbo span 'double' success in" in records[1].getMessage()


def test_logging_records_name_their_enclosing_span(caplog: pytest.LogCaptureFixture) -> None:
    pipeline = trace(backend="logging", pipeline_span="job")(template(parse) | double)
    with caplog.at_level(logging.INFO, logger="wumbo.trace"):
        pipeline("1")
    parents = {r.wumbo_stage: r.wumbo_parent for r in caplog.records}  # type: ignore[attr-defined]
    assert parents == {"parse": "job", "double": "job", "job": None}


def test_logging_backend_with_custom_logger_and_level(caplog: pytest.LogCaptureFixture) -> None:
    traced = trace(backend="logging", logger="app.spans", level=logging.DEBUG)(checked)
    with caplog.at_level(logging.DEBUG, logger="app.spans"):
        traced(1)
        traced(-1)
    assert [(r.name, r.levelno) for r in caplog.records] == [
        ("app.spans", logging.DEBUG),
        ("app.spans", logging.WARNING),
    ]
    assert "failure" in caplog.records[1].getMessage()


def _run_without_opentelemetry(code: str) -> str:
    blocker = textwrap.dedent(
        """
        import importlib.abc, sys
        class _Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "opentelemetry" or name.startswith("opentelemetry."):
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
                return None
        sys.meta_path.insert(0, _Block())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", blocker + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_without_opentelemetry_auto_falls_back_to_logging() -> None:
    output = _run_without_opentelemetry(
        """
        import logging, sys
        logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(name)s %(message)s")
        from wumbo.decorators.trace import trace
        print(trace(int)("7"))
        try:
            import opentelemetry
        except ModuleNotFoundError:
            print("opentelemetry is blocked")
        try:
            trace(backend="opentelemetry")
        except ImportError as error:
            print(error)
        """
    )
    lines = output.splitlines()
    assert lines[0].startswith("wumbo.trace wumbo span 'int' success in")
    assert lines[1:] == [
        "<Success: 7>",
        "opentelemetry is blocked",
        "trace(backend='opentelemetry') needs opentelemetry-api: pip install 'wumbo[otel]'",
    ]
