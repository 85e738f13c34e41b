"""The framework's old root names: one source (``wumbo.framework.__all__``), checked here."""

from __future__ import annotations

import wumbo
import wumbo.framework
from wumbo._wiring import FRAMEWORK_NAMES

#: Names of ``wumbo.framework.__all__`` that ``wumbo`` does not serve from the framework: the
#: root has its own (``template`` is the core decorator, ``MetricsCollector`` the decorators').
ROOT_OWN = {"template", "MetricsCollector"}


def test_the_root_serves_every_framework_name_it_does_not_define_itself() -> None:
    assert set(wumbo.__all__) >= ROOT_OWN
    assert set(FRAMEWORK_NAMES) == set(wumbo.framework.__all__) - ROOT_OWN
    assert set(FRAMEWORK_NAMES.values()) == {"wumbo.framework"}
    for name in FRAMEWORK_NAMES:
        assert getattr(wumbo, name) is getattr(wumbo.framework, name), name
