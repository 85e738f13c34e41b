"""``CachedTemplateRegistry``: a registry whose ``get`` reuses instances (LRU, 1000 by
default), as the seed's CachedTemplateRegistry did.

Examples:
    >>> from wumbo.framework import AggregatorTemplate, CachedTemplateRegistry
    >>> registry = CachedTemplateRegistry(cache_size=2)
    >>> registry.register(AggregatorTemplate)
    >>> registry.get("aggregator", aggregation_func=max) is registry.get("aggregator", aggregation_func=max)
    True
    >>> registry.get("aggregator", group_by=None) is registry.get("aggregator")
    False
"""

from __future__ import annotations

from wumbo.framework.registry import TemplateRegistry

__all__ = ["CachedTemplateRegistry"]


class CachedTemplateRegistry(TemplateRegistry):
    """A registry of its own with the instance cache on (``configure_cache`` resizes it).

    Cached instances are shared by every caller asking for the same name and configuration,
    so do not change their attributes after ``get``.

    Examples:
        >>> CachedTemplateRegistry().get_stats()["instance_cache"]["max_size"]
        1000
    """

    def __init__(self, cache_size: int = 1000) -> None:
        super().__init__(isolated=True, cache_size=cache_size)
