"""Role-based access to templates: ``SecureTemplateRegistry``, ``AccessController``,
``UserContext``.

Roles are granted per template (by canonical name; an alias resolves to it). A user may get a
template when they hold at least one of its roles; a template with no roles granted is denied
to everyone. Refusals raise [`PermissionDenied`][wumbo.framework.errors.PermissionDenied] (a ``PermissionError``).

Examples:
    >>> from wumbo.framework import (
    ...     AccessController, SecureTemplateRegistry, TransformTemplate, UserContext
    ... )
    >>> access = AccessController()
    >>> access.grant("transformer", "analyst")
    >>> registry = SecureTemplateRegistry(access)
    >>> registry.register(TransformTemplate, aliases=["tf"])
    >>> registry.get("tf", UserContext("ada", {"analyst"}), map_func=abs)(-1)
    [1]
    >>> registry.get("tf", UserContext("bob", {"intern"}))
    Traceback (most recent call last):
    ...
    wumbo.framework.errors.PermissionDenied: Access denied to template 'transformer' for user 'bob': needs one of the roles ['analyst'], user has ['intern']
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from wumbo.core.stage import describe
from wumbo.framework._checks import is_instance
from wumbo.framework.base import BaseTemplate
from wumbo.framework.errors import PermissionDenied
from wumbo.framework.registry import TemplateRegistry

__all__ = ["AccessController", "SecureTemplateRegistry", "UserContext"]


@dataclass(frozen=True)
class UserContext:
    """Who is asking: an id and the roles they hold.

    Examples:
        >>> UserContext("ada", {"admin"}).roles
        frozenset({'admin'})
    """

    user_id: str
    roles: frozenset[str] = field(default_factory=frozenset[str])

    def __init__(self, user_id: str, roles: Iterable[str] = ()) -> None:
        if isinstance(roles, str):
            raise TypeError(f"UserContext roles must be a collection of str, got {describe(roles)}")
        object.__setattr__(self, "user_id", user_id)
        object.__setattr__(self, "roles", frozenset(roles))


class AccessController:
    """Which roles may use which template (thread-safe).

    Examples:
        >>> access = AccessController()
        >>> access.grant("api_client", "ops", "admin")
        >>> access.can_access(UserContext("u", {"ops"}), "api_client")
        True
        >>> access.revoke("api_client", "ops")
        >>> access.roles_for("api_client")
        frozenset({'admin'})
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._roles: dict[str, frozenset[str]] = {}

    def grant(self, template_name: str, *roles: str) -> None:
        """Let users holding any of ``roles`` use ``template_name``."""
        if not roles or not all(is_instance(role, str) and role for role in roles):
            raise TypeError(f"grant expects one or more role names (str), got {roles!r}")
        with self._lock:
            self._roles[template_name] = self._roles.get(template_name, frozenset()) | set(roles)

    def revoke(self, template_name: str, *roles: str) -> None:
        """Take ``roles`` away from ``template_name`` (roles it did not have are ignored)."""
        with self._lock:
            remaining = self._roles.get(template_name, frozenset()) - set(roles)
            if remaining:
                self._roles[template_name] = remaining
            else:
                self._roles.pop(template_name, None)

    def roles_for(self, template_name: str) -> frozenset[str]:
        """The roles granted on ``template_name`` (empty: nobody may use it)."""
        with self._lock:
            return self._roles.get(template_name, frozenset())

    def can_access(self, user_context: UserContext, template_name: str) -> bool:
        """True when the user holds at least one role granted on the template."""
        return bool(user_context.roles & self.roles_for(template_name))


class SecureTemplateRegistry(TemplateRegistry):
    """A registry whose ``get`` and ``get_class`` need a [`UserContext`][wumbo.framework.access.UserContext] with a granted
    role. It is always a registry of its own (never the shared one).

    Examples:
        >>> registry = SecureTemplateRegistry(AccessController())
        >>> registry.get_class("anything")
        Traceback (most recent call last):
        ...
        wumbo.framework.errors.PermissionDenied: SecureTemplateRegistry.get_class('anything') needs a user_context=UserContext(...), got none
    """

    def __init__(self, access_control: AccessController, *, cache_size: int = 0) -> None:
        if not is_instance(access_control, AccessController):
            raise TypeError(
                f"SecureTemplateRegistry expects an AccessController, got {describe(access_control)}"
            )
        super().__init__(isolated=True, cache_size=cache_size)
        self.access_control = access_control

    def _authorized(self, call: str, name: str, user_context: UserContext | None) -> None:
        if user_context is None or not is_instance(user_context, UserContext):
            got = "none" if user_context is None else describe(user_context)
            raise PermissionDenied(
                f"SecureTemplateRegistry.{call}({name!r}) needs a "
                f"user_context=UserContext(...), got {got}"
            )
        canonical, _ = self._resolve(name)
        if not self.access_control.can_access(user_context, canonical):
            needed = sorted(self.access_control.roles_for(canonical))
            raise PermissionDenied(
                f"Access denied to template {canonical!r} for user {user_context.user_id!r}: "
                f"needs one of the roles {needed}, user has {sorted(user_context.roles)}"
            )

    def get(
        self, name: str, user_context: UserContext | None = None, **config: Any
    ) -> BaseTemplate[Any]:
        """The template, if ``user_context`` holds one of its roles; else ``PermissionDenied``."""
        self._authorized("get", name, user_context)
        return super().get(name, **config)

    def get_class(
        self, name: str, user_context: UserContext | None = None
    ) -> type[BaseTemplate[Any]]:
        """The class, if ``user_context`` holds one of its roles; else ``PermissionDenied``."""
        self._authorized("get_class", name, user_context)
        return super().get_class(name)
