"""``GET /openapi.json``: an OpenAPI 3.1 document of what a server offers its caller.

One path per route of each served template or pipeline the caller may use
(``/templates/NAME``, ``/templates/NAME/run``, ``/templates/NAME/map``) and the server's own
routes. The request and response schemas of a pipeline come from its input type ``A`` (the
first stage's parameter annotation) and output type ``B``: JSON Schema 2020-12 from msgspec
(or pydantic for pydantic models), with the named types shared under
``components/schemas``. An unannotated input or output, and every registered ``BaseTemplate``,
has the open schema ``{}``. The error answers are listed by status, the 422 naming the declared
error types of the pipeline (the ``E`` of each stage's ``-> Result[X, E]``, nested
pipelines included), and 401/403 when the server checks tokens.

Examples:
    >>> from dataclasses import dataclass
    >>> from wumbo import template
    >>> from wumbo.serve.catalog import pipeline_record, served_pipeline
    >>> @dataclass
    ... class Point:
    ...     x: int
    ...     y: int
    >>> def norm(point: Point) -> int:
    ...     return abs(point.x) + abs(point.y)
    >>> served = served_pipeline("norm", template(norm))
    >>> document = openapi_document([(pipeline_record("norm", served.pipeline), served)], secured=False)
    >>> run = document["paths"]["/templates/norm/run"]["post"]
    >>> run["requestBody"]["content"]["application/json"]["schema"]
    {'$ref': '#/components/schemas/Point'}
    >>> document["components"]["schemas"]["Point"]["required"]
    ['x', 'y']
    >>> sorted(run["responses"])
    ['200', '400', '408', '413', '415', '422', '500', '503', '504']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

import msgspec

from wumbo.core.describe import Pipeline, type_label
from wumbo.core.stage import MISSING
from wumbo.serve.catalog import ServedTemplate
from wumbo.serve.codec import Codec
from wumbo.serve.errors import (
    DECLARED_STATUS,
    declared_error_types,
    declared_status,
    pipeline_failure,
)

__all__ = ["OPENAPI_VERSION", "Offer", "openapi_document"]

OPENAPI_VERSION: Final = "3.1.0"
"""The OpenAPI version of the document."""

SCHEMA_REF: Final = "#/components/schemas/{name}"
"""Where a named type's schema is referenced from."""

Offer = tuple[dict[str, Any], ServedTemplate | None]
"""What one served name is: its record (``GET /templates/NAME``) and, for a pipeline, how it
is served (``None``: a registered template, JSON as it is)."""

_JSON: Final = "application/json"
_JSON_LINES: Final = "application/x-ndjson"


def _error(code: object, **fields: dict[str, Any]) -> dict[str, Any]:
    """The schema of an error body whose ``code`` is ``code`` (a schema), with ``fields``
    (which some answers of that code leave out)."""
    inner = {
        "type": "object",
        "required": ["status", "code", "message"],
        "properties": {
            "status": {"type": "integer"},
            "code": code,
            "message": {"type": "string"},
            **fields,
        },
    }
    return {"type": "object", "required": ["error"], "properties": {"error": inner}}


def _codes(code: str, *more: str) -> dict[str, Any]:
    return {"enum": [code, *more]} if more else {"const": code}


_TEXT: Final = {"type": "string"}
_WHOLE: Final = {"type": "integer"}
_ERRORS: Final[dict[str, tuple[str, dict[str, Any]]]] = {
    "400": ("malformed JSON (line and column say where)", _error(_codes("malformed_json"))),
    "401": ("no token, or an unknown one", _error(_codes("unauthenticated"))),
    "403": ("the token's roles are not granted this template", _error(_codes("forbidden"))),
    "404": ("no such template is served", _error(_codes("unknown_template", "not_found"))),
    "408": ("the body did not arrive within body_seconds", _error(_codes("body_timeout"))),
    "413": (
        "the body (or a map line) is larger than max_body_bytes",
        _error(_codes("too_large"), limit_bytes=_WHOLE),
    ),
    "415": ("the body is not declared as JSON", _error(_codes("unsupported_media_type"))),
    "503": (
        "busy, too many abandoned threads, or shutting down: retry after Retry-After seconds",
        _error(_codes("busy", "abandoned_threads", "shutting_down")),
    ),
    "504": ("the template took longer than timeout_seconds", _error(_codes("timeout"))),
}
"""The answers any template route may give, by status (each a component response)."""

_RECORD: Final = {
    "type": "object",
    "required": ["name", "aliases", "type"],
    "properties": {
        "name": _TEXT,
        "aliases": {"type": "array", "items": _TEXT},
        "type": _TEXT,
        "description": _TEXT,
        "stages": {"type": "array", "items": _TEXT},
    },
}
"""The schema of a template's record (``GET /templates/NAME``)."""


def _ref(status: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/Error{status}"}


def _json(schema: dict[str, Any], media: str = _JSON) -> dict[str, Any]:
    return {"content": {media: {"schema": schema}}}


def declared_error_names(pipeline: Pipeline, status: int = DECLARED_STATUS) -> list[str]:
    """The names of the error types ``pipeline``'s stages declare (nested pipelines too) that
    are answered with ``status`` (see `declared_status`).

    Examples:
        >>> from wumbo import Failure, Result, template
        >>> def parse(text: str) -> Result[int, ValueError | KeyError]:
        ...     return Failure(KeyError(text))
        >>> declared_error_names(template(parse) | abs)
        ['KeyError', 'ValueError']
    """
    errors = declared_error_types(pipeline)
    return sorted({type_label(error) for error in errors if declared_status(error) == status})


def _declared_statuses(pipeline: Pipeline) -> list[int]:
    """The statuses other than 422 that ``pipeline``'s declared errors are answered with."""
    statuses = {declared_status(error) for error in declared_error_types(pipeline)}
    return sorted(statuses - {DECLARED_STATUS})


class _Schemas:
    """The schemas of many types, named types shared in one ``components/schemas``."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}
        self._msgspec: list[object] = []
        self._slots: list[tuple[dict[str, Any], int]] = []

    def of(self, codec: Codec, *, output: bool) -> dict[str, Any]:
        """The schema of ``codec``'s input (or output) type; for a msgspec type, a dict that
        `finish` fills in."""
        hint = codec.out_type if output else codec.in_type
        described = codec.schema(output=output, ref_template=SCHEMA_REF.replace("name", "model"))
        if described is None:
            slot: dict[str, Any] = {}
            self._slots.append((slot, len(self._msgspec)))
            self._msgspec.append(hint)
            return slot
        self.components.update(described.pop("$defs", {}))
        name = getattr(hint, "__name__", None)
        if name is None or described.get("title") != name:
            return described
        self.components[name] = described  # a model is shared, as msgspec's types are
        return {"$ref": SCHEMA_REF.format(name=name)}

    def finish(self) -> None:
        """Fill the schemas of the msgspec types (one call: shared names stay consistent)."""
        schemas, components = _msgspec_schemas(self._msgspec)
        self.components.update(components)
        for slot, index in self._slots:
            slot.update(schemas[index])


def _msgspec_schemas(hints: Sequence[object]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """msgspec's schemas of ``hints`` and their components; a type msgspec cannot describe
    gets the open schema (its requests are still checked when they come)."""
    try:
        found, shared = msgspec.json.schema_components(hints, ref_template=SCHEMA_REF)
        return list(found), shared
    except (TypeError, ValueError):
        if len(hints) <= 1:
            return [{"description": f"{type_label(hint)} (no JSON Schema)"} for hint in hints], {}
    schemas: list[dict[str, Any]] = []
    components: dict[str, Any] = {}
    for hint in hints:
        (schema,), its_components = _msgspec_schemas([hint])
        schemas.append(schema)
        components.update(its_components)
    return schemas, components


def _failures_422(served: ServedTemplate | None) -> list[dict[str, Any]]:
    """The schemas of the 422 answers of one served template."""
    output = _error(_codes("output_not_json"))
    if served is None or served.failure is not pipeline_failure:
        where = {"stage": _TEXT, "position": _WHOLE, "error_type": _TEXT}
        failed = _error(_codes("template_failed"), **where)
        return [failed, output] if served is None else [_misfit(), failed, output]
    declared = declared_error_names(served.pipeline)
    answers = [_misfit()]
    if declared:
        names = {"enum": declared}
        answers.append(
            _error(_codes("declared_error"), error_type=names, stage=_TEXT, position=_WHOLE)
        )
    return [*answers, output]


def _declared_answers(pipeline: Pipeline, failures: dict[str, Any]) -> dict[str, Any]:
    """The answers of the declared errors whose types name a status of their own
    (``http_status``), each combined with what that status already answers."""
    answers: dict[str, Any] = {}
    for status in _declared_statuses(pipeline):
        key, names = str(status), declared_error_names(pipeline, status)
        answer = _error(
            _codes("declared_error"), error_type={"enum": names}, stage=_TEXT, position=_WHOLE
        )
        said = f"declared errors: {', '.join(names)}"
        prior: tuple[str, dict[str, Any]] | None = _ERRORS.get(key)
        if key in failures:
            prior = (failures[key]["description"], failures[key]["content"][_JSON]["schema"])
        answers[key] = (
            {"description": said, **_json(answer)}
            if prior is None
            else {"description": f"{prior[0]}; or {said}", **_json({"anyOf": [prior[1], answer]})}
        )
    return answers


def _misfit() -> dict[str, Any]:
    return _error(_codes("input_misfit"), path=_TEXT, expected=_TEXT, type=_TEXT)


def _any_of(schemas: list[dict[str, Any]]) -> dict[str, Any]:
    return schemas[0] if len(schemas) == 1 else {"anyOf": schemas}


def _template_paths(
    record: dict[str, Any], served: ServedTemplate | None, schemas: _Schemas, secured: bool
) -> dict[str, Any]:
    name = record["name"]
    codec = served.codec if served is not None else Codec(MISSING, MISSING)
    a, b = schemas.of(codec, output=False), schemas.of(codec, output=True)
    auth = {status: _ref(status) for status in ("401", "403")} if secured else {}
    limits = {status: _ref(status) for status in ("400", "408", "413", "415", "503", "504")}
    core = served is not None and served.failure is pipeline_failure
    declared = declared_error_names(served.pipeline) if served is not None and core else []
    raised = (
        _error(_codes("stage_failed", "internal"), stage=_TEXT, position=_WHOLE, error_type=_TEXT)
        if core
        else _error(_codes("internal"))
    )
    failures = {
        "422": {
            "description": "the input does not fit its type, or the template failed"
            + (f"; declared errors: {', '.join(declared)}" if declared else ""),
            **_json(_any_of(_failures_422(served))),
        },
        "500": {
            "description": "a stage raised (the server log has its message), or a server bug",
            **_json(raised),
        },
    }
    if served is not None and core:
        failures.update(_declared_answers(served.pipeline, failures))
    output = {
        "type": "object",
        "required": ["template", "output"],
        "properties": {"template": {"const": name}, "output": b},
    }
    line = {
        "anyOf": [
            {
                "type": "object",
                "required": ["line", "output"],
                "properties": {"line": _WHOLE, "output": b},
            },
            {
                "type": "object",
                "required": ["error"],
                "properties": {"line": _WHOLE, "error": {"type": "object"}},
            },
        ]
    }
    summary = record.get("description") or f"run the {record['type']} {name!r}"
    aliases = f" (aliases: {', '.join(record['aliases'])})" if record["aliases"] else ""
    return {
        f"/templates/{name}": {
            "get": {
                "operationId": f"describe_{name}",
                "summary": f"describe {name}{aliases}",
                "responses": {"200": {"description": "its record", **_json(_RECORD)}, **auth},
            }
        },
        f"/templates/{name}/run": {
            "post": {
                "operationId": f"run_{name}",
                "summary": summary,
                "requestBody": {"required": True, **_json(a)},
                "responses": {
                    "200": {"description": "the output", **_json(output)},
                    **auth,
                    **limits,
                    **failures,
                },
            }
        },
        f"/templates/{name}/map": {
            "post": {
                "operationId": f"map_{name}",
                "summary": f"{summary}, for each line of a JSON Lines body",
                "description": "Each line of the body is one input of the request schema; the "
                "answer has one record a line, in input order, an output or an error.",
                "requestBody": {"required": True, **_json(a, _JSON_LINES)},
                "responses": {
                    "200": {"description": "one record a line", **_json(line, _JSON_LINES)},
                    **auth,
                    **{status: _ref(status) for status in ("408", "415", "503")},
                },
            }
        },
    }


def _server_paths(secured: bool, metrics_role: bool) -> dict[str, Any]:
    """The routes of the server itself; the probes and /docs need no token, /metrics takes
    one (and needs it with a metrics role)."""

    def get(operation: str, summary: str, media: str, *, public: bool) -> dict[str, Any]:
        responses: dict[str, Any] = {"200": {"description": summary, **_json({}, media)}}
        more: dict[str, Any] = {}
        if secured and public:
            more["security"] = [{}, {"bearer": []}] if operation == "metrics" else []
        elif secured:
            responses["401"] = _ref("401")
            if operation == "metrics":
                responses["403"] = _ref("403")
        return {
            "get": {"operationId": operation, "summary": summary, "responses": responses, **more}
        }

    figures = "Prometheus figures of the templates the token may use (without one: the gauges)"
    return {
        "/healthz": get("healthz", "200 while the process is alive", _JSON, public=True),
        "/readyz": get("readyz", "200 once ready, 503 from a shutdown on", _JSON, public=True),
        "/metrics": get("metrics", figures, "text/plain", public=not metrics_role),
        "/templates": get(
            "list_templates", "the templates the caller may use", _JSON, public=False
        ),
        "/openapi.json": get("openapi", "this document", _JSON, public=False),
        "/docs": get("docs", "a page that shows this document", "text/html", public=True),
    }


def openapi_document(
    offers: Iterable[Offer],
    *,
    secured: bool,
    metrics_role: bool = False,
    title: str = "wumbo serve",
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``offers`` (see the module); ``secured``: the template
    routes need a bearer token; ``metrics_role``: so does ``/metrics``."""
    from wumbo._version import __version__

    schemas = _Schemas()
    paths = _server_paths(secured, metrics_role)
    for record, served in offers:
        paths.update(_template_paths(record, served, schemas, secured))
    schemas.finish()
    responses = {
        f"Error{status}": {"description": description, **_json(schema)}
        for status, (description, schema) in _ERRORS.items()
    }
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": __version__},
        "paths": paths,
        "components": {"schemas": schemas.components, "responses": responses},
    }
    if secured:
        document["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        document["security"] = [{"bearer": []}]
    return document
