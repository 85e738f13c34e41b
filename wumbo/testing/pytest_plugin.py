"""wumbo's pytest plugin, registered by the package (entry point ``pytest11``: ``wumbo``).

Installed with wumbo, it gives every test suite:

* the fixture ``wumbo_testing``: the test runs inside ``wumbo_testing_mode()`` (no sleeps
  between retries, seeded jitter, caches bypassed, sandboxed stages in the test's own process)
  and gets its ``TestingSettings``. Change them for one test with the marker
  ``@pytest.mark.wumbo_testing(seed=3, bypass_cache=False, bypass_sandbox=False)``, whose
  keywords are ``wumbo_testing_mode``'s; for a whole suite, put
  ``pytestmark = pytest.mark.usefixtures("wumbo_testing")`` in a module or an autouse fixture
  asking for it in ``conftest.py``.
* the marker ``wumbo_testing`` itself, registered (so ``--strict-markers`` accepts it).

The assertions (``assert_success``, ``assert_failure``) and the strategy ``inputs_of`` are
plain functions of ``wumbo.testing``, usable with or without pytest.

Examples:
    >>> with wumbo_testing_mode() as settings:
    ...     settings.bypass_sandbox
    True
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wumbo.decorators.testing import TestingSettings, wumbo_testing_mode

__all__ = ["pytest_configure", "wumbo_testing"]


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``wumbo_testing`` marker.

    Examples:
        >>> pytest_configure  # doctest: +ELLIPSIS
        <function pytest_configure at ...>
    """
    config.addinivalue_line(
        "markers",
        "wumbo_testing(seed=0, bypass_cache=True, bypass_sandbox=True): the settings of the "
        "wumbo_testing fixture for this test",
    )


@pytest.fixture
def wumbo_testing(request: pytest.FixtureRequest) -> Iterator[TestingSettings]:
    """Run the test in wumbo's testing mode; yield its settings.

    Keywords of a ``@pytest.mark.wumbo_testing(...)`` marker on the test (or its class or
    module) are passed to ``wumbo_testing_mode``; the closest marker wins.

    Examples:
        >>> wumbo_testing.__doc__ is not None
        True
    """
    marker = request.node.get_closest_marker("wumbo_testing")
    options = dict(marker.kwargs) if marker is not None else {}
    if marker is not None and marker.args:
        raise TypeError(
            "@pytest.mark.wumbo_testing takes keywords only "
            "(seed=..., bypass_cache=..., bypass_sandbox=...), "
            f"got positional arguments {marker.args!r}"
        )
    try:
        mode = wumbo_testing_mode(**options)
    except TypeError as error:
        raise TypeError(
            f"@pytest.mark.wumbo_testing: {error}; its keywords are seed, bypass_cache "
            "and bypass_sandbox"
        ) from None
    with mode as settings:
        yield settings
