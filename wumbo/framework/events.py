"""Registry events and their observers: what changed in a TemplateRegistry, as it happens.

An observer is any callable taking a [`RegistryEvent`][wumbo.framework.events.RegistryEvent]; it is called after the change,
outside the registry's lock (so it may use the registry), and one that raises is logged and
ignored.

Examples:
    >>> from wumbo.framework import TemplateRegistry, create_transformer
    >>> registry = TemplateRegistry(isolated=True)
    >>> seen = []
    >>> registry.add_observer(seen.append)
    >>> registry.register(type(create_transformer()), aliases=["tf"])
    >>> seen
    [RegistryEvent(kind=<RegistryEventKind.REGISTERED: 'registered'>, name='transformer', aliases=('tf',))]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

__all__ = ["RegistryEvent", "RegistryEventKind", "RegistryObserver"]


class RegistryEventKind(Enum):
    """What happened to the registry.

    Examples:
        >>> RegistryEventKind.LOADED.value
        'loaded'
    """

    REGISTERED = "registered"
    """A template (or a lazy plugin entry) was registered, or replaced with ``override``."""
    LOADED = "loaded"
    """A lazy plugin template was imported on first use."""
    UNREGISTERED = "unregistered"
    """A template and its aliases were removed."""
    CLEARED = "cleared"
    """Every template was removed (``name`` is empty)."""


@dataclass(frozen=True, slots=True)
class RegistryEvent:
    """One change: its kind, the canonical template name and the aliases involved.

    Examples:
        >>> RegistryEvent(RegistryEventKind.UNREGISTERED, "t", ("alias",)).aliases
        ('alias',)
    """

    kind: RegistryEventKind
    name: str
    aliases: tuple[str, ...] = ()


RegistryObserver = Callable[[RegistryEvent], object]
"""Anything that can be called with a [`RegistryEvent`][wumbo.framework.events.RegistryEvent]."""
