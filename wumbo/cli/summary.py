"""The table printed at the end of ``wumbo run``: items ok and failed, time, speed, stages.

Examples:
    >>> import sys
    >>> from wumbo.cli.display import Display
    >>> from wumbo.cli.timings import StageRow
    >>> summary = RunSummary(
    ...     ok=95, failed=5, skipped=0, seconds=2.0, output="out.jsonl", errors="errors.jsonl",
    ...     stages=[StageRow(1, "validate", 100, 5, 0.0012, 0.0031)],
    ... )
    >>> show_summary(Display(sys.stdout, rich=False), summary)
    run
    items  ok  failed  time   items/s
    -----  --  ------  -----  -------
      100  95       5  2.0 s       50
    <BLANKLINE>
    stages
    #  stage     calls  failed  mean    p95
    -  --------  -----  ------  ------  ------
    1  validate    100       5  1.2 ms  3.1 ms
    <BLANKLINE>
    95 results in out.jsonl, 5 failures in errors.jsonl
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wumbo.cli.display import Display
from wumbo.cli.tables import Column, show_table
from wumbo.cli.timings import StageRow

__all__ = ["RunSummary", "format_seconds", "show_summary"]


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one run did; ``skipped`` counts lines a ``--resume`` found already recorded.

    Examples:
        >>> RunSummary(ok=3, failed=1, skipped=0, seconds=1.0, output="o", errors="e").items
        4
    """

    ok: int
    failed: int
    skipped: int
    seconds: float
    output: str
    errors: str
    stages: list[StageRow] = field(default_factory=list[StageRow])

    @property
    def items(self) -> int:
        """Items run this time (skipped ones not included)."""
        return self.ok + self.failed


def format_seconds(seconds: float) -> str:
    """A duration in a readable unit.

    Examples:
        >>> format_seconds(0.0000042), format_seconds(0.0123), format_seconds(75.0)
        ('4.2 us', '12.3 ms', '75.0 s')
    """
    if seconds < 0.001:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.1f} s"


def show_summary(display: Display, summary: RunSummary) -> None:
    """Print the run table, the per-stage table and where the records went."""
    rate = summary.items / summary.seconds if summary.seconds > 0 else 0.0
    columns = [
        Column("items", numeric=True),
        Column("ok", numeric=True),
        Column("failed", numeric=True),
    ]
    cells = [str(summary.items), str(summary.ok), str(summary.failed)]
    if summary.skipped:
        columns.append(Column("skipped (done before)", numeric=True))
        cells.append(str(summary.skipped))
    columns += [Column("time"), Column("items/s", numeric=True)]
    cells += [format_seconds(summary.seconds), f"{rate:,.0f}"]
    show_table(display, "run", columns, [cells])
    if summary.stages:
        display.line()
        stage_columns = [
            Column("#", numeric=True),
            Column("stage"),
            Column("calls", numeric=True),
            Column("failed", numeric=True),
            Column("mean"),
            Column("p95"),
        ]
        rows = [
            [
                str(row.position),
                row.name,
                str(row.calls),
                str(row.failed),
                format_seconds(row.mean_seconds),
                format_seconds(row.p95_seconds),
            ]
            for row in summary.stages
        ]
        show_table(display, "stages", stage_columns, rows)
    display.line()
    display.line(
        f"{summary.ok} results in {summary.output}, {summary.failed} failures in {summary.errors}"
    )
