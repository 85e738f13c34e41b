"""``ClassicWumboTemplate``: the original universal function as a template.

The [`DataProcessorTemplate`][wumbo.framework.builtins.DataProcessorTemplate] algorithm plus the classic's logging: what
the original printed goes to the logger ``wumbo.classic``, at INFO when ``verbose`` (the
default) and DEBUG otherwise; nothing is printed.

Examples:
    >>> from wumbo.framework import create_classic_wumbo
    >>> create_classic_wumbo(operation=lambda n: n + 1, as_single=True)(41)
    42
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from wumbo._log import get_logger
from wumbo.core.result import bounded_repr
from wumbo.framework.builtins.data_processor import DataProcessorTemplate
from wumbo.framework.execution import ExecutionContext
from wumbo.framework.metadata import TemplateMetadata, TemplateType

__all__ = ["CLASSIC_LOGGER", "ClassicWumboTemplate", "create_classic_wumbo"]

CLASSIC_LOGGER = get_logger("wumbo.classic")
"""Where the classic ``wumbo()`` logs what the original printed."""


class ClassicWumboTemplate(DataProcessorTemplate):
    """The Swiss Army knife: preprocess, operation, postprocess, fail_silently, as_dict,
    as_single, verbose.

    Examples:
        >>> from wumbo.framework import ClassicWumboTemplate
        >>> ClassicWumboTemplate(postprocess=sum)(1, 2, 3)
        6
        >>> ClassicWumboTemplate(preprocess="not callable")
        Traceback (most recent call last):
        ...
        wumbo.framework.errors.TemplateConfigError: preprocess must be callable, got str 'not callable'
    """

    template_metadata = TemplateMetadata(
        name="classic_wumbo",
        description=(
            "The original universal function template - Swiss Army knife for Python functions"
        ),
        author="Wumbo Development Team",
        template_type=TemplateType.DATA_PROCESSOR,
        tags=[
            "universal",
            "data",
            "processing",
            "transformation",
            "classic",
            "swiss-army-knife",
        ],
    )

    def __init__(
        self,
        preprocess: Callable[[Any], Any] | None = None,
        operation: Callable[[Any], Any] | None = None,
        postprocess: Callable[[Any], Any] | None = None,
        fail_silently: object = True,
        as_dict: object = False,
        as_single: object = False,
        verbose: object = True,
        **config: Any,
    ) -> None:
        self.verbose = verbose
        super().__init__(
            preprocess, operation, postprocess, fail_silently, as_dict, as_single, **config
        )

    def _item_log_level(self) -> int:
        return logging.INFO if self.verbose else logging.DEBUG

    def _item_logger(self) -> logging.Logger:
        return CLASSIC_LOGGER

    def _preprocess(self, *args: Any, context: ExecutionContext, **kwargs: Any) -> tuple[Any, ...]:
        level = self._item_log_level()
        CLASSIC_LOGGER.log(level, "Wumbo initiated...")
        CLASSIC_LOGGER.log(level, "Arguments: %s", bounded_repr(args))
        CLASSIC_LOGGER.log(level, "Keyword arguments: %s", bounded_repr(kwargs))
        return super()._preprocess(*args, context=context, **kwargs)


def create_classic_wumbo(*args: Any, **kwargs: Any) -> ClassicWumboTemplate:
    """A new [`ClassicWumboTemplate`][wumbo.framework.builtins.ClassicWumboTemplate] with
    these options (the class's parameters, in its order).

    Examples:
        >>> create_classic_wumbo(as_dict=True)(5)
        {'item_0': 5}
        >>> create_classic_wumbo(None, abs, None, True, False, True)(-3)
        3
    """
    return ClassicWumboTemplate(*args, **kwargs)
