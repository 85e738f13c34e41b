"""``TemplateRegistry``: templates by name and alias, thread-safe, with plugins and a cache.

Every change happens under one lock and ``register`` is atomic: when any name or alias clashes,
nothing is registered. ``get`` returns a new instance (or a cached one when the instance cache
is on). Plugin templates found through entry points are loaded lazily, on first use. Observers
hear about every change (see [`wumbo.framework.events`][wumbo.framework.events]).

``TemplateRegistry.get_instance()`` is the shared registry the module functions
(``get_template``...) use; ``TemplateRegistry(isolated=True)`` makes an independent one.

Examples:
    >>> from wumbo.framework import TemplateRegistry, TransformTemplate
    >>> registry = TemplateRegistry(isolated=True)
    >>> registry.register(TransformTemplate, aliases=["tf", "map_filter"])
    >>> registry.get("tf", map_func=str.upper)("a")
    ['A']
    >>> registry.list_templates(), registry.get_class("map_filter").__name__
    (['transformer'], 'TransformTemplate')
"""

from __future__ import annotations

import difflib
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from wumbo._log import get_logger
from wumbo.core.stage import describe
from wumbo.decorators.observers import Hooks
from wumbo.framework import plugins
from wumbo.framework._checks import is_instance, is_template_class
from wumbo.framework.base import BaseTemplate
from wumbo.framework.errors import TemplateConfigError, TemplateRegistrationError
from wumbo.framework.events import (
    RegistryEvent,
    RegistryEventKind,
    RegistryHook,
    RegistryObserver,
    as_event,
)
from wumbo.framework.instance_cache import InstanceCache
from wumbo.framework.metadata import TemplateMetadata, TemplateType

__all__ = ["SEARCH_FIELDS", "TemplateRegistry"]

_logger = get_logger("wumbo.registry")

SEARCH_FIELDS = ("name", "description", "tags")
"""The fields ``search`` can look in (aliases are always searched)."""


@dataclass(frozen=True, slots=True)
class _Lazy:
    """A plugin template not imported yet: how to load it and where it comes from."""

    load: Callable[[], object]
    source: str


def _registration_error(detail: str) -> TemplateRegistrationError:
    return TemplateRegistrationError(f"Failed to register template: {detail}")


def _metadata_of(template_class: object) -> TemplateMetadata:
    """Check that ``template_class`` is a registrable class and read its metadata."""
    if not is_template_class(template_class):
        raise _registration_error(
            f"expected a BaseTemplate subclass, got {describe(template_class)}"
        )
    cls = template_class
    try:
        metadata = cls().metadata
    except Exception as error:
        raise _registration_error(
            f"{cls.__name__}() failed ({type(error).__name__}: {error}); the registry reads "
            f"metadata from an instance built without arguments, so every constructor "
            f"argument needs a default"
        ) from error
    return metadata


def _checked_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise _registration_error(f"{what} must be a non-empty str, got {describe(name)}")
    return name


def _checked_aliases(aliases: Iterable[str] | None, name: str) -> tuple[str, ...]:
    if aliases is None:
        return ()
    if isinstance(aliases, str) or not is_instance(aliases, Iterable):
        raise _registration_error(f"aliases must be a list of str, got {describe(aliases)}")
    checked = tuple(dict.fromkeys(_checked_name(alias, "an alias") for alias in aliases))
    if name in checked:
        raise _registration_error(f"alias {name!r} is the template's own name")
    return checked


class TemplateRegistry:
    """Templates by name and alias: register, get, search, discover plugins; thread-safe.

    Options: ``isolated`` (a registry of its own, not the shared one), ``cache_size`` (LRU
    instance cache for ``get``; 0, the default, builds a new instance per call).

    Examples:
        >>> from wumbo.framework import AggregatorTemplate
        >>> registry = TemplateRegistry(isolated=True)
        >>> registry.register(AggregatorTemplate, aliases=["agg"])
        >>> registry.register(AggregatorTemplate, name="total", aliases=["agg"])
        Traceback (most recent call last):
        ...
        wumbo.framework.errors.TemplateRegistrationError: Failed to register template: alias 'agg' is already used by template 'aggregator' (pass override=True to move it)
        >>> "total" in registry  # atomic: nothing of the failed registration remains
        False
    """

    _instance: ClassVar[TemplateRegistry | None] = None
    _instance_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, *, isolated: bool = False, cache_size: int = 0) -> None:
        if not isolated and type(self) is TemplateRegistry and TemplateRegistry._instance:
            raise RuntimeError(
                "TemplateRegistry is a singleton. Use get_instance() (or "
                "TemplateRegistry(isolated=True) for a separate registry)."
            )
        self._lock = threading.RLock()
        self._loading = threading.RLock()
        self._templates: dict[str, type[BaseTemplate]] = {}
        self._metadata: dict[str, TemplateMetadata] = {}
        self._categories: defaultdict[TemplateType, set[str]] = defaultdict(set)
        self._aliases: dict[str, str] = {}
        self._lazy: dict[str, _Lazy] = {}
        self._plugin_paths: list[Path] = []
        self._loaded_plugins: set[str] = set()
        self._hooks = Hooks("this registry")
        self._cache = InstanceCache(cache_size)
        self._discovery_pending = False

    @classmethod
    def get_instance(cls) -> TemplateRegistry:
        """The shared registry (created on first use; it discovers plugins on first query).

        Examples:
            >>> TemplateRegistry.get_instance() is TemplateRegistry.get_instance()
            True
        """
        with TemplateRegistry._instance_lock:
            if TemplateRegistry._instance is None:
                shared = TemplateRegistry(isolated=True)
                shared._discovery_pending = True
                TemplateRegistry._instance = shared
            return TemplateRegistry._instance

    # -- registering -----------------------------------------------------------------------------

    def register(
        self,
        template_class: type[BaseTemplate[Any]],
        name: str | None = None,
        aliases: Iterable[str] | None = None,
        override: bool = False,
    ) -> None:
        """Register a BaseTemplate subclass under ``name`` (default: its metadata name).

        The class must be constructible without arguments (its metadata is read from such an
        instance). A name or alias already taken is an error unless ``override``, which
        replaces the template and moves the aliases; nothing changes when an error is raised.

        Examples:
            >>> from wumbo.framework import TransformTemplate
            >>> registry = TemplateRegistry(isolated=True)
            >>> registry.register(TransformTemplate)
            >>> registry.register(TransformTemplate)
            Traceback (most recent call last):
            ...
            wumbo.framework.errors.TemplateRegistrationError: Failed to register template: template 'transformer' is already registered (pass override=True to replace it)
        """
        metadata = _metadata_of(template_class)
        canonical = _checked_name(name if name is not None else metadata.name, "name")
        alias_names = _checked_aliases(aliases, canonical)
        with self._lock:
            self._check_free(canonical, alias_names, override)
            self._drop(canonical, keep_aliases=True)
            self._store(canonical, template_class, metadata)
            self._aliases.update(dict.fromkeys(alias_names, canonical))
        self._emit(RegistryEventKind.REGISTERED, canonical, alias_names)

    def register_lazy(
        self,
        name: str,
        load: Callable[[], object],
        aliases: Iterable[str] | None = None,
        override: bool = False,
        source: str = "",
    ) -> None:
        """Register a template whose class ``load()`` returns, imported on first use.

        ``list_templates()`` shows it at once; ``get``, ``get_class``, metadata queries and
        searches load it. A load that fails removes the entry and raises (for ``get``) or is
        logged (for listings).

        Examples:
            >>> registry = TemplateRegistry(isolated=True)
            >>> def load():
            ...     from wumbo.framework import AggregatorTemplate
            ...     return AggregatorTemplate
            >>> registry.register_lazy("sum_all", load)
            >>> registry.get_stats()["lazy_templates"], registry.get("sum_all")(1, 2)
            (1, 3)
            >>> registry.get_stats()["lazy_templates"]
            0
        """
        canonical = _checked_name(name, "name")
        if not callable(load):
            raise _registration_error(f"load must be callable, got {describe(load)}")
        alias_names = _checked_aliases(aliases, canonical)
        with self._lock:
            self._check_free(canonical, alias_names, override)
            self._drop(canonical, keep_aliases=True)
            self._lazy[canonical] = _Lazy(load, source or describe(load))
            self._aliases.update(dict.fromkeys(alias_names, canonical))
        self._emit(RegistryEventKind.REGISTERED, canonical, alias_names)

    def _taken(self, name: str) -> bool:
        return name in self._templates or name in self._lazy

    def _check_free(self, name: str, aliases: tuple[str, ...], override: bool) -> None:
        if not override and self._taken(name):
            raise _registration_error(
                f"template {name!r} is already registered (pass override=True to replace it)"
            )
        owner = self._aliases.get(name)
        if owner is not None and not override:
            raise _registration_error(
                f"name {name!r} is already an alias of template {owner!r} "
                f"(pass override=True to take it over)"
            )
        for alias in aliases:
            if self._taken(alias):
                raise _registration_error(f"alias {alias!r} is the name of a registered template")
            owner = self._aliases.get(alias)
            if owner is not None and owner != name and not override:
                raise _registration_error(
                    f"alias {alias!r} is already used by template {owner!r} "
                    f"(pass override=True to move it)"
                )

    def _store(self, name: str, cls: type[BaseTemplate], metadata: TemplateMetadata) -> None:
        self._aliases.pop(name, None)  # the name was an alias of another template (override)
        self._templates[name] = cls
        self._metadata[name] = metadata
        self._categories[metadata.template_type].add(name)

    def _drop(self, name: str, *, keep_aliases: bool) -> tuple[str, ...]:
        """Remove ``name``'s class, metadata, category and lazy entry (and its aliases)."""
        self._templates.pop(name, None)
        self._lazy.pop(name, None)
        metadata = self._metadata.pop(name, None)
        if metadata is not None:
            category = self._categories[metadata.template_type]
            category.discard(name)
            if not category:
                del self._categories[metadata.template_type]
        self._cache.invalidate(name)
        aliases = tuple(alias for alias, owner in self._aliases.items() if owner == name)
        if not keep_aliases:
            for alias in aliases:
                del self._aliases[alias]
        return aliases

    def unregister(self, name: str) -> bool:
        """Remove a template and its aliases; ``False`` when ``name`` is not a registered
        template name (an alias is not).

        Examples:
            >>> from wumbo.framework import TransformTemplate
            >>> registry = TemplateRegistry(isolated=True)
            >>> registry.register(TransformTemplate, aliases=["tf"])
            >>> registry.unregister("tf"), registry.unregister("transformer"), len(registry)
            (False, True, 0)
        """
        with self._lock:
            if not self._taken(name):
                return False
            aliases = self._drop(name, keep_aliases=False)
        self._emit(RegistryEventKind.UNREGISTERED, name, aliases)
        return True

    def clear(self) -> None:
        """Remove every template, alias and loaded-plugin record (plugin paths stay).

        Examples:
            >>> registry = TemplateRegistry(isolated=True)
            >>> registry.clear()
            >>> registry.list_templates()
            []
        """
        with self._lock:
            self._templates.clear()
            self._metadata.clear()
            self._categories.clear()
            self._aliases.clear()
            self._lazy.clear()
            self._loaded_plugins.clear()
            self._cache.clear()
        self._emit(RegistryEventKind.CLEARED, "", ())

    # -- looking up ------------------------------------------------------------------------------

    def __contains__(self, name: object) -> bool:
        with self._lock:
            return isinstance(name, str) and (self._taken(name) or name in self._aliases)

    def __len__(self) -> int:
        with self._lock:
            return len(self._templates) + len(self._lazy)

    def _not_found(self, name: str) -> TemplateRegistrationError:
        known = sorted({*self._templates, *self._lazy, *self._aliases})
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listed = ", ".join(sorted({*self._templates, *self._lazy})) or "none"
        return TemplateRegistrationError(f"Template {name!r} not found; registered: {listed}{hint}")

    def _resolve(self, name: str) -> tuple[str, type[BaseTemplate]]:
        """The canonical name and class of ``name`` (an alias resolves; lazy ones load)."""
        self._discover_if_pending()
        while True:
            with self._lock:
                canonical = self._aliases.get(name, name)
                cls = self._templates.get(canonical)
                if cls is not None:
                    return canonical, cls
                if canonical not in self._lazy:
                    raise self._not_found(name)
            self._materialize(canonical)

    def get(self, name: str, **config: Any) -> BaseTemplate[Any]:
        """A template instance configured with ``config`` (cached when the cache is on).

        Examples:
            >>> from wumbo.framework import get_template
            >>> get_template("agg", aggregation_func=max)(3, 7)
            7
        """
        canonical, cls = self._resolve(name)
        key = InstanceCache.key(canonical, config) if self._cache.max_size else None
        if key is not None:
            cached: BaseTemplate[Any] | None = self._cache.get(key)
            if cached is not None:
                return cached
        instance = cls(**config)
        if key is not None:
            self._cache.put(key, instance)
        return instance

    def get_class(self, name: str) -> type[BaseTemplate[Any]]:
        """The class registered under ``name`` or an alias of it.

        Examples:
            >>> from wumbo.framework import get_registry
            >>> get_registry().get_class("dp").__name__
            'DataProcessorTemplate'
        """
        return self._resolve(name)[1]

    def get_metadata(self, name: str) -> TemplateMetadata:
        """The metadata of the template registered under ``name`` or an alias of it.

        Examples:
            >>> from wumbo.framework import get_registry
            >>> get_registry().get_metadata("classic").author
            'Wumbo Development Team'
        """
        canonical, _ = self._resolve(name)
        with self._lock:
            metadata = self._metadata.get(canonical)
        if metadata is None:  # unregistered between the two steps
            raise self._not_found(name)
        return metadata

    def configure_cache(self, max_size: int) -> None:
        """Turn the LRU instance cache of ``get`` on (``max_size`` > 0), resize it, or off (0).

        Examples:
            >>> from wumbo.framework import TransformTemplate
            >>> registry = TemplateRegistry(isolated=True)
            >>> registry.register(TransformTemplate)
            >>> registry.configure_cache(16)
            >>> registry.get("transformer") is registry.get("transformer")
            True
        """
        self._cache.resize(max_size)

    # -- plugins -----------------------------------------------------------------------------------

    def _materialize(self, name: str) -> None:
        """Import the lazy template ``name`` and register its class (one loader at a time)."""
        with self._loading:
            with self._lock:
                lazy = self._lazy.get(name)
            if lazy is None:
                return  # loaded, or removed, by another thread meanwhile
            try:
                loaded = lazy.load()
                metadata = _metadata_of(loaded)
            except Exception as error:
                with self._lock:
                    if self._lazy.get(name) is lazy:
                        self._drop(name, keep_aliases=False)
                raise TemplateRegistrationError(
                    f"Failed to load plugin template {name!r} from {lazy.source}: {error}"
                ) from error
            with self._lock:
                if self._lazy.get(name) is not lazy:
                    return
                del self._lazy[name]
                assert isinstance(loaded, type)
                self._store(name, loaded, metadata)
        self._emit(RegistryEventKind.LOADED, name, ())

    def _materialize_all(self) -> None:
        self._discover_if_pending()
        with self._lock:
            pending = list(self._lazy)
        for name in pending:
            try:
                self._materialize(name)
            except TemplateRegistrationError as error:
                _logger.warning("%s", error)

    def add_plugin_path(self, path: str | Path) -> None:
        """Add a directory of plugin ``.py`` files (resolved; added once) for ``load_plugins``.

        Examples:
            >>> TemplateRegistry(isolated=True).add_plugin_path("/no/such/dir")
            Traceback (most recent call last):
            ...
            wumbo.framework.errors.TemplateConfigError: plugin path must be an existing directory, got '/no/such/dir'
        """
        resolved = Path(path).resolve()
        if not resolved.is_dir():
            raise TemplateConfigError(
                f"plugin path must be an existing directory, got {str(path)!r}"
            )
        with self._lock:
            if resolved not in self._plugin_paths:
                self._plugin_paths.append(resolved)

    def _register_found(self, classes: list[type[BaseTemplate]], origin: str) -> int:
        registered = 0
        for cls in classes:
            try:
                self.register(cls)
            except TemplateRegistrationError as error:
                _logger.warning("plugin %s: %s", origin, error)
            else:
                registered += 1
        return registered

    def discover_templates(self, module_name: str) -> int:
        """Import ``module_name`` and register the BaseTemplate subclasses it defines; the
        number registered (0 and a logged warning when the import fails).

        Examples:
            >>> registry = TemplateRegistry(isolated=True)
            >>> registry.discover_templates("wumbo.framework.builtins.aggregator")
            1
            >>> registry.discover_templates("no_such_module_anywhere")
            0
        """
        try:
            module = __import__(module_name, fromlist=["_"])
        except ImportError as error:
            _logger.warning("cannot import plugin module %r: %s", module_name, error)
            return 0
        return self._register_found(plugins.template_classes_in(module), module_name)

    def load_plugins(self) -> int:
        """Import every plugin file of the plugin paths not loaded before and register the
        templates they define; the number registered. Failures are logged and skipped.

        Examples:
            >>> TemplateRegistry(isolated=True).load_plugins()
            0
        """
        with self._lock:
            paths = list(self._plugin_paths)
        registered = 0
        for directory in paths:
            for path in plugins.plugin_files(directory):
                with self._lock:
                    if str(path) in self._loaded_plugins:
                        continue
                    self._loaded_plugins.add(str(path))
                try:
                    module = plugins.import_plugin_file(path)
                except Exception as error:
                    _logger.warning("cannot import plugin file %s: %r", path, error)
                    continue
                registered += self._register_found(plugins.template_classes_in(module), str(path))
        return registered

    def discover_entry_points(self, group: str = plugins.ENTRY_POINT_GROUP) -> int:
        """Register, lazily, every entry point of ``group`` whose name is free; the number
        registered. Nothing is imported until a template is asked for.

        Examples:
            >>> TemplateRegistry(isolated=True).discover_entry_points("wumbo.no_such_group")
            0
        """
        registered = 0
        for point in plugins.entry_points(group):
            source = f"entry point {point.name} = {point.value}"
            if point.dist is not None:
                source += f" (distribution {point.dist.name})"
            try:
                self.register_lazy(point.name, point.load, source=source)
            except TemplateRegistrationError as error:
                _logger.warning("skipping %s: %s", source, error)
            else:
                registered += 1
        return registered

    def discover_plugins(self) -> int:
        """Entry points (lazily), then the ``WUMBO_PLUGIN_PATHS`` directories (imported); the
        number of templates registered.

        Examples:
            >>> TemplateRegistry(isolated=True).discover_plugins() >= 0
            True
        """
        found = self.discover_entry_points()
        for path in plugins.plugin_paths_from_env():
            try:
                self.add_plugin_path(path)
            except TemplateConfigError as error:
                _logger.warning("%s: %s", plugins.PLUGIN_PATHS_ENV, error)
        return found + self.load_plugins()

    def _discover_if_pending(self) -> None:
        if not self._discovery_pending:
            return
        with self._loading:
            if self._discovery_pending:
                self._discovery_pending = False
                self.discover_plugins()

    # -- listing and searching ---------------------------------------------------------------------

    def _aliases_of(self, name: str) -> list[str]:
        return sorted(alias for alias, owner in self._aliases.items() if owner == name)

    def list_templates(
        self, template_type: TemplateType | None = None, include_metadata: bool = False
    ) -> list[Any]:
        """Sorted template names (of one type if given); with ``include_metadata``, dicts
        ``{"name", "metadata", "aliases"}``. Filtering or metadata loads lazy plugins.

        Examples:
            >>> from wumbo.framework import TemplateType, list_templates
            >>> list_templates(TemplateType.VALIDATOR)
            ['validator']
        """
        if template_type is not None and not is_instance(template_type, TemplateType):
            raise TypeError(
                f"template_type must be a TemplateType or None, got {describe(template_type)}"
            )
        if template_type is None and not include_metadata:
            self._discover_if_pending()
            with self._lock:
                return sorted({*self._templates, *self._lazy})
        self._materialize_all()
        with self._lock:
            names = sorted(
                name
                for name, metadata in self._metadata.items()
                if template_type is None or metadata.template_type is template_type
            )
            if not include_metadata:
                return names
            return [
                {"name": name, "metadata": self._metadata[name], "aliases": self._aliases_of(name)}
                for name in names
            ]

    def search(self, query: str, search_in: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Case-insensitive substring search, best first: name +10, description +5, each
        matching tag +3 (the fields of ``search_in``), each matching alias +8 (always).

        Examples:
            >>> from wumbo.framework import search_templates
            >>> [(hit["name"], hit["score"]) for hit in search_templates("data")][:2]
            [('data_processor', 18), ('validator', 8)]
        """
        fields = tuple(SEARCH_FIELDS if search_in is None else search_in)
        unknown = [field for field in fields if field not in SEARCH_FIELDS]
        if unknown:
            raise ValueError(f"search_in expects some of {', '.join(SEARCH_FIELDS)}; got {unknown}")
        needle = str(query).lower()
        self._materialize_all()
        with self._lock:
            entries = [
                (name, meta, self._aliases_of(name)) for name, meta in self._metadata.items()
            ]
        hits: list[dict[str, Any]] = []
        for name, metadata, aliases in entries:  # registration order breaks ties
            score = 10 * ("name" in fields and needle in name.lower())
            score += 5 * ("description" in fields and needle in metadata.description.lower())
            if "tags" in fields:
                score += 3 * sum(needle in tag.lower() for tag in metadata.tags)
            score += 8 * sum(needle in alias.lower() for alias in aliases)
            if score:
                hits.append(
                    {"name": name, "metadata": metadata, "aliases": aliases, "score": score}
                )
        return sorted(hits, key=lambda hit: -hit["score"])

    def get_stats(self) -> dict[str, Any]:
        """Counts: templates (lazy ones included), by type, aliases; plugin paths, loaded
        plugin files, lazy templates not loaded yet, and the instance cache.

        Examples:
            >>> from wumbo.framework import get_registry
            >>> stats = get_registry().get_stats()
            >>> stats["templates_by_type"]["data_processor"], stats["total_aliases"] >= 16
            (3, True)
        """
        self._discover_if_pending()
        with self._lock:
            return {
                "total_templates": len(self._templates) + len(self._lazy),
                "templates_by_type": {
                    kind.value: len(names) for kind, names in self._categories.items()
                },
                "total_aliases": len(self._aliases),
                "plugin_paths": [str(path) for path in self._plugin_paths],
                "loaded_plugins": sorted(self._loaded_plugins),
                "lazy_templates": len(self._lazy),
                "instance_cache": self._cache.stats(),
            }

    def validate_registry(self) -> dict[str, list[str]]:
        """Consistency problems, by kind; every list is empty in a healthy registry.

        Examples:
            >>> from wumbo.framework import get_registry
            >>> get_registry().validate_registry()
            {'missing_metadata': [], 'invalid_aliases': [], 'duplicate_names': [], 'orphaned_categories': []}
        """
        with self._lock:
            canonical = {*self._templates, *self._lazy}
            categorized = {name for names in self._categories.values() for name in names}
            return {
                "missing_metadata": sorted(set(self._templates) - set(self._metadata)),
                "invalid_aliases": sorted(
                    alias for alias, owner in self._aliases.items() if owner not in canonical
                ),
                "duplicate_names": sorted(canonical & set(self._aliases)),
                "orphaned_categories": sorted(categorized - set(self._templates)),
            }

    # -- observers ---------------------------------------------------------------------------------

    def add_observer(self, observer: RegistryObserver) -> None:
        """Call ``observer(event)`` after every change (see [`wumbo.framework.events`][wumbo.framework.events]).

        Examples:
            >>> TemplateRegistry(isolated=True).add_observer(5)
            Traceback (most recent call last):
            ...
            TypeError: add_observer expects a callable taking a RegistryEvent, got int 5
        """
        if not callable(observer):
            raise TypeError(
                f"add_observer expects a callable taking a RegistryEvent, got {describe(observer)}"
            )
        self._hooks.add(RegistryHook(observer))

    def remove_observer(self, observer: RegistryObserver) -> None:
        """Stop calling ``observer``; ``ValueError`` if it was not added.

        Examples:
            >>> TemplateRegistry(isolated=True).remove_observer(print)
            Traceback (most recent call last):
            ...
            ValueError: remove_observer: builtin_function_or_method <built-in function print> is not an observer of this registry
        """
        try:
            self._hooks.remove(RegistryHook(observer))
        except ValueError:
            raise ValueError(
                f"remove_observer: {describe(observer)} is not an observer of this registry"
            ) from None

    def _emit(self, kind: RegistryEventKind, name: str, aliases: tuple[str, ...]) -> None:
        if self._hooks:
            self._hooks.notify(as_event(RegistryEvent(kind, name, aliases)))
