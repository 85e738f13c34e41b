"""The public root: at most 45 names, explicit re-exports, light to import, old names kept."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import wumbo
import wumbo.decorators
import wumbo.runtime

PACKAGE = Path(wumbo.__file__).parent

#: What ``import wumbo`` may load beyond the standard library's always-loaded core: wumbo's
#: core and the libraries it is built on. Anything else loads on first use.
ALLOWED_WUMBO_MODULES = {
    "wumbo",
    "wumbo._lazy",
    "wumbo._wiring",
    "wumbo.core",
    "wumbo.core._returns_internals",
    "wumbo.core.bridge",
    "wumbo.core.checking",
    "wumbo.core.combinators",
    "wumbo.core.compile",
    "wumbo.core.curry",
    "wumbo.core.effects",
    "wumbo.core.effects_compile",
    "wumbo.core.interpret",
    "wumbo.core.many",
    "wumbo.core.pipe",
    "wumbo.core.result",
    "wumbo.core.stage",
    "wumbo.core.steps",
    "wumbo.core.template",
    "wumbo.core.validate",
}
FORBIDDEN_AT_IMPORT = {
    "subprocess",
    "multiprocessing",
    "importlib.metadata",
    "logging",
    "asyncio",
    "concurrent.futures.process",
    "beartype",
    "distributed",
    "rich",
    "starlette",
    "httpx",
    "opentelemetry",
    "anyio.from_thread",
    "anyio.to_thread",
}


def _loaded_by(statement: str) -> list[str]:
    code = f"import sys; before = set(sys.modules); {statement}; import json; " + (
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return list(json.loads(done.stdout.splitlines()[-1]))


def test_import_wumbo_loads_only_the_core_and_its_dependencies() -> None:
    loaded = set(_loaded_by("import wumbo")) - {"json"}
    assert {m for m in loaded if m.startswith("wumbo")} == ALLOWED_WUMBO_MODULES
    assert loaded & FORBIDDEN_AT_IMPORT == set()


def test_a_decorator_loads_its_own_module_only() -> None:
    loaded = set(_loaded_by("import wumbo; wumbo.retry"))
    assert "wumbo.decorators.retry" in loaded
    assert "wumbo.decorators.sandbox" not in loaded
    assert "subprocess" not in loaded
    assert "wumbo.framework" not in loaded


def test_the_root_offers_at_most_45_names_all_defined() -> None:
    assert len(wumbo.__all__) <= 45
    assert len(set(wumbo.__all__)) == len(wumbo.__all__)
    for name in wumbo.__all__:
        assert getattr(wumbo, name) is not None, name
    assert not set(wumbo.__all__) & set(wumbo._wiring.FRAMEWORK_NAMES)


def _type_checking_exports(module_file: Path) -> set[str]:
    tree = ast.parse(module_file.read_text())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom):
                    names.update(alias.asname or alias.name for alias in statement.names)
    return names


@pytest.mark.parametrize("package", [wumbo, wumbo.decorators, wumbo.runtime])
def test_lazy_names_are_the_names_checkers_see(package: object) -> None:
    """Every lazily served name is re-exported for type checkers, and resolves to that object."""
    module_file = Path(str(getattr(package, "__file__", "")))
    exports: dict[str, str] = dict(getattr(package, "_lazy_exports", {}))
    legacy = {*wumbo._wiring.FRAMEWORK_NAMES, "__version__"}  # served, but not re-exported
    served = set(exports) - legacy
    assert served == _type_checking_exports(module_file)
    for name in served:
        defining = importlib.import_module(exports[name])
        assert getattr(package, name) is getattr(defining, name)


def test_the_framework_s_old_root_names_still_work_but_are_not_api() -> None:
    from wumbo.framework import BaseTemplate, create_data_processor
    from wumbo.framework import wumbo as classic

    assert wumbo.BaseTemplate is BaseTemplate  # type: ignore[attr-defined]
    assert wumbo.create_data_processor is create_data_processor  # type: ignore[attr-defined]
    assert wumbo.wumbo is classic  # type: ignore[attr-defined]
    assert "BaseTemplate" not in wumbo.__all__
    assert "BaseTemplate" in dir(wumbo)


def test_an_unknown_root_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'wumbo' has no attribute 'tempalte'"):
        wumbo.tempalte  # type: ignore[attr-defined]


def test_one_version_from_package_metadata() -> None:
    from importlib.metadata import version

    import wumbo.framework

    assert wumbo.__version__ == version("wumbo")
    assert wumbo.framework.__version__ == wumbo.__version__
    assert wumbo.framework.get_framework_info()["version"] == wumbo.__version__


def test_a_submodule_named_like_its_decorator_does_not_shadow_it() -> None:
    """``wumbo.decorators.retry`` is a module and a decorator: the package keeps the decorator."""
    importlib.import_module("wumbo.decorators.retry")
    assert callable(wumbo.decorators.retry)
    assert wumbo.decorators.retry is wumbo.retry
