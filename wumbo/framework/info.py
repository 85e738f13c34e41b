"""``get_framework_info()``: versions, the shared registry's state and the template types.

Examples:
    >>> from wumbo.framework import get_framework_info
    >>> info = get_framework_info()
    >>> info["version"], info["author"], "classic_wumbo" in info["available_templates"]
    ('2.0.0', 'Wumbo Development Team', True)
"""

from __future__ import annotations

from typing import Any

import wumbo
from wumbo.framework.default_registry import get_registry
from wumbo.framework.metadata import TemplateType

__all__ = ["FRAMEWORK_API_VERSION", "FRAMEWORK_AUTHOR", "get_framework_info"]

FRAMEWORK_API_VERSION = "2.0.0"
"""The version of the original framework's API that ``wumbo.framework`` provides."""

FRAMEWORK_AUTHOR = "Wumbo Development Team"
"""The original framework's author string."""


def get_framework_info() -> dict[str, Any]:
    """The framework API version, wumbo's own version, registry stats, templates and types.

    Examples:
        >>> sorted(get_framework_info())
        ['author', 'available_templates', 'registry_stats', 'template_types', 'version', 'wumbo_version']
    """
    registry = get_registry()
    return {
        "version": FRAMEWORK_API_VERSION,
        "wumbo_version": wumbo.__version__,  # as `wumbo --version` shows it
        "author": FRAMEWORK_AUTHOR,
        "registry_stats": registry.get_stats(),
        "available_templates": registry.list_templates(),
        "template_types": [kind.value for kind in TemplateType],
    }
