"""The built-in templates, their ``create_*`` factories, and their registration.

Examples:
    >>> from wumbo.framework.builtins import BUILTINS
    >>> [(cls.__name__, aliases) for cls, aliases in BUILTINS][:2]
    [('ClassicWumboTemplate', ('wumbo', 'classic', 'universal')), ('DataProcessorTemplate', ('processor', 'dp'))]
"""

from __future__ import annotations

from typing import Any

from wumbo.framework.base import BaseTemplate
from wumbo.framework.builtins.aggregator import AggregatorTemplate, create_aggregator
from wumbo.framework.builtins.api_client import APIClientTemplate, create_api_client
from wumbo.framework.builtins.batch_processor import BatchProcessorTemplate, create_batch_processor
from wumbo.framework.builtins.classic_wumbo import ClassicWumboTemplate, create_classic_wumbo
from wumbo.framework.builtins.data_processor import DataProcessorTemplate, create_data_processor
from wumbo.framework.builtins.transform import TransformTemplate, create_transformer
from wumbo.framework.builtins.validation import ValidationTemplate, create_validator
from wumbo.framework.builtins.workflow import WorkflowTemplate, create_workflow
from wumbo.framework.registry import TemplateRegistry

__all__ = [
    "BUILTINS",
    "APIClientTemplate",
    "AggregatorTemplate",
    "BatchProcessorTemplate",
    "ClassicWumboTemplate",
    "DataProcessorTemplate",
    "TransformTemplate",
    "ValidationTemplate",
    "WorkflowTemplate",
    "create_aggregator",
    "create_api_client",
    "create_batch_processor",
    "create_classic_wumbo",
    "create_data_processor",
    "create_transformer",
    "create_validator",
    "create_workflow",
    "register_builtins",
]

BUILTINS: tuple[tuple[type[BaseTemplate[Any]], tuple[str, ...]], ...] = (
    (ClassicWumboTemplate, ("wumbo", "classic", "universal")),
    (DataProcessorTemplate, ("processor", "dp")),
    (APIClientTemplate, ("api", "client")),
    (ValidationTemplate, ("validate", "check")),
    (AggregatorTemplate, ("agg", "aggregate")),
    (BatchProcessorTemplate, ("batch", "bp")),
    (TransformTemplate, ("transform", "map_filter")),
    (WorkflowTemplate, ("wf", "pipeline")),
)
"""Every built-in template class and its aliases, in registration order."""


def register_builtins(registry: TemplateRegistry, override: bool = False) -> None:
    """Register the built-in templates (with their aliases) into ``registry``.

    Examples:
        >>> registry = TemplateRegistry(isolated=True)
        >>> register_builtins(registry)
        >>> len(registry), registry.get_class("bp").__name__
        (8, 'BatchProcessorTemplate')
    """
    for template_class, aliases in BUILTINS:
        registry.register(template_class, aliases=aliases, override=override)
