"""``TransformTemplate``: filter, then map, the arguments (``filter_items | map_items``).

Examples:
    >>> from wumbo.framework import create_transformer
    >>> evens_squared = create_transformer(map_func=lambda n: n * n, filter_func=lambda n: n % 2 == 0)
    >>> evens_squared(1, 2, 3, 4)
    [4, 16]
    >>> create_transformer()(1, 2)
    [1, 2]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wumbo.core.combinators import filter_items, map_items
from wumbo.core.pipe import pipe
from wumbo.core.template import Template
from wumbo.framework._checks import require_callable
from wumbo.framework.base import BaseTemplate
from wumbo.framework.execution import ExecutionContext
from wumbo.framework.metadata import TemplateMetadata, TemplateType

__all__ = ["TransformTemplate", "create_transformer"]


class TransformTemplate(BaseTemplate[list[Any]]):
    """Keep the items where ``filter_func`` is truthy, then apply ``map_func`` to each; a list.

    Errors in either function fail the execution (the original exception).

    Examples:
        >>> from wumbo.framework import TransformTemplate
        >>> TransformTemplate(filter_func=str.isdigit, map_func=int)("1", "a", "2")
        [1, 2]
    """

    template_metadata = TemplateMetadata(
        name="transformer",
        description="Transform data items: filter, then map",
        template_type=TemplateType.TRANSFORMER,
        tags=["transform", "map", "filter", "functional"],
    )

    def __init__(
        self,
        map_func: Callable[[Any], Any] | None = None,
        filter_func: Callable[[Any], Any] | None = None,
        **config: Any,
    ) -> None:
        self.map_func = map_func
        self.filter_func = filter_func
        self._built: tuple[tuple[object, object], Template[Any, list[Any]]] | None = None
        super().__init__(**config)

    def _validate_config(self) -> None:
        require_callable("map_func", self.map_func)
        require_callable("filter_func", self.filter_func)

    def pipeline(self) -> Template[Any, list[Any]]:
        """The core pipeline this template runs: ``list | filter_items(f) | map_items(m)``
        (built once, rebuilt if the functions are changed).

        Examples:
            >>> from wumbo.framework import create_transformer
            >>> create_transformer(map_func=abs, filter_func=bool).pipeline()
            <Template list | filter_items(bool) | map_items(abs)>
        """
        key = (self.filter_func, self.map_func)
        if self._built is None or self._built[0] != key:
            stages: list[Callable[[Any], Any]] = [list]
            if self.filter_func:
                stages.append(filter_items(self.filter_func))
            if self.map_func:
                stages.append(map_items(self.map_func))
            self._built = (key, pipe(*stages))
        return self._built[1]

    def _execute_core(self, *args: Any, context: ExecutionContext, **kwargs: Any) -> list[Any]:
        return self.pipeline().run(args)


def create_transformer(**kwargs: Any) -> TransformTemplate:
    """A new [`TransformTemplate`][wumbo.framework.builtins.TransformTemplate].

    Examples:
        >>> create_transformer(map_func=str.title)("ada", "alan")
        ['Ada', 'Alan']
    """
    return TransformTemplate(**kwargs)
