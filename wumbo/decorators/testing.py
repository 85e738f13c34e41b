"""The global testing mode: fast, deterministic decorators for users' own test suites.

Inside ``with wumbo_testing_mode():`` ``retry`` does not sleep between attempts and draws its jitter
from a seeded generator (the same delays on every run, reported to ``on_retry``), ``cache``
is bypassed (every call runs the stage; nothing is stored or counted), and ``sandbox`` runs its
stage in the caller's process (no sandbox process, no limits). It is a process-wide
switch, so it also holds in worker threads and event loops the code under test starts; the
decorators read it at call time, on paths where it costs nothing measurable.

Enable it for a whole pytest suite with an autouse fixture in ``conftest.py``::

    @pytest.fixture(autouse=True)
    def _fast_wumbo_decorators():
        with wumbo_testing_mode():
            yield

Examples:
    >>> in_testing_mode()
    False
    >>> with wumbo_testing_mode(seed=7):
    ...     in_testing_mode(), current_settings().seed
    (True, 7)
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["TestingSettings", "current_settings", "in_testing_mode", "wumbo_testing_mode"]


@dataclass(frozen=True, slots=True)
class TestingSettings:
    """What the testing mode changes; ``enabled`` is False outside it.

    Examples:
        >>> TestingSettings().enabled
        False
    """

    __test__ = False  # not a pytest test class, despite its name

    enabled: bool = False
    seed: int = 0
    """Seeds retry's jitter: the delay of attempt ``n`` depends only on ``seed`` and ``n``."""
    bypass_cache: bool = False
    """Cached stages run their stage on every call."""
    bypass_sandbox: bool = False
    """Sandboxed stages run in the caller's process: no sandbox process is started."""


_OFF = TestingSettings()


class _Switch:
    """The process-wide current settings (one attribute read on the decorators' paths)."""

    __slots__ = ("settings",)

    def __init__(self) -> None:
        self.settings = _OFF


SWITCH = _Switch()
"""Read by the decorators at call time: ``SWITCH.settings``."""


def current_settings() -> TestingSettings:
    """The settings in force now.

    Examples:
        >>> current_settings().bypass_cache
        False
    """
    return SWITCH.settings


def in_testing_mode() -> bool:
    """True inside [`wumbo_testing_mode`][wumbo.decorators.testing.wumbo_testing_mode].

    Examples:
        >>> with wumbo_testing_mode():
        ...     in_testing_mode()
        True
    """
    return SWITCH.settings.enabled


@contextmanager
def wumbo_testing_mode(
    *, seed: int = 0, bypass_cache: bool = True, bypass_sandbox: bool = True
) -> Generator[TestingSettings, None, None]:
    """Switch the testing mode on for the block (restoring the previous settings after it).

    ``seed`` fixes retry's jitter; ``bypass_cache=False`` keeps caches working (for tests of
    caching itself); ``bypass_sandbox=False`` keeps sandboxed stages in their own processes,
    with their limits (for tests of limits, or that a stage pickles). Sleeps between retries
    are always skipped. Blocks nest.

    Examples:
        >>> with wumbo_testing_mode(bypass_cache=False) as settings:
        ...     settings.enabled, settings.bypass_cache
        (True, False)
        >>> in_testing_mode()
        False
    """
    previous = SWITCH.settings
    SWITCH.settings = TestingSettings(
        enabled=True, seed=seed, bypass_cache=bypass_cache, bypass_sandbox=bypass_sandbox
    )
    try:
        yield SWITCH.settings
    finally:
        SWITCH.settings = previous
