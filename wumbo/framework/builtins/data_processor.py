"""``DataProcessorTemplate``: the classic universal processor as a class.

Each positional argument goes through ``preprocess`` (unguarded), then ``operation`` (an item
whose operation raises becomes ``None`` unless ``fail_silently`` is false, then the original
exception propagates); ``postprocess`` sees the whole list (unguarded); then ``as_dict`` (wins)
or ``as_single`` (bare result when there is exactly one) format the output.

Examples:
    >>> from wumbo.framework import create_data_processor
    >>> square = create_data_processor(operation=lambda n: n * n)
    >>> square(1, 2, 3)
    [1, 4, 9]
    >>> create_data_processor(operation=int)("1", "x")
    [1, None]
    >>> create_data_processor(as_dict=True)("a", "b")
    {'item_0': 'a', 'item_1': 'b'}
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from wumbo.core.result import bounded_repr
from wumbo.framework._checks import require_callable
from wumbo.framework.base import BaseTemplate
from wumbo.framework.execution import ExecutionContext
from wumbo.framework.metadata import TemplateMetadata, TemplateType

__all__ = ["DataProcessorTemplate", "create_data_processor", "format_results"]

_OPTIONAL_FUNCTIONS = ("preprocess", "operation", "postprocess")


def _operate(
    operation: Callable[[Any], Any] | None,
    fail_silently: object,
    logger: logging.Logger,
    level: int,
    item: Any,
) -> Any:
    if not operation:
        return item
    try:
        return operation(item)
    except Exception as error:
        logger.log(level, "Error processing %s: %s", bounded_repr(item), error)
        if fail_silently:
            return None
        raise


def format_results(results: Any, as_dict: object, as_single: object) -> Any:
    """The classic output formatting: ``as_dict`` first, then ``as_single``, else as is.

    ``len`` is taken of whatever ``postprocess`` returned, as the original did.

    Examples:
        >>> format_results([7], as_dict=False, as_single=True)
        7
        >>> format_results("ab", as_dict=True, as_single=True)
        {'item_0': 'a', 'item_1': 'b'}
    """
    if as_dict:
        return {f"item_{index}": value for index, value in enumerate(results)}
    if as_single and len(results) == 1:
        return results[0]
    return results


class DataProcessorTemplate(BaseTemplate[Any]):
    """Preprocess, operate on each item, postprocess, format: see the module docstring.

    Functions that are set but not callable are refused at construction
    (``TemplateConfigError``); extra keyword arguments of a call are ignored.

    Examples:
        >>> from wumbo.framework import DataProcessorTemplate
        >>> DataProcessorTemplate(preprocess=str.strip, as_single=True)(" x ")
        'x'
    """

    template_metadata = TemplateMetadata(
        name="data_processor",
        description="Universal data processing: preprocess, operate per item, postprocess",
        template_type=TemplateType.DATA_PROCESSOR,
        tags=["data", "processing", "transformation"],
    )

    def __init__(
        self,
        preprocess: Callable[[Any], Any] | None = None,
        operation: Callable[[Any], Any] | None = None,
        postprocess: Callable[[Any], Any] | None = None,
        fail_silently: object = True,
        as_dict: object = False,
        as_single: object = False,
        **config: Any,
    ) -> None:
        self.preprocess_func = preprocess
        self.operation_func = operation
        self.postprocess_func = postprocess
        self.fail_silently = fail_silently
        self.as_dict = as_dict
        self.as_single = as_single
        super().__init__(**config)

    def _validate_config(self) -> None:
        for name in _OPTIONAL_FUNCTIONS:
            require_callable(name, getattr(self, f"{name}_func"))

    def _item_log_level(self) -> int:
        return logging.WARNING

    def _item_logger(self) -> logging.Logger:
        return self.logger

    def _preprocess(self, *args: Any, context: ExecutionContext, **kwargs: Any) -> tuple[Any, ...]:
        if self.preprocess_func:
            return tuple(map(self.preprocess_func, args))
        return args

    def _execute_core(self, *args: Any, context: ExecutionContext, **kwargs: Any) -> Any:
        operation, fail_silently = self.operation_func, self.fail_silently
        logger, level = self._item_logger(), self._item_log_level()
        return [_operate(operation, fail_silently, logger, level, item) for item in args]

    def _postprocess(self, result: Any, context: ExecutionContext) -> Any:
        if self.postprocess_func:
            result = self.postprocess_func(result)
        return format_results(result, self.as_dict, self.as_single)


def create_data_processor(**kwargs: Any) -> DataProcessorTemplate:
    """A new [`DataProcessorTemplate`][wumbo.framework.builtins.DataProcessorTemplate] with these options.

    Examples:
        >>> create_data_processor(operation=str.upper, postprocess=sorted)("b", "a")
        ['A', 'B']
    """
    return DataProcessorTemplate(**kwargs)
