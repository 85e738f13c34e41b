"""Smoke test of ``python -m benchmarks serve --quick``: every decoder, server and target is
reported with positive figures. It never asserts a timing threshold: MET and MISSED both pass."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NUMBER = r"(\d[\d,]*(?:\.\d+)?)"


def test_the_serve_benchmark_reports_every_row_and_target(tmp_path: Path) -> None:
    report = tmp_path / "serve.json"
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "serve", "--quick", "--json", str(report)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    for label in ("msgspec.convert", "cattrs Converter.structure", "pydantic TypeAdapter"):
        assert re.search(
            rf"^  {re.escape(label)}.* {NUMBER} items/s  {NUMBER}x msgspec$", out, re.M
        ), out
    for label in ("wumbo serve", "FastAPI", "bare Starlette"):
        row = rf"^  {label}" + rf" +{NUMBER}" * 4 + "$"  # req/s, p50, p99, server CPU per request
        assert re.search(row, out, re.M), out
    targets = re.findall(r"^  (MET|MISSED) +(.+): [\d.]+x \(target", out, re.M)
    assert len(targets) == 6, out
    data = json.loads(report.read_text())["suites"]["serve"]
    assert set(data["servers"]) == {"wumbo_serve", "fastapi", "bare_starlette"}
    for figures in data["servers"].values():
        assert figures["rps"] > 0
        assert 0 < figures["p50_ms"] <= figures["p99_ms"]
        assert figures["cpu_us_per_request"] > 0
    assert set(data["decoders"]["items_per_second"]) == {"msgspec", "cattrs", "pydantic"}
