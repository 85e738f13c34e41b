"""Type stubs for the parts of ``toolz.itertoolz`` that wumbo uses or re-exports."""

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, overload

__all__ = ("concat", "first", "frequencies", "groupby", "last", "partition_all", "reduceby")

_T = TypeVar("_T")
_K = TypeVar("_K")
_R = TypeVar("_R")

def first(seq: Iterable[_T], /) -> _T: ...
def last(seq: Iterable[_T], /) -> _T: ...
def concat(seqs: Iterable[Iterable[_T]], /) -> Iterator[_T]: ...
def frequencies(seq: Iterable[_T], /) -> dict[_T, int]: ...
def partition_all(n: int, seq: Iterable[_T], /) -> Iterator[tuple[_T, ...]]: ...

# A key that is not callable is looked up in each item (``item[key]``, or a tuple of lookups
# for a list of keys): the group keys are then untyped.
_Lookup = int | str | list[Any]

@overload
def groupby(key: Callable[[_T], _K], seq: Iterable[_T], /) -> dict[_K, list[_T]]: ...
@overload
def groupby(key: _Lookup, seq: Iterable[_T], /) -> dict[Any, list[_T]]: ...

# Without ``init`` the first item of each group starts its fold; ``init`` is the start value,
# or a function called (with no arguments) for a fresh one per group.
@overload
def reduceby(
    key: Callable[[_T], _K], binop: Callable[[_T, _T], _T], seq: Iterable[_T], /
) -> dict[_K, _T]: ...
@overload
def reduceby(
    key: Callable[[_T], _K],
    binop: Callable[[_R, _T], _R],
    seq: Iterable[_T],
    init: Callable[[], _R],
    /,
) -> dict[_K, _R]: ...
@overload
def reduceby(
    key: Callable[[_T], _K], binop: Callable[[_R, _T], _R], seq: Iterable[_T], init: _R, /
) -> dict[_K, _R]: ...
@overload
def reduceby(
    key: _Lookup, binop: Callable[[_T, _T], _T], seq: Iterable[_T], /
) -> dict[Any, _T]: ...
@overload
def reduceby(
    key: _Lookup, binop: Callable[[_R, _T], _R], seq: Iterable[_T], init: Callable[[], _R], /
) -> dict[Any, _R]: ...
@overload
def reduceby(
    key: _Lookup, binop: Callable[[_R, _T], _R], seq: Iterable[_T], init: _R, /
) -> dict[Any, _R]: ...

# The rest of this module is not described here: its names are Any (an incomplete stub).
def __getattr__(name: str) -> Any: ...  # pyright: ignore[reportIncompleteStub]
