"""Structured JSON errors: what a client gets when a request fails, and nothing more.

Every error body is ``{"error": {"status", "code", "message", ...details}}``. A template's
failure adds ``stage``, ``position`` and ``error_type`` (the original exception's class) and
uses the original exception's message; the input and the traceback are added only when the
server runs with ``debug`` on. Unexpected errors of the server itself are logged and answered
with a generic 500.

Examples:
    >>> error = ServeError(404, "unknown_template", "no template named 'x' is served")
    >>> error.body()
    {'error': {'status': 404, 'code': 'unknown_template', 'message': "no template named 'x' is served"}}
    >>> from wumbo import template
    >>> failure = template(int)("x").failure()
    >>> template_failure(failure, debug=False).body()["error"]
    {'status': 422, 'code': 'template_failed', 'message': "invalid literal for int() with base 10: 'x'", 'stage': 'int', 'position': 1, 'error_type': 'ValueError'}
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from typing import Any

from wumbo.core.result import StageError, bounded_repr
from wumbo.decorators.timeout import StageTimeout
from wumbo.runtime.errors import ItemTimeout

__all__ = ["ServeError", "internal_error", "template_failure"]


class ServeError(Exception):
    """A request that cannot be answered with a result: its HTTP status and JSON details.

    ``headers`` go with the response (``Retry-After``, ``WWW-Authenticate``).

    Examples:
        >>> busy = ServeError(503, "busy", "try again", headers={"Retry-After": "1"})
        >>> busy.status, busy.headers, str(busy)
        (503, {'Retry-After': '1'}, 'try again')
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = dict(details or {})
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        """The JSON body of the error response.

        Examples:
            >>> ServeError(400, "bad_json", "oops", details={"line": 1}).body()["error"]["line"]
            1
        """
        return {
            "error": {
                "status": self.status,
                "code": self.code,
                "message": self.message,
                **self.details,
            }
        }


def _is_timeout(error: object) -> bool:
    if isinstance(error, ItemTimeout):
        return True
    return isinstance(error, StageError) and isinstance(error.error, StageTimeout)


def template_failure(failure: object, *, debug: bool) -> ServeError:
    """The error for a template run that ended as ``Failure(failure)``: 504 for a timeout,
    422 otherwise, naming the stage and the original error's type and message.

    Examples:
        >>> import time
        >>> from wumbo.decorators import timeout
        >>> slow = timeout(0.01)(lambda n: time.sleep(0.2))
        >>> error = template_failure(slow(0).failure(), debug=False)
        >>> error.status, error.code, error.details["error_type"]
        (504, 'timeout', 'StageTimeout')
        >>> template_failure(KeyError("k"), debug=False).body()["error"]["error_type"]
        'KeyError'
    """
    if _is_timeout(failure):
        status, code = 504, "timeout"
    else:
        status, code = 422, "template_failed"
    if isinstance(failure, StageError):
        original: object = failure.error
        details: dict[str, Any] = {"stage": failure.stage, "position": failure.position}
    else:
        original, details = failure, {}
    details["error_type"] = type(original).__name__
    if debug:
        if isinstance(failure, StageError):
            details["input"] = bounded_repr(failure.input)
        if isinstance(original, BaseException):
            details["traceback"] = traceback.format_exception(original)
    return ServeError(status, code, str(original), details=details)


def internal_error(error: BaseException, *, debug: bool) -> ServeError:
    """A 500 for a bug of the server: generic unless ``debug`` (the log has the traceback).

    Examples:
        >>> internal_error(RuntimeError("db password is hunter2"), debug=False).message
        'internal server error; the server log has the details'
    """
    if not debug:
        return ServeError(500, "internal", "internal server error; the server log has the details")
    return ServeError(
        500,
        "internal",
        f"{type(error).__name__}: {error}",
        details={"traceback": traceback.format_exception(error)},
    )
