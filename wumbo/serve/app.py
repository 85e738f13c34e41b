"""``create_app``: the Starlette application that serves a registry's templates.

=======================================  ===================================================
route                                    answer
=======================================  ===================================================
``GET /healthz``                         200 while the process is alive
``GET /readyz``                          200 once the templates are loaded; 503 from the
                                         moment a shutdown starts
``GET /metrics``                         per-template calls, failures, latency (Prometheus), of
                                         the templates the caller may see
``GET /templates``                       the templates the caller may use, with metadata
``GET /templates/{name}``                one template's metadata (``name`` or an alias)
``POST /templates/{name}/run``           a JSON body in, ``{"template", "output"}`` out
``POST /templates/{name}/map``           JSON Lines in, JSON Lines out (see
                                         [`wumbo.serve.streaming`][wumbo.serve.streaming])
``GET /openapi.json``                    the OpenAPI 3.1 document of the templates the caller
                                         may use (see [`wumbo.serve.openapi`][wumbo.serve.openapi])
``GET /docs``                            a bundled page showing that document (no CDN)
=======================================  ===================================================

Errors are JSON (see [`wumbo.serve.errors`][wumbo.serve.errors]): 400 malformed JSON, 401 no or unknown token,
403 a token without a granted role, 404 unknown template, 408 a body (or the first ``map``
line) that did not arrive within ``body_seconds``, 413 body too large, 415 a body that is not
declared as JSON, 422 the template failed, 503 busy, too many abandoned threads or shutting
down (with ``Retry-After``), 504 timeout.

A request takes a concurrency slot only once its body (for ``map``, its first line) is in, so
clients that send slowly keep nobody out.

Examples:
    >>> import httpx
    >>> from wumbo.serve.server import BackgroundServer
    >>> from wumbo.serve.settings import ServeSettings
    >>> with BackgroundServer(ServeSettings(port=0, templates=("check",))) as server:
    ...     httpx.get(f"{server.url}/readyz").json()
    ...     httpx.post(f"{server.url}/templates/check/run", json=5).json()["output"]
    ...     httpx.post(f"{server.url}/templates/nope/run", json=5).status_code
    {'status': 'ready', 'templates': 1}
    [{'value': 5, 'valid': True, 'errors': []}]
    404
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from time import perf_counter

from returns.result import Success
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wumbo._log import get_logger
from wumbo.framework import TemplateRegistry, UserContext, get_registry
from wumbo.serve.auth import TokenTable
from wumbo.serve.catalog import Catalog, ServedTemplate, served_pipeline
from wumbo.serve.docs_page import DOCS_HEADERS, DOCS_PAGE
from wumbo.serve.draining import Draining, InFlight
from wumbo.serve.errors import ServeError, internal_error
from wumbo.serve.jsonio import OutputNotJSON, decode_json, encode_json
from wumbo.serve.limits import ConcurrencyGate, call_with_deadline, read_limited_body
from wumbo.serve.metrics import METRICS_CONTENT_TYPE, ServeMetrics
from wumbo.serve.openapi import openapi_document
from wumbo.serve.settings import ServeSettings
from wumbo.serve.streaming import InputLine, JsonLinesResponse, input_lines, map_records
from wumbo.serve.threads import AbandonedThreads

__all__ = ["JSON_LINES_TYPES", "JSON_TYPES", "ServerState", "create_app"]

_logger = get_logger("wumbo.serve")

JSON_TYPES = frozenset({"application/json"})
"""Media types ``run`` accepts (``+json`` suffixes too)."""

JSON_LINES_TYPES = frozenset(
    {"application/x-ndjson", "application/jsonl", "application/jsonlines", "application/json"}
)
"""Media types ``map`` accepts."""

_Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass
class ServerState:
    """What ``/readyz`` reports: templates loaded, and whether a shutdown has begun; and the
    template requests in flight, which a shutdown drains (see [`wumbo.serve.draining`][wumbo.serve.draining]).

    Examples:
        >>> state = ServerState()
        >>> state.ready
        False
        >>> state.loaded = True; state.ready
        True
        >>> state.shutting_down = True; state.ready
        False
    """

    loaded: bool = False
    shutting_down: bool = False
    in_flight: InFlight = field(default_factory=InFlight, repr=False)

    @property
    def ready(self) -> bool:
        """True when the server should get traffic."""
        return self.loaded and not self.shutting_down


def _error_response(error: ServeError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


def _media_type(request: Request, accepted: frozenset[str]) -> None:
    declared = request.headers.get("content-type", "")
    media = declared.split(";", 1)[0].strip().lower()
    if media in accepted or (accepted is JSON_TYPES and media.endswith("+json")):
        return
    raise ServeError(
        415,
        "unsupported_media_type",
        f"expected a body of type {' or '.join(sorted(accepted))}, got "
        f"{repr(declared) if declared else 'no Content-Type'}",
    )


class _Service:
    """The request handlers over one catalog, token table, gate and metrics."""

    def __init__(
        self,
        settings: ServeSettings,
        registry: TemplateRegistry,
        state: ServerState,
        pipelines: Mapping[str, ServedTemplate],
    ):
        self.settings = settings
        self.state = state
        self.tokens = TokenTable(settings.tokens)
        self.catalog = Catalog(
            registry,
            templates=settings.templates,
            grants=settings.grants,
            pipelines=pipelines,
            secured=self.tokens.enabled,
        )
        self.gate = ConcurrencyGate(
            settings.max_concurrency, retry_after_seconds=settings.retry_after_seconds
        )
        self.threads = AbandonedThreads(
            settings.max_abandoned_threads, retry_after_seconds=settings.retry_after_seconds
        )
        self.metrics = ServeMetrics()
        self.metrics.abandoned_threads.set_function(lambda: self.threads.count)
        self.metrics.requests.labels("running").set_function(lambda: self.gate.in_use)

    def answering(self, endpoint: _Endpoint) -> _Endpoint:
        """``endpoint`` with its ServeErrors (and bugs, as 500) turned into JSON responses."""

        async def answer(request: Request) -> Response:
            try:
                return await endpoint(request)
            except ServeError as error:
                return _error_response(error)
            except ClientDisconnect:
                _logger.info("%s %s: the client went away", request.method, request.url.path)
                return Response(status_code=499)  # nobody is left to read it
            except Exception as error:
                _logger.exception("%s %s failed", request.method, request.url.path)
                return _error_response(internal_error(error, debug=self.settings.debug))

        return answer

    def user(self, request: Request) -> UserContext | None:
        return self.tokens.authenticate(request.headers.get("authorization"))

    def served(self, request: Request) -> ServedTemplate:
        user = self.user(request)
        return self.catalog.lookup(request.path_params["name"], user)

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "alive"})

    async def readyz(self, request: Request) -> Response:
        if self.state.ready:
            return JSONResponse({"status": "ready", "templates": len(self.catalog.names())})
        status = "shutting_down" if self.state.shutting_down else "starting"
        return JSONResponse({"status": status}, status_code=503)

    def visible_metrics(self, request: Request) -> Callable[[str], bool] | None:
        """Which templates' figures the caller may see (``None``: all), or a 401/403."""
        if not self.tokens.enabled:
            return None
        authorization = request.headers.get("authorization")
        role = self.settings.metrics_role
        if role is None and authorization is None:
            return lambda name: False  # an anonymous scrape sees the gauges only
        user = self.tokens.authenticate(authorization)
        if role is None:
            return lambda name: self.catalog.allows(user, name)
        if user is None or role not in user.roles:
            raise ServeError(403, "forbidden", "this token may not read the metrics")
        return None

    async def metrics_text(self, request: Request) -> Response:
        visible = self.visible_metrics(request)
        return Response(self.metrics.render(visible), media_type=METRICS_CONTENT_TYPE)

    async def list_templates(self, request: Request) -> Response:
        return JSONResponse({"templates": self.catalog.records(self.user(request))})

    async def openapi(self, request: Request) -> Response:
        offers = self.catalog.offers(self.user(request))
        document = openapi_document(
            offers,
            secured=self.tokens.enabled,
            metrics_role=self.settings.metrics_role is not None,
        )
        return JSONResponse(document)

    async def docs(self, request: Request) -> Response:
        return Response(DOCS_PAGE, media_type="text/html", headers=DOCS_HEADERS)

    async def describe(self, request: Request) -> Response:
        user = self.user(request)
        return JSONResponse(self.catalog.record(request.path_params["name"], user))

    async def run(self, request: Request) -> Response:
        served = self.served(request)
        _media_type(request, JSON_TYPES)
        settings = self.settings
        with self.metrics.requests.labels("reading").track_inprogress():
            raw = await read_limited_body(
                request.headers, request.stream(), settings.max_body_bytes, settings.body_seconds
            )
        value = served.codec.decode(decode_json(raw))
        slot = self.gate.enter()  # only once the body is in: slow clients hold no slot
        try:
            started = perf_counter()
            try:
                result = await call_with_deadline(
                    served.pipeline, value, settings.timeout_seconds, self.threads
                )
            except ServeError as error:
                if error.status == 504:
                    self.metrics.record(served.name, perf_counter() - started, "error")
                raise
        finally:
            slot.release()
        elapsed = perf_counter() - started
        if not isinstance(result, Success):
            self.metrics.record(served.name, elapsed, "failure")
            raise served.failure(result.failure(), debug=settings.debug)
        self.metrics.record(served.name, elapsed, "success")
        try:
            output = served.codec.encode(result.unwrap())
        except OutputNotJSON as error:
            raise ServeError(422, "output_not_json", str(error)) from None
        body = b'{"template": %s, "output": %s}' % (encode_json(served.name), output)
        return Response(body, media_type="application/json")

    async def map(self, request: Request) -> Response:
        served = self.served(request)
        _media_type(request, JSON_LINES_TYPES)
        settings = self.settings
        lines = input_lines(request.stream(), settings.max_body_bytes, settings.body_seconds)
        try:
            with self.metrics.requests.labels("reading").track_inprogress():
                first = await anext(lines, None)
            if first is not None and first.problem is not None and first.problem.status == 408:
                raise first.problem
            slot = self.gate.enter()  # only once a first line is in
        except BaseException:
            await lines.aclose()
            raise
        records = map_records(
            served,
            _starting_with(first, lines),
            concurrency=settings.map_concurrency,
            timeout=settings.timeout_seconds,
            debug=settings.debug,
            observe=self.metrics.record,
            threads=self.threads,
        )
        return JsonLinesResponse(records, slot)


async def _starting_with(
    first: InputLine | None, rest: AsyncGenerator[InputLine, None]
) -> AsyncGenerator[InputLine, None]:
    """``first`` (when there is one), then ``rest``, closing ``rest`` when done."""
    async with contextlib.aclosing(rest):
        if first is not None:
            yield first
        async for line in rest:
            yield line


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    message = f"{request.method} {request.url.path}: {error.detail}"
    return _error_response(ServeError(error.status_code, code, message, headers=error.headers))


def create_app(
    settings: ServeSettings,
    registry: TemplateRegistry | None = None,
    state: ServerState | None = None,
    *,
    pipelines: Mapping[str, object] | None = None,
) -> Starlette:
    """The application serving ``registry``'s templates (default: the shared registry, plugins
    included) as ``settings`` say. ``state`` is shared with the server for ``/readyz``.

    ``pipelines`` serves core Templates (or objects with ``__wumbo_template__()``) by name at
    the same routes; when given, the registry's templates are served only if
    ``settings.templates`` names them.

    The registry is read now: a template named in ``settings.templates`` or ``grants`` that
    is not registered raises [`SettingsError`][wumbo.serve.settings.SettingsError].

    Examples:
        >>> import httpx
        >>> from wumbo.serve.server import BackgroundServer
        >>> settings = ServeSettings(port=0, tokens={"t0ken": frozenset({"ops"})})
        >>> with BackgroundServer(settings) as server:
        ...     httpx.get(f"{server.url}/templates").status_code
        ...     httpx.get(f"{server.url}/templates", headers={"Authorization": "Bearer t0ken"}).json()
        401
        {'templates': []}
    """
    server_state = state if state is not None else ServerState()
    templates = {name: served_pipeline(name, value) for name, value in (pipelines or {}).items()}
    service = _Service(
        settings, registry if registry is not None else get_registry(), server_state, templates
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncGenerator[None]:
        server_state.loaded = True
        try:
            yield
        finally:
            server_state.loaded = False

    answering = service.answering
    routes = [
        Route("/healthz", answering(service.healthz), methods=["GET"]),
        Route("/readyz", answering(service.readyz), methods=["GET"]),
        Route("/metrics", answering(service.metrics_text), methods=["GET"]),
        Route("/templates", answering(service.list_templates), methods=["GET"]),
        Route("/openapi.json", answering(service.openapi), methods=["GET"]),
        Route("/docs", answering(service.docs), methods=["GET"]),
        Route("/templates/{name}", answering(service.describe), methods=["GET"]),
        Route("/templates/{name}/run", answering(service.run), methods=["POST"]),
        Route("/templates/{name}/map", answering(service.map), methods=["POST"]),
    ]
    draining = Middleware(
        Draining,
        in_flight=server_state.in_flight,
        retry_after_seconds=settings.retry_after_seconds,
    )
    return Starlette(
        debug=False,
        routes=routes,
        middleware=[draining],
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error},
    )
