"""The shipped orders example: what ``wumbo run`` users start from runs at full speed."""

from __future__ import annotations

from typing import Any

import pytest

from wumbo.core import combinators
from wumbo.examples import orders


def test_validate_builds_no_pipeline_per_order(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []

    def counting_map_items(stage: Any) -> Any:
        built.append(stage)
        return combinators.map_items(stage)

    monkeypatch.setattr(orders, "map_items", counting_map_items)
    summary, failures = orders.process(orders.load_orders())
    assert (summary.invoices, len(failures)) == (5, 3)
    assert built == []  # the inner map_items(_line) was built once, at import
