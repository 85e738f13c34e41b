"""``Catalog``: the templates a server offers, taken from a registry once, at start-up.

The catalog copies the registry's templates (all, or the ones named in ``templates``) into a
registry of its own: a [`SecureTemplateRegistry`][wumbo.framework.access.SecureTemplateRegistry] when requests are
authenticated, so every lookup goes through the framework's access control (a template is
granted to roles; ``*`` grants every template; a template granted to nobody is denied to
everyone), or a plain isolated [`TemplateRegistry`][wumbo.framework.registry.TemplateRegistry] otherwise. Each
served template runs as its core ``Template`` under the ``timeout`` decorator.

``pipelines`` adds served core Templates (see `served_pipeline`) by name, next to the registry's templates. When pipelines are
given, the registry's templates are served only if ``templates`` names them: serving
``shop:orders`` serves that pipeline, not every registered template besides.

Examples:
    >>> from wumbo.framework import UserContext, get_registry
    >>> catalog = Catalog(get_registry(), templates=["check"], grants={"*": frozenset({"ops"})},
    ...                   secured=True)
    >>> catalog.names()
    ['validator']
    >>> served = catalog.lookup("check", UserContext("ada", {"ops"}))
    >>> served.name, served.pipeline.run(5)
    ('validator', [{'value': 5, 'valid': True, 'errors': []}])
    >>> catalog.lookup("check", UserContext("bob", {"intern"}))  # no role named to the caller
    Traceback (most recent call last):
    ...
    wumbo.serve.errors.ServeError: this token may not use template 'validator'
    >>> catalog.lookup("validatr", UserContext("bob", {"intern"}))  # nor a template it may not use
    Traceback (most recent call last):
    ...
    wumbo.serve.errors.ServeError: no template named 'validatr' is served
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wumbo._log import get_logger
from wumbo.core.stage import MISSING
from wumbo.core.template import Template
from wumbo.framework import (
    AccessController,
    BaseTemplate,
    PermissionDenied,
    SecureTemplateRegistry,
    TemplateMetadata,
    TemplateRegistry,
    UserContext,
)
from wumbo.serve.codec import Codec
from wumbo.serve.errors import (
    ServeError,
    declared_error_types,
    declared_status,
    pipeline_failure,
    template_failure,
)
from wumbo.serve.loading import as_template
from wumbo.serve.settings import SettingsError

__all__ = [
    "ALL_TEMPLATES",
    "Catalog",
    "ServedTemplate",
    "metadata_record",
    "pipeline_record",
    "served_pipeline",
]

_logger = get_logger("wumbo.serve")

ALL_TEMPLATES = "*"
"""The grant key that stands for every served template."""


@dataclass(frozen=True, slots=True)
class ServedTemplate:
    """A template ready to answer requests: its canonical name and the pipeline to call.

    Examples:
        >>> from wumbo import template
        >>> ServedTemplate("double", template(lambda n: n * 2)).pipeline.run(4)
        8
    """

    name: str
    pipeline: Template[Any, Any, Any]
    codec: Codec = field(default_factory=lambda: Codec(MISSING, MISSING))
    """How requests are decoded and outputs encoded (default: JSON as it is)."""
    failure: Callable[..., ServeError] = template_failure
    """The error answering a run's Failure: `template_failure` for
    class-based templates (every failure a 422), `pipeline_failure` for core pipelines
    (a declared error a 422, a raising stage a 500)."""


def served_pipeline(name: str, value: object) -> ServedTemplate:
    """``value`` (a core Template, or an object with ``__wumbo_template__()``) served as
    ``name``: its JSON decoded and encoded by its types. A class-based template (a
    ``BaseTemplate`` instance) answers its failures as a registered one does (422
    ``template_failed``); a core Template answers a declared error with a 422 (or the
    ``http_status`` its type names: a bad one is refused here) and a raising stage with a 500.

    Examples:
        >>> from wumbo import template
        >>> from wumbo.framework import create_transformer
        >>> served_pipeline("double", template(lambda n: n * 2)).failure.__name__
        'pipeline_failure'
        >>> served_pipeline("upper", create_transformer(map_func=str.upper)).failure.__name__
        'template_failure'
    """
    pipeline = as_template(value, name)
    if isinstance(value, BaseTemplate):
        return ServedTemplate(name, pipeline, Codec.of(pipeline), template_failure)
    for error_type in declared_error_types(pipeline):
        try:
            declared_status(error_type)
        except ValueError as error:
            raise SettingsError(f"{name}: {error}") from None
    return ServedTemplate(name, pipeline, Codec.of(pipeline), pipeline_failure)


def metadata_record(
    name: str, aliases: Iterable[str], metadata: TemplateMetadata
) -> dict[str, Any]:
    """A template's description as JSON-ready data (what ``GET /templates`` lists).

    Examples:
        >>> from wumbo.framework import TemplateMetadata
        >>> record = metadata_record("echo", ["e"], TemplateMetadata("echo", tags=["demo"]))
        >>> record["name"], record["aliases"], record["type"], record["tags"]
        ('echo', ['e'], 'custom', ['demo'])
    """
    return {
        "name": name,
        "aliases": sorted(aliases),
        "version": metadata.version,
        "description": metadata.description,
        "author": metadata.author,
        "type": metadata.template_type.value,
        "tags": list(metadata.tags),
        "dependencies": list(metadata.dependencies),
        "supports_async": metadata.supports_async,
        "supports_streaming": metadata.supports_streaming,
    }


def pipeline_record(name: str, pipeline: Template[Any, Any, Any]) -> dict[str, Any]:
    """A served pipeline's description, shaped like `metadata_record`'s, with its stages.

    Examples:
        >>> from wumbo import template
        >>> record = pipeline_record("size", template(str.strip) | len)
        >>> record["type"], record["stages"], record["supports_async"]
        ('pipeline', ['strip', 'len'], False)
    """
    return {
        "name": name,
        "aliases": [],
        "version": None,
        "description": (pipeline.__doc__ or "").strip(),
        "author": None,
        "type": "pipeline",
        "tags": [],
        "dependencies": [],
        "supports_async": pipeline.is_async,
        "supports_streaming": False,
        "stages": [stage.name for stage in pipeline.stages],
    }


def _forbidden(name: str) -> ServeError:
    return ServeError(403, "forbidden", f"this token may not use template {name!r}")


def _not_served(name: str, known: Iterable[str]) -> ServeError:
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return ServeError(
        404, "unknown_template", f"no template named {name!r} is served{hint}", details={}
    )


class Catalog:
    """The served templates, their metadata, and who may use them.

    ``source`` is read once; ``templates`` (names or aliases) restricts what is served;
    ``pipelines`` adds core Templates by name; ``grants`` maps template names (or ``*``) to
    roles and needs ``secured``.

    Examples:
        >>> from wumbo.framework import get_registry
        >>> Catalog(get_registry(), templates=["nope"], secured=False)
        Traceback (most recent call last):
        ...
        wumbo.serve.settings.SettingsError: cannot serve template 'nope': it is not registered (registered: aggregator, api_client, ...)
    """

    def __init__(
        self,
        source: TemplateRegistry,
        *,
        templates: Iterable[str] = (),
        grants: Mapping[str, frozenset[str]] | None = None,
        pipelines: Mapping[str, ServedTemplate] | None = None,
        secured: bool,
    ) -> None:
        entries: list[dict[str, Any]] = source.list_templates(include_metadata=True)
        self._pipelines = dict(pipelines or {})
        canonical = {alias: e["name"] for e in entries for alias in [e["name"], *e["aliases"]]}
        wanted = list(templates)
        for name in wanted:
            if name not in canonical:
                registered = ", ".join(sorted(e["name"] for e in entries)) or "none"
                raise SettingsError(
                    f"cannot serve template {name!r}: it is not registered "
                    f"(registered: {registered})"
                )
        chosen = {canonical[name] for name in wanted}
        if self._pipelines and not chosen:
            entries = []
        served = [e for e in entries if not chosen or e["name"] in chosen]
        for name in self._pipelines:
            if any(name in (e["name"], *e["aliases"]) for e in served):
                raise SettingsError(
                    f"cannot serve pipeline {name!r}: a registered template is served under "
                    "that name; serve it under another one (--name NAME=MODULE:ATTR)"
                )
        self._access = AccessController()
        self._secured = secured
        self._registry: TemplateRegistry = (
            SecureTemplateRegistry(self._access, cache_size=len(served) + 1)
            if secured
            else TemplateRegistry(isolated=True, cache_size=len(served) + 1)
        )
        for entry in served:
            cls = source.get_class(entry["name"])
            self._registry.register(cls, entry["name"], entry["aliases"])
        self._records = {
            e["name"]: metadata_record(e["name"], e["aliases"], e["metadata"]) for e in served
        }
        self._records.update(
            {
                name: pipeline_record(name, served.pipeline)
                for name, served in self._pipelines.items()
            }
        )
        self._canonical = {alias: e["name"] for e in served for alias in [e["name"], *e["aliases"]]}
        self._canonical.update({name: name for name in self._pipelines})
        self._grant(grants or {})

    def _grant(self, grants: Mapping[str, frozenset[str]]) -> None:
        for name, roles in grants.items():
            if name == ALL_TEMPLATES:
                targets = list(self._records)
            elif name in self._canonical:
                targets = [self._canonical[name]]
            else:
                raise SettingsError(
                    f"grants name template {name!r}, which is not served "
                    f"(served: {', '.join(sorted(self._records)) or 'none'})"
                )
            for target in targets:
                self._access.grant(target, *sorted(roles))

    def names(self) -> list[str]:
        """The canonical names of the served templates, sorted."""
        return sorted(self._records)

    def allows(self, user: UserContext | None, name: str) -> bool:
        """True when ``user`` may use the served template ``name`` (always, unsecured)."""
        return user is None or self._access.can_access(user, name)

    def records(self, user: UserContext | None) -> list[dict[str, Any]]:
        """The metadata records of the templates ``user`` may use.

        Examples:
            >>> from wumbo.framework import get_registry
            >>> catalog = Catalog(get_registry(), secured=False)
            >>> [record["name"] for record in catalog.records(None)][:2]
            ['aggregator', 'api_client']
        """
        return [record for name, record in sorted(self._records.items()) if self.allows(user, name)]

    def offers(
        self, user: UserContext | None
    ) -> list[tuple[dict[str, Any], ServedTemplate | None]]:
        """What ``user`` may use: each record with its served pipeline (``None`` for a
        registered template), as [`openapi_document`][wumbo.serve.openapi.openapi_document] takes them.

        Examples:
            >>> from wumbo import template
            >>> from wumbo.framework import get_registry
            >>> catalog = Catalog(get_registry(), templates=["check"], secured=False,
            ...                   pipelines={"size": served_pipeline("size", template(len))})
            >>> [(record["name"], served is not None) for record, served in catalog.offers(None)]
            [('size', True), ('validator', False)]
        """
        return [(record, self._pipelines.get(record["name"])) for record in self.records(user)]

    def record(self, name: str, user: UserContext | None) -> dict[str, Any]:
        """The metadata record of ``name`` (or an alias): 404 if not served, 403 if denied."""
        return self._records[self.lookup(name, user).name]

    def lookup(self, name: str, user: UserContext | None) -> ServedTemplate:
        """The served template ``name`` (or an alias) for ``user``: a 404
        [`ServeError`][wumbo.serve.errors.ServeError] when it is not served (suggesting only
        templates ``user`` may use), 403 when the access control refuses (naming neither the
        roles needed nor the user)."""
        canonical = self._canonical.get(name)
        if canonical is None:
            usable = [alias for alias, of in self._canonical.items() if self.allows(user, of)]
            raise _not_served(name, usable)
        served = self._pipelines.get(canonical)
        if served is not None:
            if not self.allows(user, canonical):
                raise _forbidden(canonical)
            return served
        try:
            if self._secured:
                instance = self._registry.get(canonical, user_context=user)
            else:
                instance = self._registry.get(canonical)
        except PermissionDenied as denied:
            _logger.info("refused: %s", denied)  # the roles are for the operator, not the caller
            raise _forbidden(canonical) from None
        return ServedTemplate(canonical, instance.as_template())
