"""Type stubs for toolz: the functions wumbo uses or re-exports, typed as far as is honest.

Only part of toolz is described here; every other name resolves to ``Any`` through the module
``__getattr__`` (the usual marker of an incomplete stub), so code using the rest of toolz still
type-checks, without help. See ``functoolz.pyi`` for how ``curry`` is typed.
"""

from typing import Any

from . import dicttoolz as dicttoolz
from . import functoolz as functoolz
from . import itertoolz as itertoolz
from .dicttoolz import merge as merge
from .functoolz import (
    compose as compose,
)
from .functoolz import (
    compose_left as compose_left,
)
from .functoolz import (
    curry as curry,
)
from .functoolz import (
    identity as identity,
)
from .functoolz import (
    juxt as juxt,
)
from .functoolz import (
    pipe as pipe,
)
from .itertoolz import (
    concat as concat,
)
from .itertoolz import (
    first as first,
)
from .itertoolz import (
    frequencies as frequencies,
)
from .itertoolz import (
    groupby as groupby,
)
from .itertoolz import (
    last as last,
)
from .itertoolz import (
    partition_all as partition_all,
)
from .itertoolz import (
    reduceby as reduceby,
)

comp = compose

# pyright (strict) reports this marker as reportIncompleteStub: it is meant.
def __getattr__(name: str) -> Any: ...  # pyright: ignore[reportIncompleteStub]
