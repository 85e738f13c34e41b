"""Plugin discovery: entry points of a real (on-disk) distribution, plugin paths, the env var."""

from __future__ import annotations

import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from wumbo.framework import (
    RegistryEventKind,
    TemplateConfigError,
    TemplateRegistrationError,
    TemplateRegistry,
    discover_templates,
    get_registry,
)
from wumbo.framework.plugins import PLUGIN_PATHS_ENV

PLUGIN_SOURCE = """
from wumbo.framework import BaseTemplate, TemplateMetadata, TemplateType, TransformTemplate


class {cls}(BaseTemplate[str]):
    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("{name}", template_type=TemplateType.CUSTOM, tags=["plugin"])

    def _execute_core(self, text: str, *, context: object) -> str:
        return "{name}:" + text
"""


def write_module(directory: Path, module: str, cls: str, name: str) -> None:
    (directory / f"{module}.py").write_text(PLUGIN_SOURCE.format(cls=cls, name=name))


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def forget_modules() -> Iterator[list[str]]:
    """Names of modules a test imports from tmp dirs, dropped from sys.modules afterwards."""
    names: list[str] = []
    yield names
    for name in names:
        sys.modules.pop(name, None)


def install_distribution(site: Path, module: str, entry_points: str) -> None:
    """A minimal installed distribution: a module and its ``.dist-info`` metadata."""
    dist_info = site / f"{module}-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text(textwrap.dedent(entry_points))


def test_entry_points_of_an_installed_distribution_register_lazily(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forget_modules: list[str]
) -> None:
    module = unique("wumbo_plugin_dist")
    forget_modules.append(module)
    write_module(tmp_path, module, "Shout", "shout")
    name, broken = unique("shout"), unique("broken")
    install_distribution(
        tmp_path,
        module,
        f"""
        [wumbo.templates]
        {name} = {module}:Shout
        {broken} = {module}:NoSuchClass
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = TemplateRegistry(isolated=True)
    events: list[RegistryEventKind] = []
    registry.add_observer(lambda event: events.append(event.kind))

    assert registry.discover_entry_points() == 2
    assert module not in sys.modules  # lazy: nothing imported yet
    assert {name, broken} <= set(registry.list_templates())
    assert registry.get(name)("hi") == "shout:hi"
    assert module in sys.modules
    assert events == [RegistryEventKind.REGISTERED] * 2 + [RegistryEventKind.LOADED]
    with pytest.raises(
        TemplateRegistrationError,
        match=rf"Failed to load plugin template '{broken}' from entry point",
    ):
        registry.get(broken)
    assert broken not in registry
    # the loaded name is taken (skipped); the broken one, dropped after its failed load, returns
    assert registry.discover_entry_points() == 1


def test_a_plugin_directory_registers_the_templates_its_files_define(
    tmp_path: Path, forget_modules: list[str]
) -> None:
    first, second = unique("wumbo_plugin_a"), unique("wumbo_plugin_b")
    forget_modules.extend([first, second])
    write_module(tmp_path, first, "First", "first_plugin")
    write_module(tmp_path, second, "Second", "second_plugin")
    (tmp_path / "_private.py").write_text("raise RuntimeError('never imported')\n")
    (tmp_path / f"{unique('wumbo_plugin_bad')}.py").write_text("raise RuntimeError('bad plugin')\n")

    registry = TemplateRegistry(isolated=True)
    registry.add_plugin_path(tmp_path)
    registry.add_plugin_path(str(tmp_path))  # added once
    assert registry.get_stats()["plugin_paths"] == [str(tmp_path.resolve())]
    assert registry.load_plugins() == 2  # TransformTemplate is imported there, not defined
    assert registry.get("first_plugin")("x") == "first_plugin:x"
    assert registry.load_plugins() == 0  # files load once
    assert len(registry.get_stats()["loaded_plugins"]) == 3


def test_plugin_paths_must_be_directories(tmp_path: Path) -> None:
    with pytest.raises(TemplateConfigError, match="plugin path must be an existing directory"):
        TemplateRegistry(isolated=True).add_plugin_path(tmp_path / "missing")


def test_discover_plugins_reads_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forget_modules: list[str]
) -> None:
    module = unique("wumbo_plugin_env")
    forget_modules.append(module)
    write_module(tmp_path, module, "FromEnv", "from_env")
    monkeypatch.setenv(PLUGIN_PATHS_ENV, f"{tmp_path}:{tmp_path / 'missing'}")
    registry = TemplateRegistry(isolated=True)
    assert registry.discover_plugins() == 1
    assert registry.get("from_env")("e") == "from_env:e"


def test_discover_templates_takes_a_module_name_or_a_directory(
    tmp_path: Path, forget_modules: list[str]
) -> None:
    module = unique("wumbo_plugin_dir")
    forget_modules.append(module)
    name = unique("dir_plugin")
    write_module(tmp_path, module, "FromDir", name)
    try:
        assert discover_templates(tmp_path) == 1
        assert get_registry().get(name)("d") == f"{name}:d"
    finally:
        get_registry().unregister(name)
    assert discover_templates("no_such_plugin_module") == 0


def test_a_plugin_file_whose_name_is_taken_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "json.py").write_text(PLUGIN_SOURCE.format(cls="Json", name="json_plugin"))
    registry = TemplateRegistry(isolated=True)
    registry.add_plugin_path(tmp_path)
    assert registry.load_plugins() == 0  # 'json' is the standard library's module
    assert "json_plugin" not in registry
