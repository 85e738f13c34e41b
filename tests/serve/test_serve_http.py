"""The real server (uvicorn on 127.0.0.1, a free port) answering every route and error status."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from serve_helpers import GATE, WAIT_LIMIT, make_registry

from wumbo.serve import BackgroundServer, ServeSettings

JSON = {"Content-Type": "application/json"}
LINES = {"Content-Type": "application/x-ndjson"}


@pytest.fixture(scope="module")
def server() -> Iterator[BackgroundServer]:
    settings = ServeSettings(port=0, max_body_bytes=4096, max_concurrency=200)
    with BackgroundServer(settings, make_registry()) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: BackgroundServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=WAIT_LIMIT) as http:
        yield http


def error_of(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error: dict[str, object] = response.json()["error"]
    assert error["status"] == status
    return error


def test_health_and_readiness(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "alive"}
    assert client.get("/readyz").json() == {"status": "ready", "templates": 6}


def test_listing_and_metadata(client: httpx.Client) -> None:
    listed = client.get("/templates").json()["templates"]
    assert [entry["name"] for entry in listed] == [
        "block",
        "double",
        "explode",
        "forever",
        "hold",
        "unjsonable",
    ]
    double = client.get("/templates/twice").json()
    assert double["name"] == "double"
    assert double["aliases"] == ["twice"]
    assert (double["description"], double["tags"], double["type"]) == (
        "twice the input",
        ["math"],
        "custom",
    )
    error = error_of(client.get("/templates/dubble"), 404)
    assert error["code"] == "unknown_template"
    assert "did you mean 'double'?" in str(error["message"])


def test_run_returns_the_output(client: httpx.Client) -> None:
    response = client.post("/templates/double/run", json=21)
    assert response.status_code == 200
    assert response.json() == {"template": "double", "output": 42}
    assert client.post("/templates/twice/run", json="ab").json()["output"] == "abab"


def test_malformed_json_says_where(client: httpx.Client) -> None:
    body = b'{"a": 1,\n "b": }'
    error = error_of(client.post("/templates/double/run", content=body, headers=JSON), 400)
    assert (error["code"], error["line"], error["column"]) == ("malformed_json", 2, 7)
    assert "line 2, column 7" in str(error["message"])


def test_unknown_template_and_route(client: httpx.Client) -> None:
    assert error_of(client.post("/templates/nope/run", json=1), 404)["code"] == "unknown_template"
    assert error_of(client.get("/nowhere"), 404)["code"] == "not_found"
    assert error_of(client.get("/templates/double/run"), 405)["code"] == "method_not_allowed"


def test_body_too_large(client: httpx.Client) -> None:
    error = error_of(client.post("/templates/double/run", json="x" * 5000), 413)
    assert error["limit_bytes"] == 4096

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while reading
        yield b'"' + b"x" * 3000
        yield b"x" * 3000 + b'"'

    response = client.post("/templates/double/run", content=chunks(), headers=JSON)
    assert error_of(response, 413)["code"] == "too_large"


def test_body_must_be_declared_json(client: httpx.Client) -> None:
    response = client.post("/templates/double/run", content=b"1", headers={})
    assert "no Content-Type" in str(error_of(response, 415)["message"])
    response = client.post(
        "/templates/double/run", content=b"1", headers={"Content-Type": "text/plain"}
    )
    assert error_of(response, 415)["code"] == "unsupported_media_type"


def test_template_failure_is_structured_without_traceback(client: httpx.Client) -> None:
    error = error_of(client.post("/templates/explode/run", json={"password": "hunter2"}), 422)
    assert error == {
        "status": 422,
        "code": "template_failed",
        "message": "cannot handle {'password': 'hunter2'}",
        "stage": "explode",
        "position": 1,
        "error_type": "ValueError",
    }
    error = error_of(client.post("/templates/unjsonable/run", json=1), 422)
    assert error["code"] == "output_not_json"


def test_streamed_map_answers_every_line_once_in_order(client: httpx.Client) -> None:
    count = 10_000
    body = "".join(f"{number}\n" for number in range(count)).encode()
    with client.stream("POST", "/templates/double/map", content=body, headers=LINES) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/x-ndjson"
        records = [json.loads(line) for line in response.iter_lines() if line]
    assert len(records) == count
    assert [record["line"] for record in records] == list(range(1, count + 1))
    assert [record["output"] for record in records] == [2 * n for n in range(count)]


def test_map_reports_bad_lines_in_place(client: httpx.Client) -> None:
    body = b'1\n{oops\n\n"' + b"x" * 5000 + b'"\n"a"\n3'
    response = client.post("/templates/double/map", content=body, headers=LINES)
    records = [json.loads(line) for line in response.text.splitlines()]
    assert [record["line"] for record in records] == [1, 2, 4, 5, 6]
    assert records[0]["output"] == 2
    assert (records[1]["error"]["code"], records[1]["error"]["column"]) == ("malformed_json", 2)
    assert records[2]["error"]["code"] == "too_large"
    assert (records[3]["output"], records[4]["output"]) == ("aa", 6)
    failed = client.post("/templates/explode/map", content=b"1\n", headers=LINES)
    assert json.loads(failed.text)["error"]["error_type"] == "ValueError"


def test_metrics_count_calls_and_failures(client: httpx.Client) -> None:
    client.post("/templates/explode/run", json=0)
    client.post("/templates/double/run", json=0)
    text = client.get("/metrics").text
    assert 'wumbo_serve_stage_calls_total{outcome="failure",stage="explode"}' in text
    assert 'wumbo_serve_stage_duration_seconds_bucket{le="+Inf",stage="double"}' in text
    success = next(
        line
        for line in text.splitlines()
        if line.startswith('wumbo_serve_stage_calls_total{outcome="success",stage="double"}')
    )
    assert float(success.rsplit(" ", 1)[1]) >= 1


def test_concurrent_clients(server: BackgroundServer) -> None:
    def one_client(number: int) -> list[int]:
        with httpx.Client(base_url=server.url, timeout=WAIT_LIMIT) as http:
            return [
                http.post("/templates/double/run", json=number * 100 + i).json()["output"]
                for i in range(20)
            ]

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(one_client, range(20)))
    assert answers == [[2 * (number * 100 + i) for i in range(20)] for number in range(20)]


def test_busy_server_answers_503_with_retry_after() -> None:
    settings = ServeSettings(port=0, max_concurrency=2, retry_after_seconds=3)
    GATE.reset()
    with BackgroundServer(settings, make_registry()) as server, ThreadPoolExecutor(2) as pool:
        url = f"{server.url}/templates/hold/run"
        held = [pool.submit(httpx.post, url, json=n, timeout=WAIT_LIMIT) for n in range(2)]
        try:
            GATE.wait_inside(2)
            busy = httpx.post(url, json=9, timeout=WAIT_LIMIT)
        finally:
            GATE.release.set()
        assert busy.headers["retry-after"] == "3"
        assert error_of(busy, 503)["code"] == "busy"
        assert [future.result().json()["output"] for future in held] == [0, 1]


def test_timeout_is_504() -> None:
    settings = ServeSettings(port=0, timeout_seconds=0.2)
    with BackgroundServer(settings, make_registry()) as server:
        response = httpx.post(f"{server.url}/templates/forever/run", json=1, timeout=WAIT_LIMIT)
        error = error_of(response, 504)
        assert (error["code"], error["timeout_seconds"]) == ("timeout", 0.2)
        lines = httpx.post(
            f"{server.url}/templates/forever/map",
            content=b"1\n2\n",
            headers=LINES,
            timeout=WAIT_LIMIT,
        )
        records = [json.loads(line) for line in lines.text.splitlines()]
        assert [(r["line"], r["error"]["status"]) for r in records] == [(1, 504), (2, 504)]


def test_debug_adds_the_traceback() -> None:
    with BackgroundServer(ServeSettings(port=0, debug=True), make_registry()) as server:
        response = httpx.post(f"{server.url}/templates/explode/run", json=1, timeout=WAIT_LIMIT)
        error = error_of(response, 422)
        assert "ValueError: cannot handle 1" in "".join(error["traceback"])  # type: ignore[arg-type]
        assert error["input"] == "1"


def test_tokens_and_roles() -> None:
    settings = ServeSettings(
        port=0,
        tokens={"reader-token": frozenset({"reader"}), "ops-token": frozenset({"ops"})},
        grants={"double": frozenset({"reader", "ops"}), "explode": frozenset({"ops"})},
    )
    with (
        BackgroundServer(settings, make_registry()) as server,
        httpx.Client(base_url=server.url, timeout=WAIT_LIMIT) as http,
    ):
        missing = http.post("/templates/double/run", json=1)
        assert error_of(missing, 401)["code"] == "unauthenticated"
        assert missing.headers["www-authenticate"].startswith("Bearer")
        wrong = http.post("/templates/double/run", json=1, headers={"Authorization": "Bearer x"})
        assert "x" not in str(error_of(wrong, 401)["message"]).replace("expected", "")
        reader = {"Authorization": "Bearer reader-token"}
        assert http.post("/templates/double/run", json=1, headers=reader).json()["output"] == 2
        denied = error_of(http.post("/templates/explode/run", json=1, headers=reader), 403)
        assert "reader-token" not in json.dumps(denied)
        assert denied["code"] == "forbidden"
        listed = http.get("/templates", headers=reader).json()["templates"]
        assert [entry["name"] for entry in listed] == ["double"]
        assert error_of(http.get("/templates/explode", headers=reader), 403)
        ops = {"Authorization": "Bearer ops-token"}
        assert http.post("/templates/explode/run", json=1, headers=ops).status_code == 422
        assert http.get("/healthz").status_code == 200  # probes need no token


def test_readiness_ends_when_shutdown_begins() -> None:
    server = BackgroundServer(ServeSettings(port=0), make_registry()).start()
    try:
        assert httpx.get(f"{server.url}/readyz", timeout=WAIT_LIMIT).status_code == 200
        server.state.shutting_down = True
        response = httpx.get(f"{server.url}/readyz", timeout=WAIT_LIMIT)
        assert (response.status_code, response.json()) == (503, {"status": "shutting_down"})
    finally:
        server.stop()
    assert not server.state.ready
