"""The original "Wumbo Framework" class-based API, as a thin adapter over wumbo's typed core.

The classic ``wumbo()`` function, ``BaseTemplate`` and its execution records, the registry
(with plugins, an instance cache, observers and access control), composition, and the
built-in templates with their ``create_*`` factories. Importing this package registers the
built-ins in the shared registry; plugins (entry points of the group ``wumbo.templates`` and
the ``WUMBO_PLUGIN_PATHS`` directories) are discovered on the registry's first query.

Examples:
    >>> from wumbo.framework import create_data_processor, get_template, wumbo
    >>> wumbo(1, 2, 3, operation=lambda n: n * 2, postprocess=sum)
    12
    >>> get_template("dp", operation=str.upper)("a", "b")
    ['A', 'B']
    >>> (create_data_processor(operation=abs) | sum).run(-4)
    4
"""

from __future__ import annotations

from wumbo._version import __version__ as __version__
from wumbo.framework.access import AccessController, SecureTemplateRegistry, UserContext
from wumbo.framework.base import BaseTemplate
from wumbo.framework.builtins import (
    AggregatorTemplate,
    APIClientTemplate,
    BatchProcessorTemplate,
    ClassicWumboTemplate,
    DataProcessorTemplate,
    TransformTemplate,
    ValidationTemplate,
    WorkflowTemplate,
    create_aggregator,
    create_api_client,
    create_batch_processor,
    create_classic_wumbo,
    create_data_processor,
    create_transformer,
    create_validator,
    create_workflow,
    register_builtins,
)
from wumbo.framework.cached_registry import CachedTemplateRegistry
from wumbo.framework.classic import wumbo
from wumbo.framework.composite import CompositeTemplate, compose_templates
from wumbo.framework.default_registry import (
    auto_register,
    create_template,
    discover_templates,
    get_registry,
    get_template,
    list_templates,
    register_template,
    search_templates,
)
from wumbo.framework.errors import (
    PermissionDenied,
    TemplateConfigError,
    TemplateError,
    TemplateExecutionError,
    TemplateRegistrationError,
)
from wumbo.framework.events import RegistryEvent, RegistryEventKind, RegistryObserver
from wumbo.framework.execution import ExecutionContext, ExecutionResult
from wumbo.framework.execution_observers import (
    ExecutionObserver,
    MetricsCollector,
    MetricsObserver,
)
from wumbo.framework.info import FRAMEWORK_AUTHOR, get_framework_info
from wumbo.framework.legacy import TemplateDecorator, template
from wumbo.framework.metadata import ExecutionMode, TemplateMetadata, TemplateType
from wumbo.framework.registry import TemplateRegistry

__author__ = FRAMEWORK_AUTHOR

__all__ = [
    "APIClientTemplate",
    "AccessController",
    "AggregatorTemplate",
    "BaseTemplate",
    "BatchProcessorTemplate",
    "CachedTemplateRegistry",
    "ClassicWumboTemplate",
    "CompositeTemplate",
    "DataProcessorTemplate",
    "ExecutionContext",
    "ExecutionMode",
    "ExecutionObserver",
    "ExecutionResult",
    "MetricsCollector",
    "MetricsObserver",
    "PermissionDenied",
    "RegistryEvent",
    "RegistryEventKind",
    "RegistryObserver",
    "SecureTemplateRegistry",
    "TemplateConfigError",
    "TemplateDecorator",
    "TemplateError",
    "TemplateExecutionError",
    "TemplateMetadata",
    "TemplateRegistrationError",
    "TemplateRegistry",
    "TemplateType",
    "TransformTemplate",
    "UserContext",
    "ValidationTemplate",
    "WorkflowTemplate",
    "auto_register",
    "compose_templates",
    "create_aggregator",
    "create_api_client",
    "create_batch_processor",
    "create_classic_wumbo",
    "create_data_processor",
    "create_template",
    "create_transformer",
    "create_validator",
    "create_workflow",
    "discover_templates",
    "get_framework_info",
    "get_registry",
    "get_template",
    "list_templates",
    "register_template",
    "search_templates",
    "template",
    "wumbo",
]


register_builtins(get_registry(), override=True)  # idempotent if imported twice
