"""What people see: progress lines or bar, tables with and without rich, on a real terminal."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import threading
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


class TerminalReader(threading.Thread):
    """Reads a pseudo-terminal until its writer closes it, as a terminal emulator does."""

    def __init__(self, controller: int) -> None:
        super().__init__(daemon=True)
        self.controller = controller
        self.chunks: list[bytes] = []

    def run(self) -> None:
        while True:
            try:
                chunk = os.read(self.controller, 65536)
            except OSError:  # the terminal closed: all was read
                return
            if not chunk:
                return
            self.chunks.append(chunk)

    def text(self) -> str:
        """What was read, once the writer is done."""
        self.join(30)
        return b"".join(self.chunks).decode("utf-8", "replace")


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


def test_the_bar_moves_a_few_times_a_second_not_per_item() -> None:
    pytest.importorskip("rich")
    now = [0.0]
    stream = io.StringIO()
    bar = BarProgress(Display(stream, rich=True), total=1000, clock=lambda: now[0])
    task = bar._progress.tasks[0]  # what the bar shows
    try:
        for done in range(1, 500):
            now[0] = done * 0.0001  # 500 items in 50 ms: too soon to move
            bar.update(done, failed=0)
        assert task.completed == 0
        now[0] = 0.25
        bar.update(600, failed=3)
        assert (task.completed, task.fields["failed"]) == (600, 3)
        now[0] = 0.3
        bar.update(700, failed=3)
        assert task.completed == 600  # 0.05 s after the last move
    finally:
        bar.close(1000, failed=4)
    assert (task.completed, task.fields["failed"]) == (1000, 4)  # the final counts
    assert "1000/1000" in stream.getvalue()


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


def test_progress_lines_go_to_stderr_never_to_stdout(pipelines: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": n} for n in range(1, 301)])
    finished = subprocess.run(  # 300 items of at least 5 ms each: progress lines are due
        wumbo_command("run", f"{pipelines}:numbers", str(source)),
        cwd=tmp_path,
        env=subprocess_env(WUMBO_TEST_DELAY="0.005"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 1, finished.stderr
    progress = re.compile(r"^\d+/300 items, \d+ failed, [\d,]+ items/s$", re.MULTILINE)
    assert progress.search(finished.stderr), finished.stderr
    assert not progress.search(finished.stdout), finished.stdout
    assert "258 results in" in finished.stdout  # the summary stays on stdout


def test_the_bar_goes_to_a_terminal_stderr_and_stdout_stays_plain(
    pipelines: str, tmp_path: Path
) -> None:
    pytest.importorskip("rich")
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": n} for n in range(1, 51)])
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            wumbo_command("run", f"{pipelines}:numbers", str(source)),
            cwd=tmp_path,
            env=subprocess_env(COLUMNS="120"),
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
        )
        os.close(terminal)
        reader = TerminalReader(controller)
        reader.start()
        stdout, _ = process.communicate(timeout=60)
        shown = reader.text()
    finally:
        os.close(controller)
    assert process.returncode == 1, stdout
    assert "50/50" in shown
    assert "ETA" in shown
    assert "ETA" not in stdout
    assert "┃" not in stdout  # stdout is not a terminal: plain tables
    assert "43 results in" in stdout


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
