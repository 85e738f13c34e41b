"""Serving: which library decodes typed bodies, and ``wumbo serve`` against FastAPI.

**Decoders.** The body a served pipeline gets (an ``Order`` dataclass holding a list of
``Item`` dataclasses, ``ITEMS`` of them) is decoded from its JSON value by msgspec
(``msgspec.convert``, what ``wumbo serve`` uses), cattrs (``Converter.structure``) and pydantic
(``TypeAdapter.validate_python``), timed round-robin in one process (``_timing.measure``, the
best of many samples); each figure is items per second and its ratio to msgspec.

**Servers.** The same pipeline (``total``: ``Order -> Total``) is served three ways, each in a
child process on 127.0.0.1 (a free port each, uvicorn, each with uvicorn's access log, on by
default in uvicorn and in ``wumbo serve``): ``wumbo serve
benchmarks.serve:total``, a FastAPI route taking the same ``Order`` dataclass and answering
the same ``{"template", "output"}`` (its own typed response model), and a bare Starlette route
that decodes with ``json.loads`` and calls the function on the dict (the floor: what any Python
HTTP service pays). All three are up at once; ``CLIENTS`` client threads of this process (each
with its own keep-alive httpx connection) send the same bodies to one server at a time, in
rounds that alternate the servers (A, B, C, A, B, C...), so a burst of load on the machine hits
them alike. Each server's requests per second is its requests over the time its rounds took;
its p50/p99 latency are over all its requests, and its CPU time per request is what the server
process (all its threads) spent during its rounds, the figure the load of the machine moves
least. The in-process call
(``total.run(order)``) gives the cost of going over HTTP at all.
"""

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import timeit
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import msgspec
import psutil
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from benchmarks._timing import Candidate, Settings, Target, measure, print_targets, table
from wumbo import template

DESCRIPTION = "typed bodies: msgspec vs cattrs vs pydantic; wumbo serve vs FastAPI over HTTP"
CLIENTS = 8
ROUNDS = 6
REQUESTS_PER_ROUND = 40
QUICK_ROUNDS = 2
QUICK_REQUESTS_PER_ROUND = 3
ITEMS = 10
ROOT = Path(__file__).resolve().parents[1]
START_LIMIT = 30.0


@dataclass
class Item:
    """One order line."""

    sku: str
    qty: int
    price: float


@dataclass
class Order:
    """The typed body: a customer and its lines."""

    customer: str
    items: list[Item]


@dataclass
class Total:
    """The typed answer."""

    customer: str
    units: int
    amount: float


def _total(order: Order) -> Total:
    units = sum(item.qty for item in order.items)
    amount = round(sum(item.qty * item.price for item in order.items), 2)
    return Total(order.customer, units, amount)


total = template(_total, name="total")
"""The served pipeline (``wumbo serve benchmarks.serve:total``)."""


def order_body(number: int) -> dict[str, Any]:
    """The JSON value of order ``number`` (``ITEMS`` lines)."""
    items = [{"sku": f"sku-{i}", "qty": i + 1, "price": 1.5} for i in range(ITEMS)]
    return {"customer": f"c{number}", "items": items}


def expected_output(number: int) -> dict[str, Any]:
    """What every server must answer for order ``number``."""
    return asdict(_total(msgspec.convert(order_body(number), Order)))


async def _bare_total(request: Request) -> JSONResponse:
    value = msgspec.json.decode(await request.body())
    units = sum(item["qty"] for item in value["items"])
    amount = round(sum(item["qty"] * item["price"] for item in value["items"]), 2)
    output = {"customer": value["customer"], "units": units, "amount": amount}
    return JSONResponse({"template": "total", "output": output})


bare_app = Starlette(routes=[Route("/templates/total/run", _bare_total, methods=["POST"])])
"""The floor: the same work behind a hand-written Starlette route, no types."""


def _fastapi_app() -> Any:
    """FastAPI serving ``_total`` with the same typed body and a typed answer."""
    from fastapi import FastAPI

    @dataclass
    class Answer:
        template: str
        output: Total

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.post("/templates/total/run")
    def run_total(order: Order) -> Answer:  # a sync route runs in a thread, as wumbo's does
        return Answer("total", _total(order))

    return app


def __getattr__(name: str) -> Any:
    """``fastapi_app`` is built on first use, so only its own server imports FastAPI."""
    if name == "fastapi_app":
        return _fastapi_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _decoders(settings: Settings) -> dict[str, Any]:
    import cattrs
    from pydantic import TypeAdapter

    body = order_body(1)
    wanted = msgspec.convert(body, Order)
    converter = cattrs.Converter()
    adapter = TypeAdapter(Order)
    names = {"body": body, "Order": Order}
    candidates = [
        Candidate(
            "decode",
            "msgspec",
            "msgspec.convert",
            "convert(body, Order)",
            {**names, "convert": msgspec.convert},
            wanted.__eq__,
        ),
        Candidate(
            "decode",
            "cattrs",
            "cattrs Converter.structure",
            "structure(body, Order)",
            {**names, "structure": converter.structure},
            wanted.__eq__,
        ),
        Candidate(
            "decode",
            "pydantic",
            "pydantic TypeAdapter.validate_python",
            "validate(body)",
            {"body": body, "validate": adapter.validate_python},
            wanted.__eq__,
        ),
    ]
    measured = measure(candidates, settings)
    rows = [measured[f"decode/{key}"] for key in ("msgspec", "cattrs", "pydantic")]
    anchor = rows[0]
    print(table(f"decoding one Order of {ITEMS} Items from its JSON value", rows, anchor))
    per_second = {row.candidate.key: 1e9 / row.min_ns for row in rows}
    for row in rows:
        key = row.candidate.key
        ratio = per_second[key] / per_second["msgspec"]
        print(f"  {row.candidate.label:<40}{per_second[key]:>12,.0f} items/s  {ratio:.2f}x msgspec")
    return {
        "rows": [row.as_dict(anchor) for row in rows],
        "items_per_second": per_second,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _server(command: list[str]) -> Iterator[psutil.Process]:
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
        yield psutil.Process(process.pid)
    finally:
        process.terminate()
        process.wait(START_LIMIT)
        if process.stderr is not None:
            process.stderr.close()


@dataclass
class _Load:
    """One server's figures, gathered over its rounds."""

    latencies: list[float]
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    """CPU time the server process spent in its rounds (all its threads)."""

    def figures(self) -> dict[str, float]:
        cuts = statistics.quantiles(self.latencies, n=100)
        return {
            "requests": len(self.latencies),
            "rps": len(self.latencies) / self.seconds,
            "p50_ms": cuts[49] * 1000,
            "p99_ms": cuts[98] * 1000,
            "cpu_us_per_request": self.cpu_seconds / len(self.latencies) * 1e6,
        }


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def _round(clients: list[httpx.Client], url: str, requests: int, load: _Load) -> None:
    """Every client sends ``requests`` orders to ``url``; the answers are checked."""
    errors: list[str] = []
    lock = threading.Lock()

    def send(number: int, http: httpx.Client) -> None:
        mine: list[float] = []
        for i in range(requests):
            order = number * 100_000 + i
            body = order_body(order)
            started = time.perf_counter()
            response = http.post(url, json=body)
            mine.append(time.perf_counter() - started)
            if response.status_code != 200 or response.json() != {
                "template": "total",
                "output": expected_output(order),
            }:
                errors.append(f"{response.status_code} {response.text[:200]}")
        with lock:
            load.latencies.extend(mine)

    threads = [threading.Thread(target=send, args=pair) for pair in enumerate(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(START_LIMIT * 4)
    load.seconds += time.perf_counter() - started
    if errors:
        raise AssertionError(f"{url}: {len(errors)} wrong answers, first: {errors[0]}")


def _servers(rounds: int, per_round: int) -> dict[str, dict[str, float]]:
    ports = {key: _free_port() for key in ("wumbo_serve", "fastapi", "bare_starlette")}
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "info"]  # an access log, as wumbo's
    commands = {
        "wumbo_serve": [
            *(sys.executable, "-m", "wumbo.serve", "benchmarks.serve:total"),
            *("--port", str(ports["wumbo_serve"]), "--max-concurrency", str(CLIENTS * 4)),
        ],
        "fastapi": [*uvicorn, "benchmarks.serve:fastapi_app", "--port", str(ports["fastapi"])],
        "bare_starlette": [
            *uvicorn,
            *("benchmarks.serve:bare_app", "--port", str(ports["bare_starlette"])),
        ],
    }
    loads = {key: _Load([]) for key in commands}
    with ExitStack() as stack:
        processes = {
            key: stack.enter_context(_server(command)) for key, command in commands.items()
        }
        clients = [stack.enter_context(httpx.Client(timeout=START_LIMIT)) for _ in range(CLIENTS)]
        urls = {key: f"http://127.0.0.1:{port}/templates/total/run" for key, port in ports.items()}
        for key, url in urls.items():
            _round(clients, url, max(2, per_round // 4), _Load([]))  # warm-up
        for number in range(rounds):
            keys = list(commands)
            for key in keys[number % len(keys) :] + keys[: number % len(keys)]:
                cpu = _cpu(processes[key])
                _round(clients, urls[key], per_round, loads[key])
                loads[key].cpu_seconds += _cpu(processes[key]) - cpu
    return {key: load.figures() for key, load in loads.items()}


def _in_process_ns() -> float:
    order = msgspec.convert(order_body(1), Order)
    assert asdict(total.run(order)) == expected_output(1)
    timer = timeit.Timer("run(order)", globals={"run": total.run, "order": order})
    loops = 2000
    return min(timer.repeat(repeat=5, number=loops)) / loops * 1e9


def run(settings: Settings) -> dict[str, Any]:
    """Measure the decoders and the three servers, print the report, return its data."""
    decoders = _decoders(settings)
    rounds = QUICK_ROUNDS if settings.quick else ROUNDS
    per_round = QUICK_REQUESTS_PER_ROUND if settings.quick else REQUESTS_PER_ROUND
    in_process_ns = _in_process_ns()
    results = _servers(rounds, per_round)
    wumbo, fastapi, bare = results["wumbo_serve"], results["fastapi"], results["bare_starlette"]
    print(f"serve: {DESCRIPTION}")
    print(
        f"  POST /templates/total/run, an Order of {ITEMS} Items; {CLIENTS} client threads, "
        f"keep-alive, 127.0.0.1; {rounds} interleaved rounds x {per_round} requests per client"
    )
    print(f"  {'server':<18}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'server CPU us/req':>20}")
    labels = {
        "wumbo_serve": "wumbo serve",
        "fastapi": "FastAPI",
        "bare_starlette": "bare Starlette",
    }
    for key, label in labels.items():
        row = results[key]
        print(
            f"  {label:<18}{row['rps']:>10.0f}{row['p50_ms']:>10.3f}{row['p99_ms']:>10.3f}"
            f"{row['cpu_us_per_request']:>20.0f}"
        )
    print(f"  in-process total.run(order): {in_process_ns / 1000:.2f} us per call")
    targets = [
        Target("FastAPI throughput <= 1.0x wumbo serve", fastapi["rps"] / wumbo["rps"], 1.0),
        Target("wumbo serve p99 <= 1.0x FastAPI p99", wumbo["p99_ms"] / fastapi["p99_ms"], 1.0),
        Target(
            "wumbo serve CPU per request <= 1.0x FastAPI's",
            wumbo["cpu_us_per_request"] / fastapi["cpu_us_per_request"],
            1.0,
        ),
        Target(
            "msgspec decoding faster than cattrs",
            decoders["items_per_second"]["cattrs"] / decoders["items_per_second"]["msgspec"],
            1.0,
            strict=True,
        ),
        Target(
            "msgspec decoding faster than pydantic",
            decoders["items_per_second"]["pydantic"] / decoders["items_per_second"]["msgspec"],
            1.0,
            strict=True,
        ),
        Target("bare Starlette throughput <= 2x wumbo serve", bare["rps"] / wumbo["rps"], 2.0),
    ]
    print_targets(targets)
    return {
        "description": DESCRIPTION,
        "decoders": decoders,
        "clients": CLIENTS,
        "rounds": rounds,
        "requests_per_round": per_round,
        "servers": results,
        "in_process_ns": in_process_ns,
        "targets": [target.as_dict() for target in targets],
    }
