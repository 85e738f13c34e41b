"""What people see: progress lines or bar, tables with and without rich, on a real terminal."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import (
    pipelines_module,  # noqa: F401  (the pipelines fixture)
    subprocess_env,
    write_jsonl,
    wumbo_command,
)

from wumbo.cli.display import Display, choose_display
from wumbo.cli.progress import BarProgress, LineProgress, progress_for
from wumbo.cli.summary import RunSummary, show_summary
from wumbo.cli.timings import StageRow

WITHOUT_RICH = """
import sys

class NoRich:
    def find_spec(self, name, path=None, target=None):
        if name == "rich" or name.startswith("rich."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoRich())
from wumbo.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def run_in_terminal(argv: list[str], cwd: Path, timeout: float = 60) -> tuple[int, str]:
    """Run ``argv`` with a pseudo-terminal as its stdout and stderr; its status and output."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        argv, cwd=cwd, env=subprocess_env(COLUMNS="120"), stdout=terminal, stderr=terminal
    )
    os.close(terminal)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], deadline - time.monotonic())
            if not ready:
                break
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        status = process.wait(timeout=max(0.0, deadline - time.monotonic()))
    finally:
        os.close(controller)
        process.kill()
    return status, b"".join(chunks).decode("utf-8", "replace")


def test_progress_lines_at_most_once_per_interval() -> None:
    ticks = iter([0.0, 0.2, 0.9, 1.0, 1.5, 2.4, 3.0])
    stream = io.StringIO()
    lines = LineProgress(Display(stream, rich=False), total=6, clock=lambda: next(ticks))
    for done in range(1, 7):
        lines.update(done, failed=1 if done > 3 else 0)
    assert stream.getvalue().splitlines() == [
        "3/6 items, 0 failed, 3 items/s",
        "5/6 items, 1 failed, 2 items/s",
    ]


def test_the_bar_only_with_rich() -> None:
    assert isinstance(progress_for(Display(io.StringIO(), rich=True), 3), BarProgress)
    assert isinstance(progress_for(Display(io.StringIO(), rich=False), 3), LineProgress)
    assert not choose_display(io.StringIO(), plain=False).rich  # not a terminal


def test_summary_shows_skipped_lines_only_when_resumed() -> None:
    stream = io.StringIO()
    rows = [StageRow(1, "parse", 3, 1, 0.5, 2.0)]
    summary = RunSummary(
        ok=2, failed=1, skipped=4, seconds=1.5, output="o", errors="e", stages=rows
    )
    show_summary(Display(stream, rich=False), summary)
    text = stream.getvalue()
    assert "skipped (done before)" in text
    assert "1  parse      3       1  500.0 ms  2.0 s" in text
    assert text.endswith("2 results in o, 1 failures in e\n")


def test_rich_tables_render_cells_as_text_not_markup() -> None:
    pytest.importorskip("rich")
    stream = io.StringIO()
    summary = RunSummary(
        ok=1,
        failed=0,
        skipped=0,
        seconds=1.0,
        output="o",
        errors="e",
        stages=[StageRow(1, "[bold]stage[/bold]", 1, 0, 0.1, 0.1)],
    )
    show_summary(Display(stream, rich=True), summary)
    assert "[bold]stage[/bold]" in stream.getvalue()


def test_a_terminal_gets_the_rich_bar_and_tables(pipelines: str, tmp_path: Path) -> None:
    pytest.importorskip("rich")
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": n} for n in range(1, 51)])
    status, shown = run_in_terminal(
        wumbo_command("run", f"{pipelines}:numbers", str(source)), cwd=tmp_path
    )
    assert status == 1, shown
    assert "50/50" in shown
    assert "ETA" in shown
    assert "┃" in shown  # a drawn table
    assert "43 results in" in shown


def test_without_rich_a_terminal_gets_plain_output(pipelines: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": n} for n in range(1, 51)])
    argv = [sys.executable, "-c", WITHOUT_RICH, "run", f"{pipelines}:numbers", str(source)]
    status, shown = run_in_terminal(argv, cwd=tmp_path)
    assert status == 1, shown
    assert "ModuleNotFoundError" not in shown
    assert "ETA" not in shown
    assert "┃" not in shown
    assert "items  ok  failed" in shown
    assert "43 results in" in shown
    status, shown = run_in_terminal([sys.executable, "-c", WITHOUT_RICH, "list"], cwd=tmp_path)
    assert status == 0, shown
    assert re.search(r"transformer +transformer +map_filter, transform", shown), shown
