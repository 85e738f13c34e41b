"""Registry events and their observers: what changed in a TemplateRegistry, as it happens.

An observer is any callable taking a [`RegistryEvent`][wumbo.framework.events.RegistryEvent]; it is called after the change,
outside the registry's lock (so it may use the registry), and one that raises is logged and
ignored. Registry observers are an adapter onto wumbo's one hook registry
([`wumbo.decorators.observers`][wumbo.decorators.observers]): each change is an ``Event`` whose
``kind`` is the change's, ``source`` is ``"registry"`` and ``detail`` the ``RegistryEvent``, so
an observer registered there globally hears every registry's changes too.

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

from wumbo.decorators.observers import Event, EventKind

__all__ = ["RegistryEvent", "RegistryEventKind", "RegistryHook", "RegistryObserver", "as_event"]


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


_KINDS: dict[RegistryEventKind, EventKind] = {
    RegistryEventKind.REGISTERED: "registered",
    RegistryEventKind.LOADED: "loaded",
    RegistryEventKind.UNREGISTERED: "unregistered",
    RegistryEventKind.CLEARED: "cleared",
}


def as_event(change: RegistryEvent) -> Event:
    """The change as an event of the one hook registry.

    Examples:
        >>> as_event(RegistryEvent(RegistryEventKind.LOADED, "t")).kind
        'loaded'
    """
    return Event(_KINDS[change.kind], "registry", change.name, change.aliases, 0.0, change)


@dataclass(frozen=True, slots=True)
class RegistryHook:
    """A registry observer as a hook: told the ``RegistryEvent`` of every registry event
    (equal to another adapter of the same observer, so it can be removed).

    Examples:
        >>> seen = []
        >>> RegistryHook(seen.append)(as_event(RegistryEvent(RegistryEventKind.CLEARED, "")))
        >>> seen[0].kind
        <RegistryEventKind.CLEARED: 'cleared'>
    """

    observer: RegistryObserver

    def __call__(self, event: Event) -> None:
        if event.source == "registry" and isinstance(event.detail, RegistryEvent):
            self.observer(event.detail)
