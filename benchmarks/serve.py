"""Serving load: ``wumbo serve`` against a bare Starlette endpoint and an in-process call.

A trivial template (``Double``: ``n * 2``) is served by ``python -m wumbo.serve`` in a child
process on 127.0.0.1 (a free port). ``CLIENTS`` client threads, each with its own keep-alive
connection, send ``POST /templates/double/run`` requests; the same load goes to a bare
Starlette + uvicorn endpoint doing the same work (the baseline: what any Python HTTP service
pays), also in a child process. Both report requests per second and p50/p99 latency; the
in-process call (``Double().as_template().run(n)``) gives the per-request overhead of going
over HTTP at all. The run is bounded: a fixed number of requests, loopback only.
"""

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import timeit
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from benchmarks._timing import Settings, Target, print_targets
from wumbo.framework import BaseTemplate, TemplateMetadata

DESCRIPTION = "HTTP serving of a trivial template: wumbo serve vs bare Starlette vs in-process"
CLIENTS = 8
REQUESTS_PER_CLIENT = 150
QUICK_REQUESTS_PER_CLIENT = 10
ROOT = Path(__file__).resolve().parents[1]
START_LIMIT = 30.0


class Double(BaseTemplate[int]):
    """The trivial template: twice its input."""

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("double")

    def _execute_core(self, value: int, *, context: object) -> int:
        return value * 2


async def _bare_double(request: Request) -> JSONResponse:
    value = json.loads(await request.body())
    return JSONResponse({"template": "double", "output": value * 2})


bare_app = Starlette(routes=[Route("/templates/double/run", _bare_double, methods=["POST"])])
"""The baseline: the same work behind a hand-written Starlette route."""


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _server(command: list[str]) -> Iterator[None]:
    """Run a server command until uvicorn reports start-up; stop it with SIGTERM after."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if "Application startup complete" in line:
                break
        else:
            raise RuntimeError(f"server {command} exited with {process.wait(START_LIMIT)}")
        drain = threading.Thread(target=process.stderr.read, daemon=True)
        drain.start()
        yield
    finally:
        process.terminate()
        process.wait(START_LIMIT)
        if process.stderr is not None:
            process.stderr.close()


def _load(url: str, requests_per_client: int) -> dict[str, float]:
    """``CLIENTS`` threads x ``requests_per_client`` requests; rps and latency percentiles."""
    latencies: list[float] = []
    lock = threading.Lock()
    errors: list[str] = []

    def client(number: int) -> None:
        mine: list[float] = []
        with httpx.Client(timeout=START_LIMIT) as http:
            for i in range(requests_per_client):
                value = number * 100_000 + i
                started = time.perf_counter()
                response = http.post(url, json=value)
                mine.append(time.perf_counter() - started)
                if response.status_code != 200 or response.json()["output"] != value * 2:
                    errors.append(f"{response.status_code} {response.text[:200]}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(START_LIMIT * 4)
    elapsed = time.perf_counter() - started
    if errors:
        raise AssertionError(f"{len(errors)} wrong answers, first: {errors[0]}")
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
    }


def _in_process_ns() -> float:
    pipeline = Double().as_template()
    assert pipeline.run(21) == 42
    timer = timeit.Timer("run(21)", globals={"run": pipeline.run})
    loops = 2000
    return min(timer.repeat(repeat=5, number=loops)) / loops * 1e9


def run(settings: Settings) -> dict[str, Any]:
    """Measure both servers under the same bounded load, print the report, return its data."""
    per_client = QUICK_REQUESTS_PER_CLIENT if settings.quick else REQUESTS_PER_CLIENT
    in_process_ns = _in_process_ns()
    results: dict[str, dict[str, float]] = {}
    port = _free_port()
    serve = [sys.executable, "-m", "wumbo.serve", "benchmarks.serve", "--port", str(port)]
    serve += ["--template", "double", "--max-concurrency", str(CLIENTS * 4)]
    bare = [sys.executable, "-m", "uvicorn", "benchmarks.serve:bare_app", "--port", str(port)]
    bare += ["--no-access-log", "--log-level", "info"]
    for key, command in (("bare_starlette", bare), ("wumbo_serve", serve)):
        with _server(command):
            url = f"http://127.0.0.1:{port}/templates/double/run"
            _load(url, max(2, per_client // 5))  # warm-up
            results[key] = _load(url, per_client)

    wumbo, baseline = results["wumbo_serve"], results["bare_starlette"]
    print(f"serve: {DESCRIPTION}")
    print(f"  {CLIENTS} client threads x {per_client} requests, keep-alive, 127.0.0.1")
    print(f"  {'server':<18}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for key, label in (("bare_starlette", "bare Starlette"), ("wumbo_serve", "wumbo serve")):
        row = results[key]
        print(f"  {label:<18}{row['rps']:>10.0f}{row['p50_ms']:>10.3f}{row['p99_ms']:>10.3f}")
    print(f"  in-process template.run(n): {in_process_ns / 1000:.2f} us per call")
    overhead_ms = wumbo["p50_ms"] - in_process_ns / 1e6
    print(f"  HTTP overhead over the in-process call (p50): {overhead_ms:.3f} ms")
    targets = [
        Target(
            "wumbo serve p50 latency <= 2x bare Starlette",
            wumbo["p50_ms"] / baseline["p50_ms"],
            2.0,
        ),
        Target(
            "bare Starlette throughput <= 2x wumbo serve",
            baseline["rps"] / wumbo["rps"],
            2.0,
        ),
    ]
    print_targets(targets)
    return {
        "description": DESCRIPTION,
        "clients": CLIENTS,
        "requests_per_client": per_client,
        "servers": results,
        "in_process_ns": in_process_ns,
        "overhead_ms": overhead_ms,
        "targets": [target.as_dict() for target in targets],
    }
