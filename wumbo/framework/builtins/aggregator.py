"""``AggregatorTemplate``: apply one function to all the arguments, or to each group of them.

Examples:
    >>> from wumbo.framework import create_aggregator
    >>> create_aggregator()(1, 2, 3)
    6
    >>> create_aggregator(aggregation_func=sum, group_by=lambda n: n % 2)(1, 2, 3, 4, 5, 6)
    {1: 9, 0: 12}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from toolz import groupby

from wumbo.framework._checks import require_callable
from wumbo.framework.base import BaseTemplate
from wumbo.framework.execution import ExecutionContext
from wumbo.framework.metadata import TemplateMetadata, TemplateType

__all__ = ["AggregatorTemplate", "create_aggregator"]


class AggregatorTemplate(BaseTemplate[Any]):
    """``aggregation_func`` (default ``sum``) on the list of arguments, or with ``group_by`` a
    dict ``{key: aggregation_func(items)}`` in first-seen key order. An aggregation that
    raises gives ``None`` (logged); a ``group_by`` that raises fails the execution.

    Examples:
        >>> from wumbo.framework import AggregatorTemplate
        >>> AggregatorTemplate(aggregation_func=max)(3, 9, 4)
        9
        >>> AggregatorTemplate(aggregation_func=lambda items: 1 / 0)(1) is None
        True
    """

    template_metadata = TemplateMetadata(
        name="aggregator",
        description="Aggregate data items, optionally grouped by a key",
        template_type=TemplateType.AGGREGATOR,
        tags=["aggregation", "grouping", "statistics", "data"],
    )

    def __init__(
        self,
        aggregation_func: Callable[[list[Any]], Any] | None = None,
        group_by: Callable[[Any], Any] | None = None,
        **config: Any,
    ) -> None:
        self.aggregation_func: Callable[[list[Any]], Any] = aggregation_func or sum
        self.group_by = group_by
        super().__init__(**config)

    def _validate_config(self) -> None:
        require_callable("aggregation_func", self.aggregation_func)
        require_callable("group_by", self.group_by)

    def _aggregate(self, items: list[Any]) -> Any:
        try:
            return self.aggregation_func(items)
        except Exception as error:
            self.logger.warning("Aggregation of %d items failed: %r", len(items), error)
            return None

    def _execute_core(self, *args: Any, context: ExecutionContext, **kwargs: Any) -> Any:
        if not self.group_by:
            return self._aggregate(list(args))
        groups: dict[Any, list[Any]] = groupby(self.group_by, args)
        return {key: self._aggregate(items) for key, items in groups.items()}


def create_aggregator(
    aggregation_func: Callable[[list[Any]], Any] | None = None, **kwargs: Any
) -> AggregatorTemplate:
    """A new [`AggregatorTemplate`][wumbo.framework.builtins.AggregatorTemplate].

    Examples:
        >>> create_aggregator(len)("a", "b")
        2
    """
    return AggregatorTemplate(aggregation_func=aggregation_func, **kwargs)
