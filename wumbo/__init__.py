"""wumbo: typed pipelines of plain functions, composed with ``|``, on a Result railway.

The root offers the core (templates, ``|``, Results, combinators), the runtime's failures and
the decorators. Only the core loads with ``import wumbo``; the runtime, the decorators and
everything else load the first time one of their names is used. The class-based framework of
the original "Wumbo Framework" lives in `wumbo.framework` (its old root names still work).

Examples:
    >>> from wumbo import template
    >>> @template
    ... def parse(text: str) -> int:
    ...     return int(text)
    >>> (parse | (lambda n: n * 2))("21")
    <Success: 42>
"""

from typing import TYPE_CHECKING

from wumbo import _wiring
from wumbo._lazy import lazy_attributes
from wumbo.core.combinators import (
    batch,
    branch,
    expect,
    fallback,
    fan_out,
    filter_items,
    map_items,
    reduce_items,
    tap,
)
from wumbo.core.curry import curry
from wumbo.core.many import Progress, ResultStream
from wumbo.core.pipe import pipe, pipe_all
from wumbo.core.result import Failure, Result, StageError, Success, UnwrapFailedError
from wumbo.core.template import Template, TemplateFactory, template

if TYPE_CHECKING:
    from wumbo.decorators.breaker import CircuitBreaker as CircuitBreaker
    from wumbo.decorators.breaker import CircuitOpen as CircuitOpen
    from wumbo.decorators.breaker import CircuitState as CircuitState
    from wumbo.decorators.cache import CacheStats as CacheStats
    from wumbo.decorators.cache import cache as cache
    from wumbo.decorators.cache import cache_of as cache_of
    from wumbo.decorators.fallback import fallback_to as fallback_to
    from wumbo.decorators.fallback import recover as recover
    from wumbo.decorators.metrics import MetricsCollector as MetricsCollector
    from wumbo.decorators.metrics import metrics as metrics
    from wumbo.decorators.retry import RetryEvent as RetryEvent
    from wumbo.decorators.retry import retry as retry
    from wumbo.decorators.sandbox import SandboxError as SandboxError
    from wumbo.decorators.sandbox import SandboxLimits as SandboxLimits
    from wumbo.decorators.sandbox import sandbox as sandbox
    from wumbo.decorators.timeout import StageTimeout as StageTimeout
    from wumbo.decorators.timeout import timeout as timeout
    from wumbo.decorators.trace import trace as trace
    from wumbo.runtime.errors import ExecutorError as ExecutorError
    from wumbo.runtime.errors import ItemTimeout as ItemTimeout
    from wumbo.runtime.errors import WorkerLost as WorkerLost

    __version__: str

_LAZY = {
    "CircuitBreaker": "wumbo.decorators.breaker",
    "CircuitOpen": "wumbo.decorators.breaker",
    "CircuitState": "wumbo.decorators.breaker",
    "CacheStats": "wumbo.decorators.cache",
    "cache": "wumbo.decorators.cache",
    "cache_of": "wumbo.decorators.cache",
    "fallback_to": "wumbo.decorators.fallback",
    "recover": "wumbo.decorators.fallback",
    "MetricsCollector": "wumbo.decorators.metrics",
    "metrics": "wumbo.decorators.metrics",
    "RetryEvent": "wumbo.decorators.retry",
    "retry": "wumbo.decorators.retry",
    "SandboxError": "wumbo.decorators.sandbox",
    "SandboxLimits": "wumbo.decorators.sandbox",
    "sandbox": "wumbo.decorators.sandbox",
    "StageTimeout": "wumbo.decorators.timeout",
    "timeout": "wumbo.decorators.timeout",
    "trace": "wumbo.decorators.trace",
    "ExecutorError": "wumbo.runtime.errors",
    "ItemTimeout": "wumbo.runtime.errors",
    "WorkerLost": "wumbo.runtime.errors",
    "__version__": "wumbo._version",
}
"""The root names that load on first use, each with the module that defines it."""

if not TYPE_CHECKING:  # checkers see only __all__: the framework's old root names are not API
    __getattr__, __dir__ = lazy_attributes(__name__, {**_wiring.FRAMEWORK_NAMES, **_LAZY})

_wiring.install()

__all__ = [
    "CacheStats",
    "CircuitBreaker",
    "CircuitOpen",
    "CircuitState",
    "ExecutorError",
    "Failure",
    "ItemTimeout",
    "MetricsCollector",
    "Progress",
    "Result",
    "ResultStream",
    "RetryEvent",
    "SandboxError",
    "SandboxLimits",
    "StageError",
    "StageTimeout",
    "Success",
    "Template",
    "TemplateFactory",
    "UnwrapFailedError",
    "WorkerLost",
    "batch",
    "branch",
    "cache",
    "cache_of",
    "curry",
    "expect",
    "fallback",
    "fallback_to",
    "fan_out",
    "filter_items",
    "map_items",
    "metrics",
    "pipe",
    "pipe_all",
    "recover",
    "reduce_items",
    "retry",
    "sandbox",
    "tap",
    "template",
    "timeout",
    "trace",
]
