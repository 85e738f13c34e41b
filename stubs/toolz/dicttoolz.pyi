"""Type stubs for the parts of ``toolz.dicttoolz`` that wumbo uses or re-exports."""

from collections.abc import Callable, Iterable, Mapping, MutableMapping
from typing import Any, TypeVar, overload

__all__ = ("merge",)

_K = TypeVar("_K")
_V = TypeVar("_V")

# Later mappings win. ``merge(d1, d2)`` or ``merge([d1, d2])``; ``factory`` makes the result.
@overload
def merge(*dicts: Mapping[_K, _V]) -> dict[_K, _V]: ...
@overload
def merge(dicts: Iterable[Mapping[_K, _V]], /) -> dict[_K, _V]: ...
@overload
def merge(
    *dicts: Mapping[_K, _V], factory: Callable[[], MutableMapping[_K, _V]]
) -> MutableMapping[_K, _V]: ...
@overload
def merge(
    dicts: Iterable[Mapping[_K, _V]], /, *, factory: Callable[[], MutableMapping[_K, _V]]
) -> MutableMapping[_K, _V]: ...

# The rest of this module is not described here: its names are Any (an incomplete stub).
def __getattr__(name: str) -> Any: ...  # pyright: ignore[reportIncompleteStub]
