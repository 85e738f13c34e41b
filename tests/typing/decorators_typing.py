"""The decorators keep the stage's types: correct and incorrect uses, for mypy AND pyright."""

from __future__ import annotations

from typing import assert_type

from wumbo import Result, StageError, Template, template
from wumbo.decorators import (
    CacheStats,
    CircuitBreaker,
    CircuitState,
    cache,
    cache_of,
    fallback_to,
    recover,
    retry,
    timeout,
)

from _stages import ErrA, ErrB, check_a, double, fetch, fetch_checked, parse, show

parse_t = template(parse)
breaker = CircuitBreaker(failure_threshold=3)


@retry(attempts=3)
def decorated_parse(text: str) -> int:
    return int(text)


@cache(maxsize=10)
async def decorated_fetch(n: int) -> str:
    return str(n)


def parse_or_zero(text: str, error: object) -> int:
    return 0


async def async_default(text: str, error: object) -> int:
    return -1


def checked_default(text: str, error: object) -> Result[int, ErrB]:
    raise NotImplementedError


def zero(text: str) -> int:
    return 0


# -- each decorator keeps plain, Result-returning, async and Template stages' types ---------

assert_type(decorated_parse, Template[str, int])
assert_type(decorated_fetch, Template[int, str])
assert_type(retry(attempts=2)(parse), Template[str, int])
assert_type(retry()(check_a), Template[int, int, ErrA])
assert_type(retry()(fetch), Template[int, str])
assert_type(retry()(fetch_checked), Template[int, str, ErrB])
assert_type(retry()(parse_t | double), Template[str, int])
assert_type(cache()(parse), Template[str, int])
assert_type(cache(ttl=5.0)(check_a), Template[int, int, ErrA])
assert_type(timeout(1.0)(fetch), Template[int, str])
assert_type(timeout(1.0)(parse_t), Template[str, int])
assert_type(breaker(parse), Template[str, int])
assert_type(breaker(fetch_checked), Template[int, str, ErrB])
assert_type(breaker(parse_t | check_a), Template[str, int, ErrA])

# -- inline in a pipeline, and stacked ------------------------------------------------------

assert_type(parse_t | retry(attempts=3)(double) | show, Template[str, str])
assert_type(parse_t | timeout(2.0)(retry()(cache()(check_a))), Template[str, int, ErrA])
assert_type(breaker(retry()(fetch)), Template[int, str])
assert_type((parse_t | cache()(check_a))("1"), Result[int, ErrA | StageError])

# -- fallback_to and recover: the primary's value or the fallback's ------------------------

assert_type(fallback_to(zero)(parse), Template[str, int])
assert_type(fallback_to(show)(fetch), Template[int, str])
assert_type(fallback_to(zero)(parse_t), Template[str, int])
assert_type(recover(parse_or_zero)(parse), Template[str, int])
assert_type(recover(async_default)(parse), Template[str, int])
assert_type(recover(checked_default)(parse), Template[str, int, ErrB])
assert_type(fallback_to(show)(double), Template[int, int | str])

# -- handles ---------------------------------------------------------------------------------

assert_type(cache_of(cache()(parse)).stats(), CacheStats)
assert_type(breaker.state, CircuitState)

# -- incorrect uses --------------------------------------------------------------------------

bad_retried: object = parse_t | decorated_parse  # type: ignore[operator]
bad_cached: object = retry()(show) | double  # type: ignore[operator]
bad_timeout: object = timeout("1s")  # type: ignore[arg-type]
bad_attempts: object = retry(attempts="3")  # type: ignore[arg-type]
bad_maxsize: object = cache(maxsize=1.5)  # type: ignore[arg-type]
bad_key: object = cache(key=list)  # type: ignore[arg-type]
bad_fallback: object = fallback_to(show)(parse)  # type: ignore[arg-type]
bad_recover: object = recover(parse_or_zero)(double)  # type: ignore[arg-type]
bad_threshold: object = CircuitBreaker(failure_threshold=None)  # type: ignore[arg-type]
