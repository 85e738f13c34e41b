"""Dask distributed: a real LocalCluster on 127.0.0.1, started and closed here."""

from __future__ import annotations

import socket
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from returns.result import Success

from wumbo import template
from wumbo.runtime import WorkerLost

from .stages import crash_on, double, exit_on
from .test_process_faults import check_exits

distributed = pytest.importorskip("distributed", reason="needs the optional extra wumbo[dask]")
dask = pytest.importorskip("dask")


DASK_DEFAULT_PORT = 8787
"""Where Dask puts its dashboard unless told otherwise (``dashboard_address=None`` included)."""


@contextmanager
def default_port_busy() -> Iterator[None]:
    """Dask's default dashboard port held by a listening socket (unless held already)."""
    with socket.socket() as busy:
        try:
            busy.bind(("127.0.0.1", DASK_DEFAULT_PORT))
            busy.listen()
        except OSError:  # someone else holds it: it is busy either way
            pass
        yield


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    # A task that kills a worker fails at once instead of being retried on another worker,
    # so the killer shows up without several nanny restarts. The cluster starts while port
    # 8787 is busy: it must not try it (Dask's warning about it is an error here), so that
    # tests never depend on a fixed port.
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        default_port_busy(),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_the_cluster_binds_no_fixed_port(client: Any) -> None:
    assert client.scheduler_info()["address"].startswith("tcp://127.0.0.1:")
    assert f":{DASK_DEFAULT_PORT}/" not in client.dashboard_link


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


def test_sys_exit_in_a_task_fails_only_its_item(client: Any) -> None:
    items = list(range(8))
    check_exits(list(template(exit_on).map(items, concurrency=2, executor=client)), items)
