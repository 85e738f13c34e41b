"""How far a run has come: a live rich progress bar on a terminal, periodic lines elsewhere.

Progress goes to the standard error (``wumbo run`` passes a display of stderr), so it never
mixes with what the command prints on its standard output. `progress_for` picks
`BarProgress` (bar, counts, failures, items/s, ETA) when the display renders with rich (a
terminal, rich installed), and `LineProgress` otherwise: one line such as
``1200/5000 items, 3 failed, 410 items/s`` at most every second, which suits logs and CI. Both
are told about every finished item with ``update(done, failed)``, which costs one clock reading
unless it is time to show something (the bar moves five times a second), and about the final
counts with ``close(done, failed)``.

Examples:
    >>> import io
    >>> from wumbo.cli.display import Display
    >>> ticks = iter([0.0, 0.5, 1.0, 1.2, 2.5])
    >>> lines = LineProgress(Display(io.StringIO(), rich=False), total=5, clock=lambda: next(ticks))
    >>> for done in range(1, 5):
    ...     lines.update(done, failed=done // 3)
    >>> print(lines.display.stream.getvalue(), end="")
    2/5 items, 0 failed, 2 items/s
    4/5 items, 1 failed, 2 items/s
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, Protocol

from wumbo.cli.display import Display

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

__all__ = ["BarProgress", "LineProgress", "ProgressReport", "progress_for"]

LINE_INTERVAL: Final = 1.0
"""Seconds between two plain progress lines, at least."""

BAR_INTERVAL: Final = 0.2
"""Seconds between two moves of the progress bar, at least."""


class ProgressReport(Protocol):
    """What the run loop tells a progress display."""

    def update(self, done: int, failed: int) -> None:
        """``done`` items finished so far, ``failed`` of them failures."""
        ...

    def close(self, done: int, failed: int) -> None:
        """The run is over with these counts: finish or remove the display."""
        ...


class _Throttled:
    """A display of a run's progress that shows something at most every ``interval``
    seconds of ``clock`` (its class's `INTERVAL` unless given)."""

    INTERVAL: float = LINE_INTERVAL

    def __init__(
        self,
        display: Display,
        total: int | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        interval: float | None = None,
    ) -> None:
        self.display = display
        self._total = total
        self._clock = clock
        self._interval = self.INTERVAL if interval is None else interval
        self._started = self._shown = clock()
        self._begin()

    def _begin(self) -> None:
        """Start showing (nothing to do for plain lines)."""

    def update(self, done: int, failed: int) -> None:
        """``done`` items finished, ``failed`` of them failures: shown when ``interval``
        seconds passed since the last showing (one clock reading otherwise)."""
        now = self._clock()
        if now - self._shown >= self._interval:
            self._shown = now
            self._show(done, failed, now)

    def _show(self, done: int, failed: int, now: float) -> None:
        """Show these counts, at ``now`` on the clock."""
        raise NotImplementedError


class LineProgress(_Throttled):
    """Plain lines ``done/total items, failed failed, rate items/s``, at most once a second.

    ``total`` may be ``None`` (then ``done items, ...``).

    Examples:
        >>> import sys
        >>> ticks = iter([0.0, 2.0])
        >>> LineProgress(Display(sys.stdout, rich=False), None, clock=lambda: next(ticks)).update(10, 0)
        10 items, 0 failed, 5 items/s
    """

    def _show(self, done: int, failed: int, now: float) -> None:
        rate = done / (now - self._started)
        count = f"{done}/{self._total}" if self._total is not None else f"{done}"
        self.display.line(f"{count} items, {failed} failed, {rate:,.0f} items/s")

    def close(self, done: int, failed: int) -> None:
        """Nothing to tidy: the summary follows."""


class BarProgress(_Throttled):
    """A rich progress bar: bar, ``done/total``, failures, items/s, elapsed time and ETA.

    The bar is moved at most every ``interval`` seconds (rich's speed and redraw are too
    costly for every item of a fast pipeline), and to the final counts by `close`.

    Examples:
        >>> import io
        >>> bar = BarProgress(Display(io.StringIO(), rich=True), total=3)
        >>> bar.update(1, 0); bar.close(3, 1)
        >>> "3/3" in bar.display.stream.getvalue()
        True
    """

    INTERVAL = BAR_INTERVAL

    def _begin(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress: Progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=self.display.stream),
            transient=False,
            refresh_per_second=1 / BAR_INTERVAL,  # redrawn as often as it moves, no more
            # what the pipeline prints goes above the bar only when the standard output is a
            # terminal too; otherwise it stays where the standard output goes
            redirect_stdout=sys.stdout.isatty(),
        )
        self._task: TaskID = self._progress.add_task(
            "running", total=self._total, failed=0, rate=""
        )
        self._progress.start()

    def _show(self, done: int, failed: int, now: float) -> None:
        self._move(done, failed)

    def _move(self, done: int, failed: int) -> None:
        speed = self._progress.tasks[0].speed
        rate = "" if speed is None else f"{speed:,.0f} items/s"
        self._progress.update(self._task, completed=done, failed=failed, rate=rate)

    def close(self, done: int, failed: int) -> None:
        """Draw the final counts and stop the live display."""
        try:
            self._move(done, failed)
        finally:
            self._progress.stop()


def progress_for(display: Display, total: int | None) -> ProgressReport:
    """The bar when the display renders with rich, else plain lines.

    Examples:
        >>> import io
        >>> type(progress_for(Display(io.StringIO(), rich=False), 10)).__name__
        'LineProgress'
    """
    if display.rich:
        return BarProgress(display, total)
    return LineProgress(display, total)
