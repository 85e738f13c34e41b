"""``toolz.curried``: every toolz function, curried. Not described by these stubs: its names
are ``Any`` (an incomplete stub), so code using it still type-checks, without help. Curry a
typed function yourself with ``toolz.curry`` to keep its types.
"""

from typing import Any

def __getattr__(name: str) -> Any: ...  # pyright: ignore[reportIncompleteStub]
