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

from typing import TYPE_CHECKING

from wumbo._lazy import lazy_attributes

if TYPE_CHECKING:
    from wumbo.decorators._wrap import ErrorSpec as ErrorSpec
    from wumbo.decorators.attempt import attempt as attempt
    from wumbo.decorators.attempt import current_attempt as current_attempt
    from wumbo.decorators.breaker import BreakerOptions as BreakerOptions
    from wumbo.decorators.breaker import CircuitBreaker as CircuitBreaker
    from wumbo.decorators.breaker import CircuitOpen as CircuitOpen
    from wumbo.decorators.breaker import CircuitState as CircuitState
    from wumbo.decorators.cache import AsyncCachedStage as AsyncCachedStage
    from wumbo.decorators.cache import CachedStage as CachedStage
    from wumbo.decorators.cache import CacheOptions as CacheOptions
    from wumbo.decorators.cache import CacheStats as CacheStats
    from wumbo.decorators.cache import cache as cache
    from wumbo.decorators.cache import cache_of as cache_of
    from wumbo.decorators.fallback import FallbackFactory as FallbackFactory
    from wumbo.decorators.fallback import fallback_to as fallback_to
    from wumbo.decorators.fallback import recover as recover
    from wumbo.decorators.metrics import DEFAULT_COLLECTOR as DEFAULT_COLLECTOR
    from wumbo.decorators.metrics import MetricsCollector as MetricsCollector
    from wumbo.decorators.metrics import MetricsOptions as MetricsOptions
    from wumbo.decorators.metrics import StageStats as StageStats
    from wumbo.decorators.metrics import metrics as metrics
    from wumbo.decorators.metrics import register_prometheus as register_prometheus
    from wumbo.decorators.observers import Event as Event
    from wumbo.decorators.observers import Hook as Hook
    from wumbo.decorators.observers import Hooks as Hooks
    from wumbo.decorators.observers import Observer as Observer
    from wumbo.decorators.observers import StageInfo as StageInfo
    from wumbo.decorators.observers import add_observer as add_observer
    from wumbo.decorators.observers import global_observers as global_observers
    from wumbo.decorators.observers import observing as observing
    from wumbo.decorators.observers import remove_observer as remove_observer
    from wumbo.decorators.retry import RetryEvent as RetryEvent
    from wumbo.decorators.retry import RetryPolicy as RetryPolicy
    from wumbo.decorators.retry import retry as retry
    from wumbo.decorators.sandbox import MiB as MiB
    from wumbo.decorators.sandbox import SandboxError as SandboxError
    from wumbo.decorators.sandbox import SandboxLimits as SandboxLimits
    from wumbo.decorators.sandbox import SandboxOptions as SandboxOptions
    from wumbo.decorators.sandbox import SandboxReason as SandboxReason
    from wumbo.decorators.sandbox import sandbox as sandbox
    from wumbo.decorators.sandbox import sandbox_capabilities as sandbox_capabilities
    from wumbo.decorators.testing import TestingSettings as TestingSettings
    from wumbo.decorators.testing import in_testing_mode as in_testing_mode
    from wumbo.decorators.testing import wumbo_testing_mode as wumbo_testing_mode
    from wumbo.decorators.timeout import StageTimeout as StageTimeout
    from wumbo.decorators.timeout import TimeoutOptions as TimeoutOptions
    from wumbo.decorators.timeout import timeout as timeout
    from wumbo.decorators.trace import TraceOptions as TraceOptions
    from wumbo.decorators.trace import trace as trace
else:  # each decorator's module loads the first time one of its names is used
    __getattr__, __dir__ = lazy_attributes(
        __name__,
        {
            "ErrorSpec": "wumbo.decorators._wrap",
            "attempt": "wumbo.decorators.attempt",
            "current_attempt": "wumbo.decorators.attempt",
            "BreakerOptions": "wumbo.decorators.breaker",
            "CircuitBreaker": "wumbo.decorators.breaker",
            "CircuitOpen": "wumbo.decorators.breaker",
            "CircuitState": "wumbo.decorators.breaker",
            "AsyncCachedStage": "wumbo.decorators.cache",
            "CacheStats": "wumbo.decorators.cache",
            "CacheOptions": "wumbo.decorators.cache",
            "CachedStage": "wumbo.decorators.cache",
            "cache": "wumbo.decorators.cache",
            "cache_of": "wumbo.decorators.cache",
            "FallbackFactory": "wumbo.decorators.fallback",
            "fallback_to": "wumbo.decorators.fallback",
            "recover": "wumbo.decorators.fallback",
            "DEFAULT_COLLECTOR": "wumbo.decorators.metrics",
            "MetricsCollector": "wumbo.decorators.metrics",
            "MetricsOptions": "wumbo.decorators.metrics",
            "StageStats": "wumbo.decorators.metrics",
            "metrics": "wumbo.decorators.metrics",
            "register_prometheus": "wumbo.decorators.metrics",
            "Event": "wumbo.decorators.observers",
            "Hook": "wumbo.decorators.observers",
            "Hooks": "wumbo.decorators.observers",
            "Observer": "wumbo.decorators.observers",
            "StageInfo": "wumbo.decorators.observers",
            "add_observer": "wumbo.decorators.observers",
            "global_observers": "wumbo.decorators.observers",
            "observing": "wumbo.decorators.observers",
            "remove_observer": "wumbo.decorators.observers",
            "RetryEvent": "wumbo.decorators.retry",
            "RetryPolicy": "wumbo.decorators.retry",
            "retry": "wumbo.decorators.retry",
            "MiB": "wumbo.decorators.sandbox",
            "SandboxError": "wumbo.decorators.sandbox",
            "SandboxLimits": "wumbo.decorators.sandbox",
            "SandboxOptions": "wumbo.decorators.sandbox",
            "SandboxReason": "wumbo.decorators.sandbox",
            "sandbox": "wumbo.decorators.sandbox",
            "sandbox_capabilities": "wumbo.decorators.sandbox",
            "TestingSettings": "wumbo.decorators.testing",
            "in_testing_mode": "wumbo.decorators.testing",
            "wumbo_testing_mode": "wumbo.decorators.testing",
            "StageTimeout": "wumbo.decorators.timeout",
            "TimeoutOptions": "wumbo.decorators.timeout",
            "timeout": "wumbo.decorators.timeout",
            "TraceOptions": "wumbo.decorators.trace",
            "trace": "wumbo.decorators.trace",
        },
    )

__all__ = [
    "DEFAULT_COLLECTOR",
    "AsyncCachedStage",
    "BreakerOptions",
    "CacheOptions",
    "CacheStats",
    "CachedStage",
    "CircuitBreaker",
    "CircuitOpen",
    "CircuitState",
    "ErrorSpec",
    "Event",
    "FallbackFactory",
    "Hook",
    "Hooks",
    "MetricsCollector",
    "MetricsOptions",
    "MiB",
    "Observer",
    "RetryEvent",
    "RetryPolicy",
    "SandboxError",
    "SandboxLimits",
    "SandboxOptions",
    "SandboxReason",
    "StageInfo",
    "StageStats",
    "StageTimeout",
    "TestingSettings",
    "TimeoutOptions",
    "TraceOptions",
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
    "sandbox_capabilities",
    "timeout",
    "trace",
    "wumbo_testing_mode",
]
