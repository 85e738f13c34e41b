"""Slow clients against the real server: a body that trickles in holds no concurrency slot,
and one that stalls gets a 408."""

from __future__ import annotations

import json

import httpx
from raw_http import RawClient, wait_until
from serve_helpers import WAIT_LIMIT, make_registry

from wumbo.serve import BackgroundServer, ServeSettings

JSON = "application/json"
LINES = "application/x-ndjson"


def in_progress(server: BackgroundServer, phase: str) -> float:
    metrics = httpx.get(f"{server.url}/metrics", timeout=WAIT_LIMIT).text
    prefix = f'wumbo_serve_requests_in_progress{{phase="{phase}"}} '
    return float(
        next(line for line in metrics.splitlines() if line.startswith(prefix))[len(prefix) :]
    )


def test_slow_bodies_hold_no_slot() -> None:
    settings = ServeSettings(port=0, max_concurrency=2, body_seconds=WAIT_LIMIT * 3)
    with BackgroundServer(settings, make_registry()) as server:
        slow = [
            RawClient(server.url).start("/templates/double/run", JSON, 6, b"[1, "),
            RawClient(server.url).start("/templates/double/map", LINES, 6, b"[1"),
        ]
        try:
            wait_until(lambda: in_progress(server, "reading") == 2, "both slow bodies read")
            normal = httpx.post(f"{server.url}/templates/double/run", json=4, timeout=WAIT_LIMIT)
            assert (normal.status_code, normal.json()["output"]) == (200, 8)
            assert in_progress(server, "reading") == 2  # the slow ones are still sending
            slow[0].send(b"2]")
            slow[1].send(b"]\n2\n")
            run, mapped = (client.answer() for client in slow)
        finally:
            for client in slow:
                client.close()
    assert (run.status, json.loads(run.body)["output"]) == (200, [1, 2, 1, 2])
    records = [json.loads(line) for line in mapped.body.splitlines()]
    assert records == [{"line": 1, "output": [1, 1]}, {"line": 2, "output": 4}]


def test_a_stalled_body_gets_408_and_the_connection_closes() -> None:
    settings = ServeSettings(port=0, max_concurrency=1, body_seconds=0.2)
    with BackgroundServer(settings, make_registry()) as server:
        stalled = RawClient(server.url).start("/templates/double/run", JSON, 100, b'{"a": ')
        try:
            answer = stalled.answer()
        finally:
            stalled.close()
        assert (answer.status, answer.headers["content-type"]) == (408, JSON)
        assert answer.headers["connection"] == "close"
        error = json.loads(answer.body)["error"]
        assert (error["status"], error["code"], error["body_seconds"]) == (408, "body_timeout", 0.2)
        assert error["message"] == "the request body did not arrive within 0.2 s"
        after = httpx.post(f"{server.url}/templates/double/run", json=1, timeout=WAIT_LIMIT)
        assert after.json()["output"] == 2  # the slot was never taken


def test_a_stalled_map_line_ends_the_stream_with_a_408_record() -> None:
    settings = ServeSettings(port=0, body_seconds=0.2)
    with BackgroundServer(settings, make_registry()) as server:
        first_stalls = RawClient(server.url).start("/templates/double/map", LINES, 100, b"[1")
        later_stalls = RawClient(server.url).start("/templates/double/map", LINES, 100, b"1\n\n2")
        try:
            refused, cut = first_stalls.answer(), later_stalls.answer()
        finally:
            first_stalls.close()
            later_stalls.close()
    assert refused.status == 408
    assert json.loads(refused.body)["error"]["code"] == "body_timeout"
    assert cut.status == 200
    records = [json.loads(line) for line in cut.body.splitlines()]
    assert records[0] == {"line": 1, "output": 2}
    assert records[1]["line"] == 3
    assert (records[1]["error"]["status"], records[1]["error"]["code"]) == (408, "body_timeout")
    assert len(records) == 2
