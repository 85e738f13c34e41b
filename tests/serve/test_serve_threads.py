"""Sync templates that hang past their timeout: the threads they leave are bounded, and once
the bound is reached sync calls get a 503 instead of another thread."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import httpx
import pytest
from raw_http import wait_until
from serve_helpers import BLOCKER, WAIT_LIMIT, make_registry

from wumbo.serve import BackgroundServer, ServeSettings

BOUND = 3
LINES = {"Content-Type": "application/x-ndjson"}


@pytest.fixture
def server() -> Iterator[BackgroundServer]:
    settings = ServeSettings(
        port=0,
        timeout_seconds=0.2,
        max_abandoned_threads=BOUND,
        retry_after_seconds=4,
        map_concurrency=1,
    )
    BLOCKER.release.clear()
    try:
        with BackgroundServer(settings, make_registry()) as running:
            yield running
    finally:
        BLOCKER.release.set()  # every blocked thread ends: none leaks into other tests
        wait_until(lambda: BLOCKER.blocked == 0, "the blocked threads ended")


def abandoned(server: BackgroundServer) -> float:
    metrics = httpx.get(f"{server.url}/metrics", timeout=WAIT_LIMIT).text
    line = next(line for line in metrics.splitlines() if line.startswith("wumbo_serve_aband"))
    return float(line.rsplit(" ", 1)[1])


def time_out_until_refused(url: str) -> list[int]:
    """Run ``block`` until it is refused; the statuses. A call that timed out before its
    thread started left no thread behind: it does not count towards the bound."""
    statuses: list[int] = []
    with httpx.Client(base_url=url, timeout=WAIT_LIMIT) as http:
        while 503 not in statuses and len(statuses) < 40:
            statuses.append(http.post("/templates/block/run", json=len(statuses)).status_code)
    return statuses


def test_timeouts_past_the_bound_get_503_and_no_more_threads(server: BackgroundServer) -> None:
    statuses = time_out_until_refused(server.url)
    with httpx.Client(base_url=server.url, timeout=WAIT_LIMIT) as http:
        assert statuses[-1] == 503
        assert set(statuses[:-1]) == {504}
        assert len(statuses) > BOUND
        assert BLOCKER.blocked == BOUND
        threads_at_the_bound = threading.active_count()
        refused = [http.post("/templates/block/run", json=n) for n in range(10)]
        assert http.post("/templates/forever/run", json=2).status_code == 504  # async: runs
    assert [response.status_code for response in refused] == [503] * 10
    assert threading.active_count() <= threads_at_the_bound  # 503s start no thread
    assert BLOCKER.blocked == BOUND
    assert refused[0].headers["retry-after"] == "4"
    assert refused[0].headers["content-type"] == "application/json"
    error = refused[0].json()["error"]
    assert (error["status"], error["code"], error["limit"]) == (503, "abandoned_threads", BOUND)
    assert abandoned(server) == BOUND

    BLOCKER.release.set()
    wait_until(lambda: abandoned(server) == 0, "the abandoned threads ended")
    answer = httpx.post(f"{server.url}/templates/block/run", json=5, timeout=WAIT_LIMIT)
    assert answer.json() == {"template": "block", "output": 5}


def test_map_lines_past_the_bound_get_503_records(server: BackgroundServer) -> None:
    assert time_out_until_refused(server.url)[-1] == 503
    response = httpx.post(
        f"{server.url}/templates/block/map",
        content=b"1\n2\n\n3\n",
        headers=LINES,
        timeout=WAIT_LIMIT,
    )
    records = [json.loads(line) for line in response.text.splitlines()]
    assert [record["line"] for record in records] == [1, 2, 4]
    assert {(r["error"]["status"], r["error"]["code"]) for r in records} == {
        (503, "abandoned_threads")
    }
    assert BLOCKER.blocked == BOUND
    assert abandoned(server) == BOUND


def test_a_stuck_map_leaves_at_most_its_concurrency_in_threads(server: BackgroundServer) -> None:
    body = "".join(f"{n}\n" for n in range(1, 6)).encode()
    response = httpx.post(
        f"{server.url}/templates/block/map", content=body, headers=LINES, timeout=WAIT_LIMIT
    )
    records = [json.loads(line) for line in response.text.splitlines()]
    assert [record["error"]["status"] for record in records] == [504] * 5
    assert BLOCKER.blocked <= 1  # map_concurrency: the later lines never got a thread
    assert abandoned(server) <= 1
