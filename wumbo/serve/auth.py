"""Bearer tokens -> who is asking: a [`UserContext`][wumbo.framework.access.UserContext] with the token's roles.

Tokens are kept only as SHA-256 digests, so neither a memory dump nor a log line holds one;
the user id of a token is ``token:`` and the first 8 hex digits of its digest. Whether that user
may use a template is then up to the registry's access control (see `wumbo.serve.catalog`).

Examples:
    >>> tokens = TokenTable({"s3cret": frozenset({"ops"})})
    >>> user = tokens.authenticate("Bearer s3cret")
    >>> user.roles, user.user_id.startswith("token:")
    (frozenset({'ops'}), True)
    >>> tokens.authenticate(None)
    Traceback (most recent call last):
    ...
    wumbo.serve.errors.ServeError: this server needs a bearer token: send the header 'Authorization: Bearer <token>'
    >>> TokenTable({}).authenticate(None) is None  # no tokens: no authentication
    True
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from wumbo.framework import UserContext
from wumbo.serve.errors import ServeError

__all__ = ["TokenTable"]

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="wumbo"'}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenTable:
    """The tokens a server accepts and the roles each one carries.

    Examples:
        >>> table = TokenTable({"a": frozenset({"x"}), "b": frozenset({"y"})})
        >>> table.enabled, len(table)
        (True, 2)
        >>> table.authenticate("Bearer nope")
        Traceback (most recent call last):
        ...
        wumbo.serve.errors.ServeError: the bearer token is not valid
    """

    def __init__(self, tokens: Mapping[str, frozenset[str]]) -> None:
        digests = ((_digest(token), roles) for token, roles in tokens.items())
        self._users = {
            digest: UserContext(f"token:{digest[:8]}", roles) for digest, roles in digests
        }

    def __len__(self) -> int:
        return len(self._users)

    @property
    def enabled(self) -> bool:
        """True when tokens are configured (requests must then carry one)."""
        return bool(self._users)

    def authenticate(self, authorization: str | None) -> UserContext | None:
        """The user of an ``Authorization`` header's bearer token; ``None`` when authentication
        is off; a 401 [`ServeError`][wumbo.serve.errors.ServeError] when the token is missing or
        unknown.

        Examples:
            >>> TokenTable({"a": frozenset({"x"})}).authenticate("Basic YTpi")
            Traceback (most recent call last):
            ...
            wumbo.serve.errors.ServeError: expected 'Authorization: Bearer <token>', got a 'Basic' credential
        """
        if not self._users:
            return None
        if authorization is None or not authorization.strip():
            raise ServeError(
                401,
                "unauthenticated",
                "this server needs a bearer token: send the header 'Authorization: Bearer <token>'",
                headers=_CHALLENGE,
            )
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            shown = "an empty bearer" if scheme.lower() == "bearer" else f"a {scheme[:20]!r}"
            raise ServeError(
                401,
                "unauthenticated",
                f"expected 'Authorization: Bearer <token>', got {shown} credential",
                headers=_CHALLENGE,
            )
        user = self._users.get(_digest(token.strip()))
        if user is None:
            raise ServeError(
                401, "unauthenticated", "the bearer token is not valid", headers=_CHALLENGE
            )
        return user
