"""The registry's LRU cache of template instances, keyed by name and configuration.

``TemplateRegistry.get(name, **config)`` returns the cached instance when the same name and an
equal configuration were asked before. Configurations with unhashable values are not cached
(every call builds a new instance). A size of 0 turns the cache off.

Examples:
    >>> cache = InstanceCache(max_size=2)
    >>> key = cache.key("t", {"size": 1})
    >>> cache.get(key) is None
    True
    >>> cache.put(key, "instance")
    >>> cache.get(key), cache.stats()["hits"]
    ('instance', 1)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from wumbo.core.stage import describe
from wumbo.framework.errors import TemplateConfigError

__all__ = ["CacheKey", "InstanceCache"]

CacheKey = tuple[str, tuple[tuple[str, Any], ...]]
"""The canonical template name and the sorted configuration items."""


class InstanceCache:
    """A thread-safe LRU mapping of `CacheKey` to template instances.

    Examples:
        >>> cache = InstanceCache(max_size=1)
        >>> cache.put(("a", ()), 1)
        >>> cache.put(("b", ()), 2)  # evicts the least recently used entry
        >>> cache.get(("a", ())) is None, cache.get(("b", ()))
        (True, 2)
    """

    def __init__(self, max_size: int = 0) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[CacheKey, Any] = OrderedDict()
        self._max_size = self._checked(max_size)
        self._hits = 0
        self._misses = 0

    @staticmethod
    def _checked(max_size: object) -> int:
        if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size < 0:
            raise TemplateConfigError(
                f"cache size must be an int >= 0 (0 turns the cache off), got {describe(max_size)}"
            )
        return max_size

    @property
    def max_size(self) -> int:
        """How many instances the cache keeps (0: off)."""
        return self._max_size

    def resize(self, max_size: int) -> None:
        """Change the size, evicting the least recently used entries if needed.

        Examples:
            >>> cache = InstanceCache(3)
            >>> cache.resize(0)
            >>> cache.max_size
            0
        """
        checked = self._checked(max_size)
        with self._lock:
            self._max_size = checked
            while len(self._entries) > checked:
                self._entries.popitem(last=False)

    @staticmethod
    def key(name: str, config: dict[str, Any]) -> CacheKey | None:
        """The cache key of a ``get`` call, or ``None`` when the configuration is unhashable.

        Examples:
            >>> InstanceCache.key("t", {"b": 2, "a": 1})
            ('t', (('a', 1), ('b', 2)))
            >>> InstanceCache.key("t", {"items": [1]}) is None
            True
        """
        items = tuple(sorted(config.items()))
        if not all(isinstance(value, Hashable) for _, value in items):
            return None
        try:
            hash(items)
        except TypeError:  # a tuple or frozenset holding something unhashable
            return None
        return (name, items)

    def get(self, key: CacheKey) -> Any:
        """The cached instance, or ``None`` (and the entry becomes the most recently used)."""
        with self._lock:
            if key in self._entries:
                self._hits += 1
                self._entries.move_to_end(key)
                return self._entries[key]
            self._misses += 1
            return None

    def put(self, key: CacheKey, instance: Any) -> None:
        """Remember ``instance`` (no-op when the cache is off)."""
        with self._lock:
            if self._max_size == 0:
                return
            self._entries[key] = instance
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_size:
                self._entries.popitem(last=False)

    def invalidate(self, name: str) -> None:
        """Forget every instance of template ``name`` (after it was replaced or removed).

        Examples:
            >>> cache = InstanceCache(4)
            >>> cache.put(("t", ()), 1)
            >>> cache.invalidate("t")
            >>> cache.stats()["size"]
            0
        """
        with self._lock:
            for key in [key for key in self._entries if key[0] == name]:
                del self._entries[key]

    def clear(self) -> None:
        """Forget every instance."""
        with self._lock:
            self._entries.clear()

    def stats(self) -> dict[str, int]:
        """Size, capacity, hits and misses.

        Examples:
            >>> InstanceCache(8).stats()
            {'size': 0, 'max_size': 8, 'hits': 0, 'misses': 0}
        """
        with self._lock:
            return {
                "size": len(self._entries),
                "max_size": self._max_size,
                "hits": self._hits,
                "misses": self._misses,
            }
