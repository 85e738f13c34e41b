"""APIClientTemplate against a real HTTP server on 127.0.0.1 (started and stopped here)."""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import anyio
import httpx
import pytest

from wumbo.framework import APIClientTemplate, TemplateConfigError, create_api_client
from wumbo.framework.builtins.api_client import backoff_delays, is_retryable

WAIT = 10.0  # upper bound of every wait in this file, in seconds


class _QuietServer(ThreadingHTTPServer):
    """A test server that does not print a traceback when a client hangs up early (the
    timeout tests do that on purpose)."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class Server:
    """A tiny HTTP server with a route per behaviour, counting the requests it got."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.failures_before_success = 0
        self.release = threading.Event()  # lets /slow answer (set at teardown)
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the tests print nothing."""

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _json(self, status: int, value: object) -> None:
                self._send(status, json.dumps(value).encode(), "application/json")

            def _route(self) -> None:
                url = urlparse(self.path)
                with server.lock:
                    count = server.hits[url.path] = server.hits.get(url.path, 0) + 1
                if url.path == "/json":
                    self._json(200, {"ok": True, "items": [1, 2]})
                elif url.path == "/text":
                    self._send(200, b"plain hello", "text/plain; charset=utf-8")
                elif url.path == "/flaky":
                    if count <= server.failures_before_success:
                        self._send(500, b"try again", "text/plain")
                    else:
                        self._json(200, {"attempt": count})
                elif url.path == "/busy":
                    self._send(429, b"slow down", "text/plain")
                elif url.path == "/slow":
                    if count == 1:
                        server.release.wait(timeout=WAIT)
                    self._json(200, {"slow": count})
                elif url.path == "/echo":
                    length = int(self.headers.get("Content-Length") or 0)
                    body = json.loads(self.rfile.read(length)) if length else None
                    self._json(
                        200,
                        {
                            "method": self.command,
                            "body": body,
                            "query": parse_qs(url.query),
                            "token": self.headers.get("X-Token"),
                            "agent": self.headers.get("X-Agent"),
                        },
                    )
                else:
                    self._send(404, b"no such route", "text/plain")

            do_GET = do_POST = do_PUT = _route

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=WAIT)


@pytest.fixture(scope="module")
def running_server() -> Iterator[Server]:
    with Server() as running:
        yield running


@pytest.fixture
def server(running_server: Server) -> Iterator[Server]:
    """The module's server, with fresh counters for each test."""
    with running_server.lock:
        running_server.hits.clear()
        running_server.failures_before_success = 0
        running_server.release = threading.Event()
    yield running_server
    running_server.release.set()  # frees a handler still hanging on /slow


@pytest.fixture
def refused_url() -> str:
    """A URL on a port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing"


def client(server: Server, **options: Any) -> APIClientTemplate:
    options.setdefault("retry_delay", 0)
    return create_api_client(server.base_url + "/", timeout=WAIT, **options)


def test_json_bodies_decode_to_python_values(server: Server) -> None:
    assert client(server)("/json") == {"ok": True, "items": [1, 2]}


def test_other_bodies_are_text(server: Server) -> None:
    assert client(server)("text") == "plain hello"


def test_method_data_params_and_headers_are_sent(server: Server) -> None:
    api = client(server, headers={"X-Token": "secret", "X-Agent": "base"})
    answer = api(
        "/echo", method="POST", data={"n": 1}, params={"q": "x"}, headers={"X-Agent": "call"}
    )
    assert answer == {
        "method": "POST",
        "body": {"n": 1},
        "query": {"q": ["x"]},
        "token": "secret",
        "agent": "call",
    }


def test_a_500_is_retried_until_success(server: Server) -> None:
    server.failures_before_success = 2
    assert client(server, retries=3)("/flaky") == {"attempt": 3}
    assert server.hits["/flaky"] == 3


def test_retries_stop_after_retries_plus_one_attempts(server: Server) -> None:
    server.failures_before_success = 10
    result = client(server, retries=2).execute("/flaky")
    assert isinstance(result.error, httpx.HTTPStatusError)
    assert result.error.response.status_code == 500
    assert server.hits["/flaky"] == 3


def test_429_is_retried_but_other_4xx_are_not(server: Server) -> None:
    with pytest.raises(httpx.HTTPStatusError):
        client(server, retries=1)("/busy")
    assert server.hits["/busy"] == 2
    with pytest.raises(httpx.HTTPStatusError, match="404"):
        client(server, retries=3)("/missing")
    assert server.hits["/missing"] == 1


def test_a_timeout_is_retried(server: Server) -> None:
    api = create_api_client(server.base_url, timeout=0.2, retries=1, retry_delay=0)
    assert api("/slow") == {"slow": 2}  # the first request hung past the timeout
    assert server.hits["/slow"] == 2


def test_a_timeout_on_the_last_attempt_is_raised(server: Server) -> None:
    api = create_api_client(server.base_url, timeout=0.2, retries=0)
    with pytest.raises(httpx.TimeoutException):
        api("/slow")


def test_connection_refused_is_retried_then_raised(refused_url: str) -> None:
    api = create_api_client(timeout=WAIT, retries=2, retry_delay=0)
    result = api.execute(refused_url)
    assert isinstance(result.error, httpx.ConnectError)
    assert not result.success


def test_retry_waits_grow_exponentially(server: Server) -> None:
    assert backoff_delays(4, 0.5) == [0.5, 1.0, 2.0, 4.0]
    server.failures_before_success = 2
    assert client(server, retries=2, retry_delay=0.001)("/flaky") == {"attempt": 3}


def test_is_retryable() -> None:
    request = httpx.Request("GET", "http://x.test")

    def status(code: int) -> httpx.HTTPStatusError:
        response = httpx.Response(code, request=request)
        return httpx.HTTPStatusError("status", request=request, response=response)

    assert [is_retryable(status(code)) for code in (429, 500, 503, 400, 404)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert is_retryable(httpx.ReadTimeout("slow"))
    assert not is_retryable(ValueError("not http"))


@pytest.mark.anyio
async def test_async_json_text_and_retries(server: Server) -> None:
    api = client(server, retries=2)
    assert (await api.execute_async("/json")).data == {"ok": True, "items": [1, 2]}
    assert (await api.execute_async("/text")).data == "plain hello"
    server.failures_before_success = 1
    assert (await api.execute_async("/flaky")).data == {"attempt": 2}


@pytest.mark.anyio
async def test_async_timeout_and_refused(server: Server, refused_url: str) -> None:
    api = create_api_client(server.base_url, timeout=0.2, retries=1, retry_delay=0)
    assert (await api.execute_async("/slow")).data == {"slow": 2}
    refused = await create_api_client(retries=0).execute_async(refused_url)
    assert isinstance(refused.error, httpx.ConnectError)


def test_is_an_async_stage_in_a_pipeline(server: Server) -> None:
    api = client(server)
    pipeline = api | (lambda body: body["items"])
    assert pipeline.is_async
    assert anyio.run(pipeline.acall, "/json").unwrap() == [1, 2]
    assert pipeline.run("/json") == [1, 2]


def test_bad_configuration_and_calls_are_refused() -> None:
    with pytest.raises(TemplateConfigError, match="retries must be an int >= 0, got int -1"):
        create_api_client(retries=-1)
    with pytest.raises(TemplateConfigError, match="timeout must be a number >= 0, got str"):
        create_api_client(timeout="fast")
    with pytest.raises(TemplateConfigError, match="base_url must be a str, got int 5"):
        create_api_client(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="url must be a str, got int 3"):
        create_api_client()(3)  # type: ignore[arg-type]


def test_metadata() -> None:
    metadata = create_api_client().metadata
    assert (metadata.name, metadata.tags) == ("api_client", ["api", "http", "client", "web"])
    assert metadata.supports_async
