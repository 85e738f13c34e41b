"""``python -m wumbo.serve`` as a real process: graceful SIGTERM, and one-line usage errors."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from serve_helpers import WAIT_LIMIT

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


def refused_soon(port: int) -> bool:
    """True once a new connection to ``port`` is refused (the server stopped listening)."""
    pause = threading.Event()  # never set: a bounded pause between attempts
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=WAIT_LIMIT).close()
        except ConnectionRefusedError:
            return True
        pause.wait(0.05)
    return False


def test_sigterm_finishes_in_flight_requests_and_refuses_new_ones() -> None:
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
                assert refused_soon(port)
                for number, connection in enumerate(held):
                    with connection:
                        connection.sendall(f"done {number}".encode())
                outputs = sorted(future.result(WAIT_LIMIT).json()["output"] for future in requests)
            assert outputs == [f"done {number}" for number in range(IN_FLIGHT)]
            assert process.wait(WAIT_LIMIT) == 0
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
