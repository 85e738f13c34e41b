"""Decorators are higher-order functions: each turns a stage into a Template with a behaviour.

``cache``, ``retry``, ``timeout``, ``CircuitBreaker``, ``fallback_to``, ``recover``,
``trace``, ``metrics`` and ``sandbox`` work on a plain function or a Template, sync or async;
they are used as ``@retry(attempts=3)`` or inline
(``validate | retry(attempts=3)(fetch) | aggregate``), keep the stage's types, and compose in
any order. ``wumbo_testing_mode`` makes them fast and deterministic in test suites.

Examples:
    >>> from wumbo import template
    >>> from wumbo.decorators import cache, retry, timeout
    >>> fetch = timeout(1.0)(retry(attempts=2, delay=0)(cache()(str.upper)))
    >>> (template(str.strip) | fetch).run("  ok ")
    'OK'
    >>> fetch
    <Template timeout(retry(cache(upper)))>
"""

from wumbo.decorators._wrap import ErrorSpec
from wumbo.decorators.attempt import attempt, current_attempt
from wumbo.decorators.breaker import CircuitBreaker, CircuitOpen, CircuitState
from wumbo.decorators.cache import AsyncCachedStage, CachedStage, CacheStats, cache, cache_of
from wumbo.decorators.fallback import FallbackFactory, fallback_to, recover
from wumbo.decorators.metrics import (
    DEFAULT_COLLECTOR,
    MetricsCollector,
    StageStats,
    metrics,
    register_prometheus,
)
from wumbo.decorators.observers import (
    Observer,
    StageInfo,
    add_observer,
    global_observers,
    observing,
    remove_observer,
)
from wumbo.decorators.retry import RetryEvent, RetryPolicy, retry
from wumbo.decorators.sandbox import MiB, SandboxError, SandboxLimits, SandboxReason, sandbox
from wumbo.decorators.testing import TestingSettings, in_testing_mode, wumbo_testing_mode
from wumbo.decorators.timeout import StageTimeout, timeout
from wumbo.decorators.trace import trace

__all__ = [
    "DEFAULT_COLLECTOR",
    "AsyncCachedStage",
    "CacheStats",
    "CachedStage",
    "CircuitBreaker",
    "CircuitOpen",
    "CircuitState",
    "ErrorSpec",
    "FallbackFactory",
    "MetricsCollector",
    "MiB",
    "Observer",
    "RetryEvent",
    "RetryPolicy",
    "SandboxError",
    "SandboxLimits",
    "SandboxReason",
    "StageInfo",
    "StageStats",
    "StageTimeout",
    "TestingSettings",
    "add_observer",
    "attempt",
    "cache",
    "cache_of",
    "current_attempt",
    "fallback_to",
    "global_observers",
    "in_testing_mode",
    "metrics",
    "observing",
    "recover",
    "register_prometheus",
    "remove_observer",
    "retry",
    "sandbox",
    "timeout",
    "trace",
    "wumbo_testing_mode",
]
