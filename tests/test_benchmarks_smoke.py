"""Smoke test of ``python -m benchmarks core --quick``: the report is complete and well formed.

It checks that every candidate row and every target line is printed with positive numbers and
that the JSON holds the same. It never asserts a timing threshold: MET and MISSED are both fine.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

SUCCESS_ROWS = (
    "hand-written nested call",
    "Success(nested call)",
    "wumbo pipeline(x) [Result]",
    "wumbo pipeline.run(x) [plain]",
    "wumbo pipeline.run(x) [plain], unannotated stages",
    "wumbo pipeline.run(x) [plain], lambdas",
    "wumbo pipeline(x) [Result], unannotated stages",
    "toolz compose_left(*fns)",
    "cytoolz compose_left(*fns)",
    "returns flow(x, *fns)",
    "returns pipe(*fns)",
    "Expression pipe(x, *fns)",
)
FAILURE_ROWS = ("hand-written try/except + Failure", "wumbo pipeline(x) [Result]")
SECTIONS = {
    "N = 1 stage of inc": SUCCESS_ROWS,
    "N = 5 stages of inc": SUCCESS_ROWS,
    "N = 20 stages of inc": SUCCESS_ROWS,
    "failure path: N = 5, stage 3 of 5 raises ValueError": FAILURE_ROWS,
}
JSON_GROUPS = {"N=1": 12, "N=5": 12, "N=20": 12, "failure N=5": 2}
RATIOS = (
    "plain call / nested call",
    "plain call, unannotated / nested call",
    "plain call, lambdas / nested call",
    "Result call, unannotated / Success(nested)",
    "Result call / Success(nested call)",
    "plain call / cytoolz compose_left",
    "Result call failure / try-except + Failure",
)
TARGETS = (
    "plain call <= 1.2x hand-written nested call, N = 5",
    "plain call <= 1.2x hand-written nested call, N = 20",
    "plain call of unannotated stages <= 1.8x hand-written nested call, N = 5",
    "plain call of lambdas <= 1.8x hand-written nested call, N = 5",
    "plain call of unannotated stages <= 1.8x hand-written nested call, N = 20",
    "plain call of lambdas <= 1.8x hand-written nested call, N = 20",
    "plain call faster than cytoolz compose_left, N = 5",
    "plain call faster than cytoolz compose_left, N = 20",
    "Result call <= 1.1x Success(nested call), N = 5",
    "Result call <= 1.1x Success(nested call), N = 20",
    "failure path <= 1.2x try/except + one Failure, N = 5",
)
NUMBER = r"(\d+(?:\.\d+)?)"


@dataclass(frozen=True)
class Run:
    """What one quick benchmark run printed and wrote."""

    stdout: str
    data: dict[str, Any]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    path = tmp_path_factory.mktemp("bench") / "core.json"
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "core", "--quick", "--json", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    data: dict[str, Any] = json.loads(path.read_text())
    return Run(completed.stdout, data)


def _section(stdout: str, title: str) -> list[str]:
    """The lines under ``title`` up to the next blank line."""
    lines = stdout.splitlines()
    assert title in lines, f"section {title!r} missing from:\n{stdout}"
    start = lines.index(title) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


@pytest.mark.parametrize("title", list(SECTIONS))
def test_every_candidate_row_has_positive_numbers(run: Run, title: str) -> None:
    rows = _section(run.stdout, title)
    assert rows[0].split() == ["candidate", "ns/call", "median", "vs", "baseline"]
    assert len(rows) == 1 + len(SECTIONS[title])
    for label, row in zip(SECTIONS[title], rows[1:], strict=True):
        match = re.fullmatch(rf"\s+{re.escape(label)}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}x", row)
        assert match is not None, f"bad row {row!r} for {label!r}"
        assert all(float(value) > 0 for value in match.groups())
    assert rows[1].endswith(" 1.00x")  # the first row is the baseline


def test_every_ratio_is_printed(run: Run) -> None:
    rows = _section(run.stdout, "ratios (same run, minimum over minimum)")
    assert len(rows) == 19
    for description in RATIOS:
        pattern = rf"\s+N = \d+\s+{re.escape(description)}\s+{NUMBER}x"
        matches = [re.fullmatch(pattern, row) for row in rows]
        values = [float(match.group(1)) for match in matches if match is not None]
        assert values, f"ratio {description!r} missing"
        assert all(value > 0 for value in values)


def test_every_target_line_is_printed(run: Run) -> None:
    rows = _section(run.stdout, "targets (reported, never asserted)")
    assert len(rows) == len(TARGETS)
    for description, row in zip(TARGETS, rows, strict=True):
        pattern = rf"\s+(MET|MISSED)\s+{re.escape(description)}: {NUMBER}x \(target <=? {NUMBER}x\)"
        match = re.fullmatch(pattern, row)
        assert match is not None, f"bad target line {row!r}"
        assert float(match.group(2)) > 0
        assert float(match.group(3)) > 0


def test_json_holds_every_row_and_target(run: Run) -> None:
    core = run.data["suites"]["core"]
    assert {group: len(rows) for group, rows in core["groups"].items()} == JSON_GROUPS
    for rows in core["groups"].values():
        for row in rows:
            assert row["min_ns"] > 0
            assert row["median_ns"] >= row["min_ns"]
            assert row["vs_baseline"] > 0
            assert row["loops"] >= 1
            assert row["samples"] >= 1
    assert [target["description"] for target in core["targets"]] == list(TARGETS)
    for target in core["targets"]:
        assert target["ratio"] > 0
        assert isinstance(target["met"], bool)
    assert run.data["settings"]["quick"] is True
