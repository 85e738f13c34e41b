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

import ast
import re
import traceback
from collections.abc import Mapping
from typing import Any, Final

from wumbo._log import get_logger
from wumbo.core.describe import Pipeline, stage_infos
from wumbo.core.result import StageError, bounded_repr
from wumbo.decorators.timeout import StageTimeout
from wumbo.runtime.errors import ItemTimeout

__all__ = [
    "ServeError",
    "declared_error_types",
    "declared_status",
    "internal_error",
    "pipeline_failure",
    "template_failure",
]

_logger = get_logger("wumbo.serve")

_RETURNED_NOTE: Final = re.compile(
    r"^wumbo: stage (?P<stage>'.*'|\".*\") \((?P<position>\d+) of \d+\) returned this on input"
)


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


def _returned_by(error: object) -> dict[str, Any]:
    """The stage that returned ``error`` as its declared failure, from the first note wumbo
    added to it (later ones are from pipelines that passed it on)."""
    notes: list[str] = getattr(error, "__notes__", None) or []
    for note in notes:
        if (found := _RETURNED_NOTE.match(note)) is not None:
            return {"stage": ast.literal_eval(found["stage"]), "position": int(found["position"])}
    return {}


DECLARED_STATUS: Final = 422
"""The status of a declared error whose type names none (``http_status``)."""


def declared_status(error_type: object) -> int:
    """The HTTP status a served pipeline answers a declared error of ``error_type`` with: its
    class attribute ``http_status`` (a client or server error, 400 to 599), else 422.

    Examples:
        >>> class NotFound(LookupError):
        ...     http_status = 404
        >>> declared_status(NotFound), declared_status(ValueError)
        (404, 422)
        >>> class Wrong(Exception):
        ...     http_status = 200
        >>> declared_status(Wrong)
        Traceback (most recent call last):
        ...
        ValueError: Wrong.http_status must be an int from 400 to 599 (an error answer), got int 200
    """
    status = getattr(error_type, "http_status", DECLARED_STATUS)
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        name = getattr(error_type, "__name__", repr(error_type))
        raise ValueError(
            f"{name}.http_status must be an int from 400 to 599 (an error answer), got "
            f"{type(status).__name__} {status!r}"
        )
    return status


def declared_error_types(pipeline: Pipeline) -> list[object]:
    """The error types ``pipeline``'s stages declare, nested pipelines included, each once.

    Examples:
        >>> from wumbo import Failure, Result, template
        >>> def parse(text: str) -> Result[int, ValueError | KeyError]:
        ...     return Failure(KeyError(text))
        >>> declared_error_types(template(parse) | abs)
        [<class 'ValueError'>, <class 'KeyError'>]
    """
    found: dict[object, None] = {}
    pending: list[Pipeline] = [pipeline]
    while pending:
        for info in stage_infos(pending.pop()):
            found.update(dict.fromkeys(info.errors))
            pending.extend(info.inner)
    return list(found)


def pipeline_failure(failure: object, *, debug: bool) -> ServeError:
    """The error for a served pipeline's ``Failure(failure)``: a declared error (``E`` of a
    stage's ``-> Result[X, E]``) is a 422 ``declared_error`` (or the ``http_status`` its class
    names, see `declared_status`) naming its type, message, stage and position; a `StageError` (a stage raised) is a 500 ``stage_failed``
    naming the stage and the error's type, its message and traceback only in the log (and in
    the answer with ``debug``); a timeout is a 504.

    Examples:
        >>> from wumbo import Failure, Result, template
        >>> def price(country: str) -> Result[float, LookupError]:
        ...     return Failure(LookupError(f"no rate for {country}"))
        >>> template(str.upper) | price
        <Template upper | price>
        >>> pipeline_failure((template(str.upper) | price)("fr").failure(), debug=False).body()
        {'error': {'status': 422, 'code': 'declared_error', 'message': 'no rate for FR', 'error_type': 'LookupError', 'stage': 'price', 'position': 2}}
        >>> broken = (template(str.upper) | int)("x").failure()
        >>> pipeline_failure(broken, debug=False).body()["error"]
        {'status': 500, 'code': 'stage_failed', 'message': "stage 'int' (2 of 2) failed; the server log has the details", 'stage': 'int', 'position': 2, 'error_type': 'ValueError'}
    """
    if _is_timeout(failure) or (debug and isinstance(failure, StageError)):
        error = template_failure(failure, debug=debug)
        if error.status == 422:
            error.status, error.code = 500, "stage_failed"
        return error
    if isinstance(failure, StageError):
        _logger.error("%s", failure, exc_info=failure.error)
        return ServeError(
            500,
            "stage_failed",
            f"stage {failure.stage!r} ({failure.position} of {failure.total}) failed; the server "
            "log has the details",
            details={
                "stage": failure.stage,
                "position": failure.position,
                "error_type": type(failure.error).__name__,
            },
        )
    details = {"error_type": type(failure).__name__, **_returned_by(failure)}
    return ServeError(
        declared_status(type(failure)), "declared_error", str(failure), details=details
    )


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
