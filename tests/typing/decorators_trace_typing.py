"""trace, metrics and sandbox keep the stage's types: correct and incorrect uses, mypy AND pyright."""

from __future__ import annotations

from typing import assert_type

from wumbo import Result, StageError, Template, template
from wumbo.decorators.metrics import MetricsCollector, MetricsOptions, StageStats, metrics
from wumbo.decorators.observers import Observer, StageInfo, add_observer
from wumbo.decorators.sandbox import MiB, SandboxError, SandboxReason, sandbox
from wumbo.decorators.timeout import TimeoutOptions
from wumbo.decorators.trace import TraceOptions, trace

from _stages import ErrA, ErrB, check_a, double, fetch, fetch_checked, parse, show, shout

parse_t = template(parse)
collector = MetricsCollector()


class Printer:
    def on_start(self, stage: StageInfo, input: object, /) -> None:
        print(stage.name, input)

    def on_complete(self, stage: StageInfo, output: object, duration: float, /) -> None:
        print(stage.name, output, duration)

    def on_error(self, stage: StageInfo, error: object, duration: float, /) -> None:
        print(stage.name, error, duration)


class Incomplete:
    def on_start(self, stage: StageInfo, input: object, /) -> None: ...


@trace
def traced_parse(text: str) -> int:
    return int(text)


@trace(backend="logging", pipeline_span="fetching")
async def traced_fetch(n: int) -> str:
    return str(n)


@metrics
def measured_parse(text: str) -> int:
    return int(text)


@sandbox(memory_bytes=256 * MiB, wall_seconds=5)
def sandboxed_parse(text: str) -> int:
    return int(text)


# -- bare and configured, on plain, Result-returning, async and Template stages --------------

assert_type(traced_parse, Template[str, int])
assert_type(traced_fetch, Template[int, str])
assert_type(trace(parse), Template[str, int])
assert_type(trace(check_a), Template[int, int, ErrA])
assert_type(trace(fetch), Template[int, str])
assert_type(trace(fetch_checked), Template[int, str, ErrB])
assert_type(trace(parse_t | check_a), Template[str, int, ErrA])
assert_type(trace(observers=[Printer()])(parse), Template[str, int])
assert_type(trace(enabled=False)(check_a), Template[int, int, ErrA])
# the stage and its options in one call
assert_type(trace(parse, backend="logging"), Template[str, int])
assert_type(trace(check_a, observers=[Printer()], pipeline_span="checking"), Template[int, int, ErrA])
assert_type(trace(fetch, logger="app.trace", level=20), Template[int, str])
assert_type(trace(fetch_checked, enabled=False), Template[int, str, ErrB])
assert_type(trace(parse_t | check_a, backend="auto"), Template[str, int, ErrA])


class MyTracerProvider:  # OpenTelemetry's TracerProvider has this method; no import needed
    def get_tracer(self, instrumenting_module_name: str, *args: object, **kwargs: object) -> object:
        return None


# tracer_provider is typed without OpenTelemetry (the installed run has no otel extra)
assert_type(trace(tracer_provider=MyTracerProvider())(check_a), Template[int, int, ErrA])
assert_type(trace(tracer_provider=None, backend="logging")(parse), Template[str, int])

assert_type(measured_parse, Template[str, int])
assert_type(metrics(check_a), Template[int, int, ErrA])
assert_type(metrics(collector=collector)(fetch_checked), Template[int, str, ErrB])
assert_type(metrics(parse_t | double), Template[str, int])
# the stage and its collector in one call
assert_type(metrics(parse, collector=collector), Template[str, int])
assert_type(metrics(check_a, collector=None), Template[int, int, ErrA])
assert_type(metrics(fetch, collector=collector), Template[int, str])
assert_type(metrics(fetch_checked, collector=collector), Template[int, str, ErrB])
assert_type(metrics(parse_t | check_a, collector=collector), Template[str, int, ErrA])

assert_type(sandboxed_parse, Template[str, int])
assert_type(sandbox(check_a), Template[int, int, ErrA])
assert_type(sandbox(cpu_seconds=1)(fetch), Template[int, str])
assert_type(sandbox(uid=None)(parse_t | show), Template[str, str])
# the stage and its options in one call
assert_type(sandbox(parse, memory_bytes=256 * MiB, wall_seconds=5), Template[str, int])
assert_type(sandbox(check_a, cpu_seconds=1.5, processes=4, open_files=16), Template[int, int, ErrA])
assert_type(sandbox(fetch, env_allow=["PATH"], uid="auto", network=True), Template[int, str])
assert_type(
    sandbox(fetch_checked, readable=["/data"], writable=(), file_bytes=MiB),
    Template[int, str, ErrB],
)
assert_type(
    sandbox(parse_t | check_a, isolation="best-effort", allow=[ErrA], max_result_bytes=MiB),
    Template[str, int, ErrA],
)
assert_type(sandbox(show, max_output_bytes=MiB, uid=None), Template[int, str])

# -- inline and stacked ----------------------------------------------------------------------

assert_type(parse_t | trace()(double) | show, Template[str, str])
assert_type(parse_t | sandbox()(metrics(trace(check_a))), Template[str, int, ErrA])
assert_type((parse_t | trace(check_a))("1"), Result[int, ErrA | StageError])

# -- the handles -----------------------------------------------------------------------------

assert_type(collector.snapshot()["parse"], StageStats)
printer: Observer = Printer()
reason: SandboxReason = "memory"
assert_type(SandboxError(reason, "parse", "ran out").reason, SandboxReason)
assert_type(TimeoutOptions(seconds=2).seconds, float)
assert_type(TraceOptions(backend="logging").level, int)
assert_type(MetricsOptions(collector=collector).collector, MetricsCollector | None)

# -- incorrect uses --------------------------------------------------------------------------

bad_traced: object = parse_t | traced_parse  # type: ignore[operator]
bad_sandboxed: object = sandbox(show) | double  # type: ignore[operator]
bad_backend: object = trace(backend="zipkin")  # type: ignore[call-overload]
bad_observer: object = trace(observers=[Incomplete()])  # type: ignore[list-item]
bad_global: object = add_observer(Incomplete())  # type: ignore[arg-type, func-returns-value]
bad_collector: object = metrics(collector=dict())  # type: ignore[call-overload]
bad_memory: object = sandbox(memory_bytes="1G")  # type: ignore[call-overload]
bad_uid: object = sandbox(uid="root")  # type: ignore[call-overload]
bad_reason: SandboxReason = "timeout"  # type: ignore[assignment]
bad_provider: object = trace(tracer_provider="global")  # type: ignore[call-overload]
bad_provider_object: object = trace(tracer_provider=object())  # type: ignore[call-overload]
bad_trace_name: object = trace(backnd="logging")  # type: ignore[call-overload]
bad_trace_stage_name: object = trace(parse, backnd="logging")  # type: ignore[call-overload]
bad_trace_stage_backend: object = trace(parse, backend="zipkin")  # type: ignore[call-overload]
bad_trace_stage_observer: object = trace(parse, observers=[Incomplete()])  # type: ignore[arg-type, list-item]
bad_trace_stage_after: object = trace(check_a, backend="logging") | shout  # type: ignore[operator]
bad_trace_stage_level: object = trace(parse, level="INFO")  # type: ignore[call-overload]
bad_metrics_name: object = metrics(colector=collector)  # type: ignore[call-overload]
bad_metrics_stage_name: object = metrics(parse, colector=collector)  # type: ignore[call-overload]
bad_metrics_stage_collector: object = metrics(check_a, collector=dict())  # type: ignore[call-overload]
bad_metrics_async_collector: object = metrics(fetch, collector="default")  # type: ignore[call-overload]
bad_metrics_stage_after: object = metrics(check_a, collector=collector) | shout  # type: ignore[operator]
bad_sandbox_stage_name: object = sandbox(parse, memory=256 * MiB)  # type: ignore[call-overload]
bad_sandbox_stage_memory: object = sandbox(check_a, memory_bytes="1G")  # type: ignore[call-overload]
bad_sandbox_stage_uid: object = sandbox(fetch_checked, uid="root")  # type: ignore[call-overload]
bad_sandbox_stage_isolation: object = sandbox(parse_t, isolation="loose")  # type: ignore[call-overload]
bad_sandbox_async_network: object = sandbox(fetch, network="off")  # type: ignore[call-overload]
bad_sandbox_stage_after: object = sandbox(show, wall_seconds=5) | double  # type: ignore[operator]
bad_trace_level: object = TraceOptions(level="INFO")  # type: ignore[arg-type]
bad_metrics_options: object = MetricsOptions(collector=dict())  # type: ignore[arg-type]
bad_timeout_options: object = TimeoutOptions()  # type: ignore[call-arg]
