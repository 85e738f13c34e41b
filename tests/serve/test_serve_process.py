"""``python -m wumbo.serve`` as a real process: graceful SIGTERM (answering while it drains,
cutting what runs past the grace period with a JSON 503, exiting whatever its threads do), and
one-line usage errors."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from raw_http import wait_until
from serve_helpers import WAIT_LIMIT

from wumbo.serve.server import CLOSING_SECONDS, EXIT_MARGIN_SECONDS

PLUGINS = Path(__file__).parent / "plugins"
IN_FLIGHT = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(*arguments: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wumbo.serve", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def wait_until_ready(process: subprocess.Popen[str]) -> None:
    """Read the server's stderr until uvicorn says it is up (no polling)."""
    assert process.stderr is not None
    for line in process.stderr:
        if "Application startup complete" in line:
            return
    raise AssertionError(f"the server exited with {process.wait(WAIT_LIMIT)} before starting")


def status_of(url: str) -> int:
    return httpx.get(url, timeout=WAIT_LIMIT).status_code


def test_sigterm_finishes_in_flight_requests_and_answers_meanwhile() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    arguments = (str(PLUGINS), "--port", str(port), "--shutdown-seconds", "15")
    with start(*arguments) as process, ThreadPoolExecutor(5) as pool:
        try:
            wait_until_ready(process)
            assert process.stderr is not None
            pool.submit(process.stderr.read)  # keep the log pipe from filling up
            with socket.create_server(("127.0.0.1", 0)) as test_side:
                test_side.settimeout(WAIT_LIMIT)
                gate_port = test_side.getsockname()[1]
                run_url = f"{url}/templates/wait_for_test/run"
                requests = [
                    pool.submit(httpx.post, run_url, json=gate_port, timeout=WAIT_LIMIT * 2)
                    for _ in range(IN_FLIGHT)
                ]
                held = [test_side.accept()[0] for _ in range(IN_FLIGHT)]  # all inside
                process.send_signal(signal.SIGTERM)
                # Still listening: the probe hears of the shutdown, new work is turned away.
                wait_until(lambda: status_of(f"{url}/readyz") == 503, "readyz turned 503")
                ready = httpx.get(f"{url}/readyz", timeout=WAIT_LIMIT)
                assert ready.json() == {"status": "shutting_down"}
                assert status_of(f"{url}/healthz") == 200
                late = httpx.post(f"{url}/templates/wait_for_test/run", json=1, timeout=WAIT_LIMIT)
                assert (late.status_code, late.headers["content-type"]) == (503, "application/json")
                assert late.json()["error"]["code"] == "shutting_down"
                assert late.headers["retry-after"] == "1"
                for number, connection in enumerate(held):
                    with connection:
                        connection.sendall(f"done {number}".encode())
                outputs = sorted(future.result(WAIT_LIMIT).json()["output"] for future in requests)
            assert outputs == [f"done {number}" for number in range(IN_FLIGHT)]
            assert process.wait(WAIT_LIMIT) == 0
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"{url}/readyz", timeout=WAIT_LIMIT)
        finally:
            if process.poll() is None:
                process.kill()


GRACE = 1
LAST_CALL = GRACE + CLOSING_SECONDS + EXIT_MARGIN_SECONDS


def test_sigterm_cuts_a_hung_template_with_json_and_exits() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    arguments = (str(PLUGINS), "--port", str(port), "--shutdown-seconds", str(GRACE))
    with start(*arguments) as process, ThreadPoolExecutor(2) as pool:
        try:
            wait_until_ready(process)
            assert process.stderr is not None
            log = pool.submit(process.stderr.read)
            with socket.create_server(("127.0.0.1", 0)) as test_side:
                test_side.settimeout(WAIT_LIMIT)
                run_url = f"{url}/templates/block_forever/run"
                hung = pool.submit(
                    httpx.post, run_url, json=test_side.getsockname()[1], timeout=WAIT_LIMIT
                )
                test_side.accept()[0].close()  # the template is running, and never returns
                process.send_signal(signal.SIGTERM)
                answer = hung.result(WAIT_LIMIT)
            assert (answer.status_code, answer.headers["content-type"]) == (503, "application/json")
            error = answer.json()["error"]
            assert (error["status"], error["code"]) == (503, "shutting_down")
            assert "shut down before this request finished" in error["message"]
            assert process.wait(LAST_CALL + 2) == 0  # the stuck thread does not keep it alive
            assert "still run after the shutdown" in log.result(WAIT_LIMIT)
        finally:
            if process.poll() is None:
                process.kill()


def test_sigterm_exits_although_a_template_hangs_past_its_timeout() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    arguments = (str(PLUGINS), "--port", str(port), "--timeout", "0.2", "--shutdown-seconds", "5")
    with start(*arguments) as process, ThreadPoolExecutor(2) as pool:
        try:
            wait_until_ready(process)
            assert process.stderr is not None
            log = pool.submit(process.stderr.read)
            with socket.create_server(("127.0.0.1", 0)) as test_side:
                test_side.settimeout(WAIT_LIMIT)
                run_url = f"{url}/templates/block_forever/run"
                answer = httpx.post(run_url, json=test_side.getsockname()[1], timeout=WAIT_LIMIT)
                test_side.accept()[0].close()
            assert answer.status_code == 504  # its thread is abandoned, still blocked
            process.send_signal(signal.SIGTERM)
            assert process.wait(LAST_CALL + 2) == 0  # nothing in flight: no grace to wait
            assert "1 thread(s) still run after the shutdown" in log.result(WAIT_LIMIT)
        finally:
            if process.poll() is None:
                process.kill()


@pytest.mark.parametrize(
    ("arguments", "env", "expected"),
    [
        (["--host", "0.0.0.0"], {}, "refusing to listen on 0.0.0.0"),
        (["no_such_module_for_serve"], {}, "cannot import module 'no_such_module_for_serve'"),
        ([], {"WUMBO_SERVE_TIMEOUT": "soon"}, "WUMBO_SERVE_TIMEOUT must be a number"),
        (["--template", "nope"], {}, "cannot serve template 'nope'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    arguments: list[str], env: dict[str, str], expected: str
) -> None:
    with start(*arguments, "--port", str(free_port()), env=env) as process:
        _, err = process.communicate(timeout=WAIT_LIMIT * 3)
    assert process.returncode == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("wumbo serve: error: ")
    assert expected in lines[0]
