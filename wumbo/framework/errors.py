"""The framework's exceptions: one base class, and what went wrong where.

``TemplateConfigError`` (bad constructor arguments) is also a ``ValueError`` and
``PermissionDenied`` also a ``PermissionError``, so code written against the original framework,
which caught those built-in types, keeps working.

Examples:
    >>> from wumbo.framework import TemplateConfigError, TemplateError
    >>> issubclass(TemplateConfigError, TemplateError), issubclass(TemplateConfigError, ValueError)
    (True, True)
"""

from __future__ import annotations

__all__ = [
    "PermissionDenied",
    "TemplateConfigError",
    "TemplateError",
    "TemplateExecutionError",
    "TemplateRegistrationError",
]


class TemplateError(Exception):
    """Base class of every error the class-based framework raises itself.

    Examples:
        >>> isinstance(TemplateExecutionError("boom"), TemplateError)
        True
    """


class TemplateConfigError(TemplateError, ValueError):
    """A template was configured wrongly (raised when it is constructed).

    Examples:
        >>> from wumbo.framework import create_data_processor
        >>> create_classic = __import__("wumbo.framework", fromlist=["x"]).create_classic_wumbo
        >>> create_classic(operation=5)
        Traceback (most recent call last):
        ...
        wumbo.framework.errors.TemplateConfigError: operation must be callable, got int 5
    """


class TemplateExecutionError(TemplateError):
    """A template could not run for a reason of its own (not an error of user code).

    Errors raised by user code are never wrapped: ``execute`` returns them as they are in
    ``ExecutionResult.error`` and calling the template re-raises them.

    Examples:
        >>> from wumbo.framework import WorkflowTemplate
        >>> WorkflowTemplate(steps=[{"name": "a", "func": len, "condition": 3}])
        Traceback (most recent call last):
        ...
        wumbo.framework.errors.TemplateConfigError: workflow step 'a': condition must be callable, got int 3
    """


class TemplateRegistrationError(TemplateError):
    """The registry refused a registration or could not find a template.

    Examples:
        >>> from wumbo.framework import get_template
        >>> get_template("no_such_template")
        Traceback (most recent call last):
        ...
        wumbo.framework.errors.TemplateRegistrationError: Template 'no_such_template' not found; registered: aggregator, api_client, ...
    """


class PermissionDenied(TemplateError, PermissionError):
    """A user asked a [`SecureTemplateRegistry`][wumbo.framework.access.SecureTemplateRegistry] for a template whose
    roles they do not hold.

    Examples:
        >>> issubclass(PermissionDenied, PermissionError)
        True
    """
