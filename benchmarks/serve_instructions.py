"""Instructions per request of ``wumbo serve`` and FastAPI: the serve figure the machine's load
does not move. ``python -m benchmarks.serve_instructions [REQUESTS]`` (needs valgrind; several
minutes: every server runs under callgrind).

Each server of `benchmarks.serve` (the ``total`` pipeline, the same typed ``Order`` body, each
with uvicorn's access log) runs under ``valgrind --tool=callgrind`` twice: once answering
``WARM_UP`` requests, once ``WARM_UP + REQUESTS``, from 4 client threads of this process with
keep-alive connections, then SIGTERM. The difference of the two runs' instruction totals over
``REQUESTS`` is the server's instructions per request, start-up and shutdown cancelled out.
"""

import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import httpx

from benchmarks.serve import ROOT, START_LIMIT, _free_port, order_body

WARM_UP = 20
REQUESTS = 200
CLIENTS = 4
SERVERS = {
    "wumbo serve": ["-m", "wumbo.serve", "benchmarks.serve:total", "--port"],
    "FastAPI": ["-m", "uvicorn", "--log-level", "info", "benchmarks.serve:fastapi_app", "--port"],
}


def _send(url: str, requests: int) -> None:
    def client() -> None:
        with httpx.Client(timeout=START_LIMIT * 4) as http:
            for number in range(requests // CLIENTS):
                answer = http.post(url, json=order_body(number))
                assert answer.status_code == 200, answer.text

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _instructions(arguments: list[str], requests: int, folder: Path) -> int:
    """The instructions the server process ran to start, answer ``requests`` and stop."""
    port = _free_port()
    out = folder / f"callgrind.{port}.out"
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable]
    server = subprocess.Popen(
        [*command, *arguments, str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    for line in server.stderr:  # under valgrind, start-up takes a while
        if "Application startup complete" in line:
            break
    threading.Thread(target=server.stderr.read, daemon=True).start()
    _send(f"http://127.0.0.1:{port}/templates/total/run", requests)
    server.terminate()
    server.wait()
    for line in out.read_text().splitlines():
        if line.startswith("summary:"):  # what callgrind_annotate calls PROGRAM TOTALS
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {out}")


def main(requests: int = REQUESTS) -> dict[str, float]:
    """Print and return each server's instructions per request, and their ratio."""
    per_request: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, arguments in SERVERS.items():
            base = _instructions(arguments, WARM_UP, Path(folder))
            loaded = _instructions(arguments, WARM_UP + requests, Path(folder))
            per_request[label] = (loaded - base) / requests
            print(f"  {label:<12}{per_request[label]:>14,.0f} instructions per request")
    ratio = per_request["wumbo serve"] / per_request["FastAPI"]
    print(f"  wumbo serve / FastAPI: {ratio:.3f}x the instructions per request")
    return per_request


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else REQUESTS)
