"""The one place wumbo uses ``returns``' private parts, checked when it is imported.

The compiled call paths (`wumbo.core.compile`) build ``Success`` and ``Failure`` without
their constructors' call chains and read a ``Success``'s value from its slot: on a hot path
that is most of the cost. Those are ``returns`` internals (the ``_inner_value`` slot, the
``_trace`` slot and the untraced ``_get_trace``), so this module checks, at import, that
containers built the fast way equal containers built by the public constructors. When a
``returns`` release changes its internals the check fails and `FAST` is ``False``: every
path then uses the public constructors and ``unwrap()``, slower but correct.

Examples:
    >>> from returns.result import Failure, Success
    >>> new_success(1) == Success(1), new_failure(KeyError("k")).failure().args
    (True, ('k',))
    >>> FAST
    True
"""

from __future__ import annotations

from typing import Any, Final

from returns.result import Failure, Result, Success

__all__ = ["FAST", "VALUE_OF_SUCCESS", "new_failure", "new_success", "set_inner"]


def _public_success(value: Any) -> Success[Any]:
    return Success(value)


def _public_failure(error: Any) -> Failure[Any]:
    return Failure(error)


try:
    from returns.primitives.container import BaseContainer

    set_inner: Any = BaseContainer.__dict__["_inner_value"].__set__
    _set_trace = Result.__dict__["_trace"].__set__
    _untraced: object = getattr(Failure, "_get_trace")  # noqa: B009 (private)
except (ImportError, KeyError, AttributeError):  # the internals moved: use the public API
    set_inner = None


def _fast_success(value: Any) -> Success[Any]:
    container: Any = object.__new__(Success)  # pyright: ignore[reportUnknownVariableType]
    set_inner(container, value)
    return container  # type: ignore[no-any-return]


def _fast_failure(error: Any) -> Failure[Any]:
    container: Any = object.__new__(Failure)  # pyright: ignore[reportUnknownVariableType]
    set_inner(container, error)
    traced = getattr(Failure, "_get_trace") is not _untraced  # noqa: B009 (collect_traces patches it)
    _set_trace(container, container._get_trace() if traced else None)
    return container  # type: ignore[no-any-return]


def _works() -> bool:
    """Fast containers behave exactly like the public constructors' (value, equality, repr)."""
    if set_inner is None:
        return False
    try:
        marker = object()
        fast_ok, public_ok = _fast_success(marker), Success(marker)
        error = ValueError("x")
        fast_bad, public_bad = _fast_failure(error), Failure(error)
        return (
            fast_ok == public_ok
            and fast_ok.unwrap() is marker
            and getattr(fast_ok, "_inner_value", None) is marker
            and repr(fast_ok) == repr(public_ok)
            and fast_bad == public_bad
            and fast_bad.failure() is error
            and repr(fast_bad) == repr(public_bad)
            and fast_bad.trace == public_bad.trace
        )
    except Exception:
        return False


FAST: Final = _works()
"""``True`` when ``returns``' internals are as this module expects (checked at import)."""

new_success = _fast_success if FAST else _public_success
"""``Success(value)``, built without the constructor's call chain when that is safe."""

new_failure = _fast_failure if FAST else _public_failure
"""``Failure(error)``, built without the constructor's call chain when that is safe."""

VALUE_OF_SUCCESS: Final = "._inner_value" if FAST else ".unwrap()"
"""How generated code reads a ``Success``'s value: ``r`` + this."""
