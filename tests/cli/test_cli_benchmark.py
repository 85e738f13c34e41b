"""Smoke test of ``python -m benchmarks cli --quick``: every row and target is reported.

It never asserts a timing threshold: MET and MISSED are both fine.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from cli_helpers import ROOT, subprocess_env

ROWS = (
    "hand-written loop",
    "wumbo run --no-progress",
    "wumbo run --raw --no-progress",
    "wumbo run, progress lines",
    "wumbo run, progress bar (terminal)",
)
NUMBER = r"(\d[\d,]*(?:\.\d+)?)"


def test_the_cli_benchmark_reports_every_row_and_target(tmp_path: Path) -> None:
    report = tmp_path / "cli.json"
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "cli", "--quick", "--json", str(report)],
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    for label in ROWS:
        pattern = rf"^  {re.escape(label)}" + rf" +{NUMBER} +{NUMBER} +{NUMBER}x" * 2 + "$"
        assert re.search(pattern, completed.stdout, re.MULTILINE), completed.stdout
    targets = re.findall(r"^  (MET|MISSED) +(.+): [\d.]+x \(target", completed.stdout, re.M)
    assert len(targets) == 4, completed.stdout
    data = json.loads(report.read_text())["suites"]["cli"]
    assert data["lines"] == 2_000
    assert set(data["items_per_second"]) == {"loop", "no_progress", "raw", "lines", "bar"}
    assert all(rate > 0 for rate in data["items_per_second"].values())
    assert all(rate > 0 for rate in data["cpu_items_per_second"].values())
    assert [target["limit"] for target in data["targets"]] == [1.25, 1.25, 1.25, 1.10]
