"""SecureTemplateRegistry: roles granted per template; get without the role is refused."""

from __future__ import annotations

import pytest

from wumbo.framework import (
    AccessController,
    PermissionDenied,
    SecureTemplateRegistry,
    TransformTemplate,
    UserContext,
)
from wumbo.framework.builtins import register_builtins


@pytest.fixture
def secure() -> SecureTemplateRegistry:
    access = AccessController()
    access.grant("transformer", "analyst", "admin")
    access.grant("api_client", "admin")
    registry = SecureTemplateRegistry(access)
    register_builtins(registry)
    return registry


ANALYST = UserContext("ada", {"analyst"})
ADMIN = UserContext("root", {"admin"})
NOBODY = UserContext("eve")


def test_a_granted_role_gets_the_template_by_name_or_alias(secure: SecureTemplateRegistry) -> None:
    assert secure.get("transformer", ANALYST, map_func=abs)(-1) == [1]
    assert secure.get("map_filter", user_context=ANALYST) is not None
    assert secure.get_class("transform", ANALYST) is TransformTemplate
    assert secure.get("api", ADMIN).metadata.name == "api_client"


def test_a_missing_role_is_a_clear_permission_error(secure: SecureTemplateRegistry) -> None:
    with pytest.raises(
        PermissionDenied,
        match=r"Access denied to template 'api_client' for user 'ada': needs one of the roles \['admin'\], user has \['analyst'\]",
    ):
        secure.get("client", ANALYST)
    with pytest.raises(PermissionError):  # PermissionDenied is a PermissionError too
        secure.get_class("transformer", NOBODY)


def test_templates_without_grants_are_denied_to_everyone(secure: SecureTemplateRegistry) -> None:
    with pytest.raises(PermissionDenied, match=r"needs one of the roles \[\]"):
        secure.get("workflow", ADMIN)


def test_a_user_context_is_required(secure: SecureTemplateRegistry) -> None:
    with pytest.raises(
        PermissionDenied, match=r"get\('transformer'\) needs a user_context=UserContext"
    ):
        secure.get("transformer")
    with pytest.raises(PermissionDenied, match="got dict"):
        secure.get("transformer", {"roles": ["admin"]})  # type: ignore[arg-type]


def test_grants_and_revokes_take_effect_at_once(secure: SecureTemplateRegistry) -> None:
    secure.access_control.revoke("transformer", "analyst")
    with pytest.raises(PermissionDenied):
        secure.get("transformer", ANALYST)
    secure.access_control.grant("transformer", "analyst")
    assert secure.get("transformer", ANALYST) is not None


def test_misuse_of_the_access_api() -> None:
    with pytest.raises(TypeError, match="expects an AccessController, got dict"):
        SecureTemplateRegistry({})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="grant expects one or more role names"):
        AccessController().grant("transformer")
    with pytest.raises(TypeError, match="roles must be a collection of str, got str 'admin'"):
        UserContext("u", "admin")
