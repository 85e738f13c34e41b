"""metrics: per-stage counts and duration histograms; thread-safe; exported to Prometheus."""

from __future__ import annotations

import math
import pickle
import threading

import anyio
import pytest
from decorator_stages import checked, fetch, parse
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from returns.result import Failure, Success

from wumbo import StageError, template
from wumbo.decorators.metrics import (
    DEFAULT_COLLECTOR,
    MetricsCollector,
    StageStats,
    metrics,
    register_prometheus,
)


def test_counts_by_outcome_for_each_stage() -> None:
    collector = MetricsCollector()
    pipeline = metrics(collector=collector)(template(parse) | checked)
    assert pipeline("1") == Success(1)
    assert pipeline("-1") == Failure("negative")
    assert isinstance(pipeline("x").failure(), StageError)
    stats = collector.snapshot()
    assert (stats["parse"].calls, stats["parse"].successes, stats["parse"].errors) == (3, 2, 1)
    assert (stats["checked"].calls, stats["checked"].failures) == (2, 1)
    assert stats["checked"].successes == 1
    assert [stage.name for stage in pipeline.stages] == ["parse", "checked"]


def test_durations_and_buckets() -> None:
    collector = MetricsCollector(buckets=(0.01, 0.1))
    for seconds in (0.005, 0.01, 0.05, 3.0):
        collector.record("s", seconds, "success")
    stats = collector.snapshot()["s"]
    assert stats.buckets == ((0.01, 2), (0.1, 3), (math.inf, 4))
    assert (stats.min_seconds, stats.max_seconds) == (0.005, 3.0)
    assert stats.total_seconds == pytest.approx(3.065)
    assert stats.mean_seconds == pytest.approx(3.065 / 4)


def test_snapshot_is_a_copy_and_reset_forgets() -> None:
    collector = MetricsCollector()
    collector.record("s", 0.1, "success")
    before = collector.snapshot()
    collector.record("s", 0.1, "error")
    assert before["s"].calls == 1
    assert collector.snapshot()["s"].calls == 2
    collector.reset()
    assert collector.snapshot() == {}
    assert StageStats(0, 0, 0, 0.0, math.inf, 0.0, ()).mean_seconds == 0.0


def test_seed_spelling_record_execution() -> None:
    collector = MetricsCollector()
    collector.record_execution("legacy", 0.2, success=True)
    collector.record_execution("legacy", 0.3, success=False)
    stats = collector.snapshot()["legacy"]
    assert (stats.calls, stats.successes, stats.failures) == (2, 1, 1)


def test_bare_decorator_records_into_the_default_collector() -> None:
    DEFAULT_COLLECTOR.reset()

    @metrics
    def shout(text: str) -> str:
        return text.upper()

    shout("a")
    shout("b")
    assert DEFAULT_COLLECTOR.snapshot()["shout"].calls == 2
    DEFAULT_COLLECTOR.reset()


def test_thread_safe_counts() -> None:
    collector = MetricsCollector()
    stage = metrics(collector=collector)(parse)
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait(timeout=30)
        for n in range(500):
            stage(str(n))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    stats = collector.snapshot()["parse"]
    assert stats.calls == 2000
    assert stats.buckets[-1][1] == 2000


@pytest.mark.anyio
async def test_async_stage_is_measured() -> None:
    collector = MetricsCollector()
    assert await metrics(collector=collector)(fetch).acall(1) == Success(2)
    assert collector.snapshot()["fetch"].calls == 1


@pytest.mark.anyio
async def test_cancelled_run_counts_as_an_error() -> None:
    collector = MetricsCollector()

    async def forever(n: int) -> int:
        await anyio.sleep_forever()
        return n

    with anyio.move_on_after(0.05):
        await metrics(collector=collector)(forever).acall(1)
    assert collector.snapshot()["forever"].errors == 1


def test_default_collector_pickles_custom_one_refuses() -> None:
    copy = pickle.loads(pickle.dumps(metrics(template(parse))))
    assert copy("3") == Success(3)
    with pytest.raises(TypeError, match="MetricsCollector cannot be pickled"):
        pickle.dumps(metrics(collector=MetricsCollector())(parse))


def test_bad_input_is_refused() -> None:
    with pytest.raises(TypeError, match="collector must be a MetricsCollector, got dict"):
        metrics(collector={})  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="distinct positive upper bounds"):
        MetricsCollector(buckets=(0.1, 0.1))
    with pytest.raises(ValueError, match="distinct positive upper bounds"):
        MetricsCollector(buckets=(-1.0,))


def test_prometheus_exposition() -> None:
    collector, registry = MetricsCollector(buckets=(0.5, 5.0)), CollectorRegistry()
    register_prometheus(collector, registry=registry, namespace="shop")
    stage = metrics(collector=collector)(template(parse) | checked)
    stage("2")
    stage("-2")
    stage("oops")
    families = {
        family.name: family
        for family in text_string_to_metric_families(generate_latest(registry).decode())
    }
    calls = {
        (s.labels["stage"], s.labels["outcome"]): s.value
        for s in families["shop_stage_calls"].samples
    }
    assert calls == {
        ("checked", "success"): 1.0,
        ("checked", "failure"): 1.0,
        ("checked", "error"): 0.0,
        ("parse", "success"): 2.0,
        ("parse", "failure"): 0.0,
        ("parse", "error"): 1.0,
    }
    histogram = families["shop_stage_duration_seconds"]
    assert histogram.type == "histogram"
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for s in histogram.samples}
    assert samples[("shop_stage_duration_seconds_count", (("stage", "parse"),))] == 3.0
    assert (
        samples[("shop_stage_duration_seconds_bucket", (("le", "+Inf"), ("stage", "parse")))] == 3.0
    )
    assert ("shop_stage_duration_seconds_bucket", (("le", "0.5"), ("stage", "parse"))) in samples
    assert samples[("shop_stage_duration_seconds_sum", (("stage", "parse"),))] >= 0


def test_prometheus_exporter_can_be_unregistered() -> None:
    registry = CollectorRegistry()
    exporter = register_prometheus(MetricsCollector(), registry=registry)
    registry.unregister(exporter)
    assert generate_latest(registry) == b""


def test_a_collector_given_with_the_stage_is_used() -> None:
    collector = MetricsCollector()
    measured = metrics(parse, collector=collector)
    assert measured("2") == Success(2)
    assert collector.snapshot()["parse"].calls == 1
