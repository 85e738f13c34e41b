"""How the root package ties the layers together without the lower ones importing the upper.

Two seams: the core's ``map``/``amap`` ask for a runner, which the runtime layer provides on
first use (`install`), and the framework's old root names (``from wumbo import
BaseTemplate``) resolve to `wumbo.framework` on first use (`FRAMEWORK_NAMES`).

Examples:
    >>> FRAMEWORK_NAMES["BaseTemplate"]
    'wumbo.framework'
"""

from __future__ import annotations

from typing import Final

from wumbo.core.many import ManyItemsRunner, install_runner

__all__ = ["FRAMEWORK_NAMES", "install"]

FRAMEWORK_NAMES: Final = dict.fromkeys(
    [
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
        "wumbo",
    ],
    "wumbo.framework",
)
"""The framework's names that ``wumbo`` still resolves, for code written before 0.2.

Its one source is ``wumbo.framework.__all__``: every name there except those the root defines
itself (``template``, ``MetricsCollector``). It is spelled out here so that ``import wumbo``
need not load the framework to know them; ``tests/framework/test_root_names.py`` checks that the
two agree, so a name added to the framework's ``__all__`` fails the tests until it is added here.
"""


def _runtime() -> ManyItemsRunner:
    from wumbo.runtime.runtime import Runtime

    return Runtime()


def install() -> None:
    """Let the core load the runtime the first time a pipeline runs over many items.

    Examples:
        >>> from wumbo.core.many import runner
        >>> install()
        >>> type(runner()).__name__
        'Runtime'
    """
    install_runner(_runtime)
