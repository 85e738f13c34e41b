"""``get_framework_info()``: versions, the shared registry's state and the template types.

Examples:
    >>> from wumbo.framework import get_framework_info
    >>> info = get_framework_info()
    >>> from wumbo import __version__
    >>> info["version"] == __version__, info["author"], "classic_wumbo" in info["available_templates"]
    (True, 'Wumbo Development Team', True)
"""

from __future__ import annotations

from typing import Any

from wumbo._version import __version__
from wumbo.framework.default_registry import get_registry
from wumbo.framework.metadata import TemplateType

__all__ = ["FRAMEWORK_AUTHOR", "get_framework_info"]

FRAMEWORK_AUTHOR = "Wumbo Development Team"
"""The original framework's author string."""


def get_framework_info() -> dict[str, Any]:
    """wumbo's version (the one version, also ``wumbo.__version__``), registry stats, templates.

    Examples:
        >>> sorted(get_framework_info())
        ['author', 'available_templates', 'registry_stats', 'template_types', 'version']
    """
    registry = get_registry()
    return {
        "version": __version__,
        "author": FRAMEWORK_AUTHOR,
        "registry_stats": registry.get_stats(),
        "available_templates": registry.list_templates(),
        "template_types": [kind.value for kind in TemplateType],
    }
