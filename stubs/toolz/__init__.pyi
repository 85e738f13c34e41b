"""Type stubs for toolz: the functions wumbo uses or re-exports, typed as far as is honest.

Only part of toolz is described here; every other name resolves to ``Any`` through the module
``__getattr__`` (the usual marker of an incomplete stub), so code using the rest of toolz still
type-checks, without help. See ``functoolz.pyi`` for how ``curry`` is typed.
"""

from typing import Any

from . import dicttoolz as dicttoolz, functoolz as functoolz, itertoolz as itertoolz
from .dicttoolz import merge as merge
from .functoolz import (
    compose as compose,
    compose_left as compose_left,
    curry as curry,
    identity as identity,
    juxt as juxt,
    pipe as pipe,
)
from .itertoolz import (
    concat as concat,
    first as first,
    frequencies as frequencies,
    groupby as groupby,
    last as last,
    partition_all as partition_all,
    reduceby as reduceby,
)

comp = compose

# pyright (strict) reports this marker as reportIncompleteStub: it is meant.
def __getattr__(name: str) -> Any: ...  # pyright: ignore[reportIncompleteStub]
