"""TemplateRegistry: registration, lookup, search, stats, cache, lazy entries, observers,
thread safety."""

from __future__ import annotations

import random
import threading

import pytest

from wumbo.framework import (
    AggregatorTemplate,
    BaseTemplate,
    CachedTemplateRegistry,
    ExecutionContext,
    RegistryEvent,
    RegistryEventKind,
    TemplateConfigError,
    TemplateMetadata,
    TemplateRegistrationError,
    TemplateRegistry,
    TemplateType,
    TransformTemplate,
    ValidationTemplate,
    get_registry,
    list_templates,
    search_templates,
)
from wumbo.framework.builtins import register_builtins


class NeedsArgument(BaseTemplate[int]):
    def __init__(self, factor: int) -> None:
        self.factor = factor
        super().__init__()

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("needs_argument")

    def _execute_core(self, n: int, *, context: ExecutionContext) -> int:
        return n * self.factor


@pytest.fixture
def registry() -> TemplateRegistry:
    return TemplateRegistry(isolated=True)


def test_the_shared_registry_is_a_singleton() -> None:
    assert TemplateRegistry.get_instance() is get_registry()
    with pytest.raises(RuntimeError, match=r"singleton\. Use get_instance\(\)"):
        TemplateRegistry()


def test_builtins_are_registered_at_import_with_their_aliases() -> None:
    assert list_templates() == [
        "aggregator",
        "api_client",
        "batch_processor",
        "classic_wumbo",
        "data_processor",
        "transformer",
        "validator",
        "workflow",
    ]
    aliases = {
        "wumbo": "ClassicWumboTemplate",
        "universal": "ClassicWumboTemplate",
        "dp": "DataProcessorTemplate",
        "client": "APIClientTemplate",
        "check": "ValidationTemplate",
        "aggregate": "AggregatorTemplate",
        "bp": "BatchProcessorTemplate",
        "map_filter": "TransformTemplate",
        "pipeline": "WorkflowTemplate",
    }
    for alias, class_name in aliases.items():
        assert get_registry().get_class(alias).__name__ == class_name


def test_search_scores_as_the_original(registry: TemplateRegistry) -> None:
    scores = [(hit["name"], hit["score"]) for hit in search_templates("data")]
    assert scores == [
        ("data_processor", 18),
        ("validator", 8),
        ("aggregator", 8),
        ("transformer", 5),
        ("classic_wumbo", 3),
    ]
    shared = get_registry()
    assert [hit["name"] for hit in shared.search("DATA", search_in=["name"])] == ["data_processor"]
    assert shared.search("agg", search_in=["name"])[0]["score"] == 10 + 2 * 8  # aliases always
    with pytest.raises(ValueError, match=r"search_in expects some of name, description, tags"):
        shared.search("x", search_in=["body"])


def test_register_get_and_aliases(registry: TemplateRegistry) -> None:
    registry.register(TransformTemplate, aliases=["tf", "tf"])
    instance = registry.get("tf", map_func=str.upper)
    assert isinstance(instance, TransformTemplate)
    assert instance("a") == ["A"]
    assert registry.get("transformer") is not registry.get("transformer")  # new instances
    assert registry.get_class("tf") is TransformTemplate
    assert registry.get_metadata("tf").name == "transformer"
    assert "tf" in registry
    assert "transformer" in registry
    assert len(registry) == 1
    registry.register(TransformTemplate, name="other")
    assert registry.list_templates() == ["other", "transformer"]


def test_unknown_names_say_what_is_registered(registry: TemplateRegistry) -> None:
    registry.register(TransformTemplate, aliases=["tf"])
    with pytest.raises(
        TemplateRegistrationError,
        match=r"Template 'transformr' not found; registered: transformer; did you mean 'transformer'\?",
    ):
        registry.get("transformr")
    with pytest.raises(TemplateRegistrationError, match="registered: none"):
        TemplateRegistry(isolated=True).get_class("x")


def test_duplicate_names_and_alias_clashes(registry: TemplateRegistry) -> None:
    registry.register(TransformTemplate, aliases=["tf"])
    with pytest.raises(TemplateRegistrationError, match="'transformer' is already registered"):
        registry.register(TransformTemplate)
    with pytest.raises(
        TemplateRegistrationError, match="alias 'tf' is already used by template 'transformer'"
    ):
        registry.register(AggregatorTemplate, aliases=["agg", "tf"])
    with pytest.raises(TemplateRegistrationError, match="name 'tf' is already an alias"):
        registry.register(AggregatorTemplate, name="tf")
    with pytest.raises(TemplateRegistrationError, match="alias 'transformer' is the name"):
        registry.register(AggregatorTemplate, aliases=["transformer"])
    with pytest.raises(TemplateRegistrationError, match="alias 'x' is the template's own name"):
        registry.register(AggregatorTemplate, name="x", aliases=["x"])


def test_a_failed_registration_changes_nothing(registry: TemplateRegistry) -> None:
    registry.register(TransformTemplate, aliases=["tf"])
    before = (registry.list_templates(include_metadata=True), registry.get_stats())
    with pytest.raises(TemplateRegistrationError):
        registry.register(AggregatorTemplate, aliases=["agg", "tf"])
    assert "agg" not in registry
    assert "aggregator" not in registry
    assert (registry.list_templates(include_metadata=True), registry.get_stats()) == before


def test_override_replaces_and_moves_aliases(registry: TemplateRegistry) -> None:
    registry.register(TransformTemplate, aliases=["tf"])
    registry.register(AggregatorTemplate, name="transformer", override=True)
    assert registry.get_class("tf") is AggregatorTemplate
    assert registry.list_templates(TemplateType.TRANSFORMER) == []
    assert registry.list_templates(TemplateType.AGGREGATOR) == ["transformer"]
    registry.register(ValidationTemplate, aliases=["tf"], override=True)
    assert registry.get_class("tf") is ValidationTemplate
    assert all(not problems for problems in registry.validate_registry().values())


def test_unregisterable_classes_are_refused(registry: TemplateRegistry) -> None:
    with pytest.raises(
        TemplateRegistrationError, match="expected a BaseTemplate subclass, got type"
    ):
        registry.register(dict)  # type: ignore[arg-type]
    with pytest.raises(TemplateRegistrationError, match="got TransformTemplate"):
        registry.register(TransformTemplate())  # type: ignore[arg-type]
    with pytest.raises(
        TemplateRegistrationError,
        match=r"NeedsArgument\(\) failed \(TypeError: .*every constructor argument needs a default",
    ):
        registry.register(NeedsArgument)
    with pytest.raises(TemplateRegistrationError, match="aliases must be a list of str, got str"):
        registry.register(TransformTemplate, aliases="tf")
    with pytest.raises(TemplateRegistrationError, match="name must be a non-empty str, got str ''"):
        registry.register(TransformTemplate, name="")
    assert len(registry) == 0


def test_unregister_removes_every_trace(registry: TemplateRegistry) -> None:
    registry.register(TransformTemplate, aliases=["tf", "t"])
    assert registry.unregister("tf") is False  # an alias is not a template name
    assert registry.unregister("transformer") is True
    assert registry.unregister("transformer") is False
    assert "tf" not in registry
    stats = registry.get_stats()
    assert (stats["total_templates"], stats["total_aliases"], stats["templates_by_type"]) == (
        0,
        0,
        {},
    )


def test_list_with_metadata_and_by_type(registry: TemplateRegistry) -> None:
    register_builtins(registry)
    listed = registry.list_templates(include_metadata=True)
    assert [entry["name"] for entry in listed] == registry.list_templates()
    by_name = {entry["name"]: entry for entry in listed}
    assert by_name["workflow"]["aliases"] == ["pipeline", "wf"]
    assert by_name["workflow"]["metadata"].template_type is TemplateType.WORKFLOW
    assert registry.list_templates(TemplateType.DATA_PROCESSOR) == [
        "batch_processor",
        "classic_wumbo",
        "data_processor",
    ]
    with pytest.raises(TypeError, match="template_type must be a TemplateType or None, got str"):
        registry.list_templates("workflow")  # type: ignore[arg-type]


def test_stats_validate_and_clear(registry: TemplateRegistry) -> None:
    register_builtins(registry)
    stats = registry.get_stats()
    assert stats["total_templates"] == 8
    assert stats["total_aliases"] == 17
    assert stats["templates_by_type"]["data_processor"] == 3
    assert registry.validate_registry() == {
        "missing_metadata": [],
        "invalid_aliases": [],
        "duplicate_names": [],
        "orphaned_categories": [],
    }
    registry.clear()
    assert registry.list_templates() == []
    assert registry.get_stats()["total_aliases"] == 0


def test_observers_hear_every_change(registry: TemplateRegistry) -> None:
    events: list[RegistryEvent] = []
    registry.add_observer(events.append)
    registry.add_observer(lambda event: 1 / 0)  # a broken observer is logged and ignored
    registry.register(TransformTemplate, aliases=["tf"])
    registry.register_lazy("lazy_agg", lambda: AggregatorTemplate)
    registry.get("lazy_agg")
    registry.unregister("transformer")
    registry.clear()
    assert [(event.kind, event.name, event.aliases) for event in events] == [
        (RegistryEventKind.REGISTERED, "transformer", ("tf",)),
        (RegistryEventKind.REGISTERED, "lazy_agg", ()),
        (RegistryEventKind.LOADED, "lazy_agg", ()),
        (RegistryEventKind.UNREGISTERED, "transformer", ("tf",)),
        (RegistryEventKind.CLEARED, "", ()),
    ]
    registry.remove_observer(events.append)
    with pytest.raises(ValueError, match="is not an observer of this registry"):
        registry.remove_observer(events.append)
    with pytest.raises(TypeError, match="expects a callable taking a RegistryEvent, got int 5"):
        registry.add_observer(5)  # type: ignore[arg-type]


def test_lazy_entries_load_once_on_first_use(registry: TemplateRegistry) -> None:
    loads: list[int] = []

    def load() -> type[AggregatorTemplate]:
        loads.append(1)
        return AggregatorTemplate

    registry.register_lazy("total", load, aliases=["sum_of"])
    assert registry.list_templates() == ["total"]
    assert loads == []
    assert registry.get("sum_of")(1, 2) == 3
    assert registry.get("total")(3) == 3
    assert loads == [1]
    assert registry.get_metadata("total").name == "aggregator"


def test_a_lazy_entry_that_fails_to_load_is_removed(registry: TemplateRegistry) -> None:
    registry.register_lazy("broken", lambda: dict, source="entry point broken = x:dict")
    with pytest.raises(
        TemplateRegistrationError,
        match=r"Failed to load plugin template 'broken' from entry point broken = x:dict: .*expected a BaseTemplate subclass",
    ):
        registry.get("broken")
    assert "broken" not in registry
    registry.register_lazy("bad_import", lambda: __import__("no_such_module_here"))
    assert registry.list_templates(include_metadata=True) == []  # logged and skipped
    with pytest.raises(TemplateRegistrationError, match="load must be callable"):
        registry.register_lazy("x", 5)  # type: ignore[arg-type]


def test_instance_cache_is_lru_and_configurable(registry: TemplateRegistry) -> None:
    registry.register(AggregatorTemplate)
    assert registry.get("aggregator") is not registry.get("aggregator")  # off by default
    registry.configure_cache(2)
    first = registry.get("aggregator", aggregation_func=max)
    assert registry.get("aggregator", aggregation_func=max) is first
    registry.get("aggregator", aggregation_func=min)
    registry.get("aggregator", aggregation_func=len)  # evicts the least recently used (max)
    assert registry.get("aggregator", aggregation_func=max) is not first
    assert registry.get("aggregator", group_by=None, aggregation_func=len) is registry.get(
        "aggregator", aggregation_func=len, group_by=None
    )
    unhashable = {"aggregation_func": sum, "extra": [1]}
    assert registry.get("aggregator", **unhashable) is not registry.get("aggregator", **unhashable)
    stats = registry.get_stats()["instance_cache"]
    assert stats["max_size"] == 2
    assert stats["hits"] >= 2
    registry.register(AggregatorTemplate, override=True)  # replacing invalidates the cache
    assert registry.get_stats()["instance_cache"]["size"] == 0
    with pytest.raises(TemplateConfigError, match="cache size must be an int >= 0"):
        registry.configure_cache(-1)


def test_cached_template_registry() -> None:
    cached = CachedTemplateRegistry()
    cached.register(TransformTemplate)
    assert cached.get("transformer") is cached.get("transformer")
    assert cached.get_stats()["instance_cache"]["max_size"] == 1000


def test_concurrent_register_get_unregister_keeps_the_registry_consistent() -> None:
    registry = TemplateRegistry(isolated=True, cache_size=8)
    register_builtins(registry)
    names = [f"t{number}" for number in range(12)]
    errors: list[BaseException] = []
    start = threading.Barrier(8, timeout=30)

    def worker(seed: int) -> None:
        chooser = random.Random(seed)
        try:
            start.wait()
            for _ in range(300):
                name = chooser.choice(names)
                action = chooser.random()
                try:
                    if action < 0.4:
                        aliases = [
                            f"{name}_a{chooser.randrange(3)}",
                            f"shared{chooser.randrange(4)}",
                        ]
                        registry.register(TransformTemplate, name=name, aliases=aliases)
                    elif action < 0.75:
                        assert isinstance(
                            registry.get(chooser.choice([name, "shared1", "dp"])), BaseTemplate
                        )
                    else:
                        registry.unregister(name)
                except TemplateRegistrationError:
                    pass  # clashes and misses are expected in this race
        except BaseException as error:  # reported to the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert registry.validate_registry() == {
        "missing_metadata": [],
        "invalid_aliases": [],
        "duplicate_names": [],
        "orphaned_categories": [],
    }
    listed = registry.list_templates(include_metadata=True)
    alias_owners: dict[str, str] = {}
    for entry in listed:
        for alias in entry["aliases"]:
            assert alias not in alias_owners  # an alias points at exactly one template
            alias_owners[alias] = entry["name"]
            assert registry.get_class(alias) is registry.get_class(entry["name"])
    assert registry.get_stats()["total_aliases"] == len(alias_owners)
    assert {"data_processor", "workflow"} <= set(registry.list_templates())


def test_module_functions_use_the_shared_registry() -> None:
    from wumbo.framework import auto_register, create_template, get_template, register_template

    @auto_register(name="test_auto", aliases=["test_auto_alias"])
    class Auto(TransformTemplate):
        pass

    try:
        assert type(get_template("test_auto_alias")) is Auto
        assert type(create_template("test_auto")) is Auto
        with pytest.raises(TemplateRegistrationError):
            register_template(Auto, name="test_auto")
    finally:
        assert get_registry().unregister("test_auto")
