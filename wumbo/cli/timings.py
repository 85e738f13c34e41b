"""Per-stage figures of a run for the summary: calls, failures, mean and p95 duration.

The mean is exact. The 95th percentile comes from a uniform sample of at most
`SAMPLE_SIZE` durations per stage (reservoir sampling with a fixed seed), so it is exact
for runs of up to that many items and memory stays bounded for runs of millions.

Examples:
    >>> from wumbo.cli.tracking import StageRun
    >>> timings = StageTimings()
    >>> for index in range(1, 101):
    ...     timings.add([StageRun("parse", 1, index / 1000, ok=index != 50)])
    >>> [(row.name, row.calls, row.failed, round(row.mean_seconds, 4), row.p95_seconds) for row in timings.rows()]
    [('parse', 100, 1, 0.0505, 0.095)]
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from wumbo.cli.tracking import StageRun

__all__ = ["SAMPLE_SIZE", "StageRow", "StageTimings"]

SAMPLE_SIZE: Final = 10_000
"""Durations kept per stage to estimate the 95th percentile."""


@dataclass(frozen=True, slots=True)
class StageRow:
    """One stage's line of the summary table.

    Examples:
        >>> StageRow(1, "parse", 10, 0, 0.001, 0.002).calls
        10
    """

    position: int
    name: str
    calls: int
    failed: int
    mean_seconds: float
    p95_seconds: float


@dataclass(slots=True)
class _Stage:
    calls: int = 0
    failed: int = 0
    total: float = 0.0
    sample: list[float] = field(default_factory=list[float])


def _percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (not empty)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


class StageTimings:
    """Accumulates `StageRun` records, stage by stage.

    Examples:
        >>> StageTimings().rows()
        []
    """

    def __init__(self, sample_size: int = SAMPLE_SIZE) -> None:
        self._stages: dict[tuple[int, str], _Stage] = {}
        self._sample_size = sample_size
        self._random = random.Random(0)

    def add(self, runs: Iterable[StageRun]) -> None:
        """Count the stage runs of one item."""
        stages = self._stages
        for name, position, seconds, ok in runs:
            stage = stages.get((position, name))
            if stage is None:
                stage = stages[position, name] = _Stage()
            stage.calls += 1
            if not ok:
                stage.failed += 1
            stage.total += seconds
            sample = stage.sample
            if len(sample) < self._sample_size:
                sample.append(seconds)
            else:
                slot = int(self._random.random() * stage.calls)
                if slot < self._sample_size:
                    sample[slot] = seconds

    def rows(self) -> list[StageRow]:
        """One row per stage, in pipeline order.

        Examples:
            >>> from wumbo.cli.tracking import StageRun
            >>> timings = StageTimings()
            >>> timings.add([StageRun("b", 2, 0.5, ok=True), StageRun("a", 1, 0.25, ok=True)])
            >>> [(row.position, row.name) for row in timings.rows()]
            [(1, 'a'), (2, 'b')]
        """
        return [
            StageRow(
                position,
                name,
                stage.calls,
                stage.failed,
                stage.total / stage.calls,
                _percentile(stage.sample, 0.95),
            )
            for (position, name), stage in sorted(self._stages.items())
        ]
