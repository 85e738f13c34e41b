"""trace, metrics and sandbox: what each adds to a call, measured against the bare call.

The stage is ``inc`` (``def inc(x: int) -> int: return x + 1``). Timed round-robin in one
session, each with ``.run(x)``:

* the baseline, the bare call ``inc(x)``, and ``template(inc).run(x)`` for reference;
* ``trace`` with the logging back end, its logger disabled (the record is never built) and
  enabled at INFO with a handler that drops records (each record is built and handled);
* ``trace`` with OpenTelemetry: the API alone (no SDK: no-op spans), and the real SDK with a
  span processor exporting to an exporter that discards the spans, next to the same SDK span
  written by hand around ``inc(x)`` (``with tracer.start_as_current_span(...)``);
* ``metrics`` into a private ``MetricsCollector``.

Then the sandbox's cost per call, in milliseconds: ``sandbox(inc).run(x)`` against starting
``python -I -c "import wumbo"`` (the process start it cannot avoid), a few calls each.
"""

import logging
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

from benchmarks._timing import Candidate, Settings, Target, print_targets
from benchmarks.decorators import START, success_candidate, success_path
from wumbo import template
from wumbo.decorators.metrics import MetricsCollector, metrics
from wumbo.decorators.sandbox import sandbox
from wumbo.decorators.trace import trace

DESCRIPTION = "trace (logging, OpenTelemetry), metrics and sandbox vs the bare call"
SPAN_BUDGET_NS = 2000.0
"""Goal: a traced call whose spans go nowhere costs at most 2 us over the bare call."""
METRICS_BUDGET_NS = 1500.0
"""Goal: a measured call costs at most 1.5 us over the bare call."""
SANDBOX_RATIO = 1.5
"""Goal: a sandbox call costs at most 1.5x starting ``python -I`` and importing wumbo."""


def inc(x: int) -> int:
    """The decorated stage (the sandbox's process imports this module to unpickle it)."""
    return x + 1


class _Discard(SpanExporter):
    """An OpenTelemetry exporter that drops every span (the SDK still builds and ends them)."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def _logger(name: str, *, enabled: bool) -> str:
    logger = logging.getLogger(name)
    logger.propagate = False
    logger.handlers[:] = [logging.NullHandler()]
    logger.setLevel(logging.INFO if enabled else logging.WARNING)
    return name


def candidates() -> list[Candidate]:
    """Every candidate, the bare call first."""
    make = success_candidate
    quiet = _logger("wumbo.bench.quiet", enabled=False)
    loud = _logger("wumbo.bench.loud", enabled=True)
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(_Discard()))
    tracer = provider.get_tracer("benchmark")

    def by_hand(x: int) -> int:
        with tracer.start_as_current_span("inc"):
            return inc(x)

    return [
        make("bare", "bare call inc(x)", inc),
        make("template", "template(inc).run(x)", template(inc).run),
        make(
            "trace_log_off",
            "trace, logging, logger disabled",
            trace(backend="logging", logger=quiet)(inc).run,
        ),
        make(
            "trace_log_on",
            "trace, logging, INFO to a NullHandler",
            trace(backend="logging", logger=loud)(inc).run,
        ),
        make(
            "trace_otel_api",
            "trace, OpenTelemetry API only (no-op)",
            trace(backend="opentelemetry")(inc).run,
        ),
        make(
            "trace_otel_sdk",
            "trace, OpenTelemetry SDK, spans discarded",
            trace(tracer_provider=provider)(inc).run,
        ),
        make("otel_by_hand", "hand-written SDK span around inc(x)", by_hand),
        make(
            "metrics", "metrics(collector=...)(inc)", metrics(collector=MetricsCollector())(inc).run
        ),
    ]


def _per_call_ms(call: Callable[[], object], calls: int) -> float:
    """The best of ``calls`` timed calls, in milliseconds."""
    best = float("inf")
    for _ in range(calls):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _python_start() -> None:
    subprocess.run([sys.executable, "-I", "-c", "import wumbo"], check=True)


def run(settings: Settings) -> dict[str, Any]:
    """Measure, print the table, overheads, the sandbox's cost and targets; return the data."""
    print(f"decorators_trace: {DESCRIPTION}")
    measured = success_path(candidates(), settings)
    by_key, overheads = measured.by_key, measured.overheads

    calls = 2 if settings.quick else 7
    sandboxed = sandbox(wall_seconds=60)(inc)
    if sandboxed.run(START) != START + 1:
        raise AssertionError("the sandboxed benchmark stage gave a wrong value")
    sandbox_ms = _per_call_ms(lambda: sandboxed.run(START), calls)
    start_ms = _per_call_ms(_python_start, calls)
    print()
    print(f"sandbox, best of {calls} calls (ms)")
    start_label, sandbox_label = "python -I -c 'import wumbo'", "sandbox(inc).run(x)"
    print(f"  {start_label:<44}{start_ms:>10.1f}")
    print(f"  {sandbox_label:<44}{sandbox_ms:>10.1f}")

    targets = [
        Target(
            "trace (logging disabled) overhead <= 2 us (overhead / 2 us)",
            overheads["trace_log_off"] / SPAN_BUDGET_NS,
            1.0,
        ),
        Target(
            "trace (OpenTelemetry API, no SDK) overhead <= 2 us (overhead / 2 us)",
            overheads["trace_otel_api"] / SPAN_BUDGET_NS,
            1.0,
        ),
        Target(
            "trace (OpenTelemetry SDK) / a hand-written SDK span around the call",
            by_key["trace_otel_sdk"].min_ns / by_key["otel_by_hand"].min_ns,
            1.3,
        ),
        Target(
            "metrics overhead <= 1.5 us (overhead / 1.5 us)",
            overheads["metrics"] / METRICS_BUDGET_NS,
            1.0,
        ),
        Target(
            "sandbox call / starting python -I and importing wumbo",
            sandbox_ms / start_ms,
            SANDBOX_RATIO,
        ),
    ]
    print_targets(targets)
    return {
        "description": DESCRIPTION,
        **measured.as_dict(),
        "sandbox_ms": sandbox_ms,
        "python_start_ms": start_ms,
        "targets": [target.as_dict() for target in targets],
    }
