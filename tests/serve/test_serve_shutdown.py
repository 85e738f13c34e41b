"""A shutdown seen from the clients of an in-process server: work cut at the end of the grace
period is answered with the documented JSON, never a bare 500."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from raw_http import wait_until
from serve_helpers import WAIT_LIMIT, make_registry

from wumbo.serve import BackgroundServer, ServeSettings

LINES = {"Content-Type": "application/x-ndjson"}


def test_a_map_stream_cut_by_shutdown_ends_with_a_json_record() -> None:
    settings = ServeSettings(port=0, shutdown_seconds=1, timeout_seconds=WAIT_LIMIT * 3)
    server = BackgroundServer(settings, make_registry()).start()
    stopper = threading.Thread(target=server.stop)
    try:
        url = f"{server.url}/templates/forever/map"
        with httpx.stream(
            "POST", url, content=b"1\n2\n", headers=LINES, timeout=WAIT_LIMIT
        ) as answer:
            assert answer.status_code == 200
            stopper.start()
            records = [json.loads(line) for line in answer.iter_lines() if line]
    finally:
        if stopper.is_alive():
            stopper.join(WAIT_LIMIT)
        else:
            server.stop()
    assert len(records) == 1
    assert "line" not in records[0]
    error = records[0]["error"]
    assert (error["status"], error["code"]) == (503, "shutting_down")
    assert "the lines without a record were not answered" in error["message"]


def test_a_run_cut_by_shutdown_gets_a_json_503() -> None:
    settings = ServeSettings(port=0, shutdown_seconds=1, timeout_seconds=WAIT_LIMIT * 3)
    server = BackgroundServer(settings, make_registry()).start()
    with ThreadPoolExecutor(2) as pool:
        try:
            url = f"{server.url}/templates/forever/run"
            request = pool.submit(httpx.post, url, json=1, timeout=WAIT_LIMIT)
            wait_until(lambda: len(server.state.in_flight) == 1, "the request is in flight")
            stopped = pool.submit(server.stop)
            answer = request.result(WAIT_LIMIT)
        finally:
            stopped.result(WAIT_LIMIT)
    assert (answer.status_code, answer.headers["content-type"]) == (503, "application/json")
    assert answer.json()["error"]["code"] == "shutting_down"
    assert answer.headers["retry-after"] == "1"
