"""Dask distributed: a real LocalCluster on 127.0.0.1, started and closed here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from returns.result import Success

from wumbo import template
from wumbo.runtime import WorkerLost

from .stages import crash_on, double

distributed = pytest.importorskip("distributed", reason="needs the optional extra wumbo[dask]")
dask = pytest.importorskip("dask")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    # A task that kills a worker fails at once instead of being retried on another worker,
    # so the killer shows up without several nanny restarts.
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_map_on_a_client(client: Any) -> None:
    results = list(template(double).map(range(20), concurrency=4, executor=client))
    assert results == [Success(n * 2) for n in range(20)]


@pytest.mark.anyio
async def test_amap_on_a_client_executor(client: Any) -> None:
    executor = client.get_executor()
    results = [r async for r in template(double).amap(range(10), executor=executor)]
    assert results == [Success(n * 2) for n in range(10)]


def test_unpicklable_stage_is_refused_before_sending(client: Any) -> None:
    with pytest.raises(TypeError, match=r"a Dask cluster sends the pipeline.*'<lambda>'"):
        template(lambda n: n).map([1], executor=client)


def test_a_killed_worker_fails_only_its_item(client: Any) -> None:
    items = [0, 1, 2, 3, 4, 6]  # 3 calls os._exit in its worker
    results = list(template(crash_on).map(items, concurrency=2, executor=client))
    assert len(results) == len(items)
    failures = [r.failure() for r in results if not isinstance(r, Success)]
    assert [type(f) for f in failures] == [WorkerLost]
    assert failures[0].input == 3
    assert Counter(r.unwrap() for r in results if isinstance(r, Success)) == Counter(
        n * 2 for n in items if n != 3
    )
