"""``APIClientTemplate``: an HTTP call with retries, sync (``execute``) and async
(``execute_async``), over httpx (the optional extra ``wumbo[http]``).

A call is ``client(url, method="GET", data=None, params=None, headers=None)``: ``data`` is
sent as JSON, ``headers`` add to the template's. JSON responses decode to Python values, other
bodies to text. Transport errors, timeouts, 429 and 5xx responses are retried (``retries + 1``
attempts at most, exponential backoff from ``retry_delay`` seconds); other errors are raised
at once (``httpx.HTTPStatusError`` for a 4xx). The retries are wumbo's ``retry`` decorator
(without jitter), so ``wumbo_testing_mode`` skips their pauses.

Examples:
    >>> from wumbo.framework import create_api_client
    >>> client = create_api_client("https://api.example.com/", timeout=5, retries=2)
    >>> client.full_url("/users/1"), client.timeout, client.retries
    ('https://api.example.com/users/1', 5, 2)
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wumbo.core.stage import describe
from wumbo.core.template import Template
from wumbo.decorators.retry import retry
from wumbo.framework._checks import is_instance
from wumbo.framework.base import BaseTemplate
from wumbo.framework.errors import TemplateConfigError
from wumbo.framework.execution import ExecutionContext
from wumbo.framework.metadata import TemplateMetadata, TemplateType

if TYPE_CHECKING:
    import httpx

__all__ = ["APIClientTemplate", "backoff_delays", "create_api_client", "is_retryable"]

_RETRIED_STATUS = 429


def _require_httpx() -> None:
    if importlib.util.find_spec("httpx") is None:
        raise ImportError(
            "APIClientTemplate needs httpx, which is not installed; install the extra: "
            "pip install 'wumbo[http]'"
        )


def backoff_delays(retries: int, retry_delay: float) -> list[float]:
    """The pauses between the attempts: ``retry_delay * 2**n`` for each of the retries.

    Examples:
        >>> backoff_delays(3, 0.5)
        [0.5, 1.0, 2.0]
    """
    return [retry_delay * 2**number for number in range(retries)]


def is_retryable(error: object) -> bool:
    """Transport errors and timeouts, and 429 or 5xx responses, are worth another attempt.

    Examples:
        >>> import httpx
        >>> is_retryable(httpx.ConnectError("refused")), is_retryable(ValueError())
        (True, False)
    """
    _require_httpx()
    import httpx

    if isinstance(error, httpx.TransportError):
        return True
    if isinstance(error, httpx.HTTPStatusError):
        response: httpx.Response = error.response
        return response.status_code == _RETRIED_STATUS or response.status_code >= 500
    return False


def _decoded(response: httpx.Response) -> Any:
    response.raise_for_status()
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        return response.json()
    return response.text


class APIClientTemplate(BaseTemplate[Any]):
    """HTTP client template: see the module docstring.

    Examples:
        >>> from wumbo.framework import APIClientTemplate
        >>> APIClientTemplate(retries=-1)
        Traceback (most recent call last):
        ...
        wumbo.framework.errors.TemplateConfigError: retries must be an int >= 0, got int -1
    """

    template_metadata = TemplateMetadata(
        name="api_client",
        description="HTTP API client with retries, sync and async",
        template_type=TemplateType.API_CLIENT,
        tags=["api", "http", "client", "web"],
        dependencies=["httpx"],
        supports_async=True,
    )

    def __init__(
        self,
        base_url: str = "",
        headers: dict[str, str] | None = None,
        timeout: float = 30,
        retries: int = 3,
        retry_delay: float = 1.0,
        **config: Any,
    ) -> None:
        self.base_url = base_url.rstrip("/") if is_instance(base_url, str) else base_url
        self.headers = dict(headers or {})
        self.timeout = timeout
        self.retries = retries
        self.retry_delay = retry_delay
        super().__init__(**config)

    def _validate_config(self) -> None:
        if not is_instance(self.base_url, str):
            raise TemplateConfigError(f"base_url must be a str, got {describe(self.base_url)}")
        if (
            not is_instance(self.retries, int)
            or is_instance(self.retries, bool)
            or self.retries < 0
        ):
            raise TemplateConfigError(f"retries must be an int >= 0, got {describe(self.retries)}")
        for name in ("timeout", "retry_delay"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise TemplateConfigError(f"{name} must be a number >= 0, got {describe(value)}")

    def full_url(self, url: str) -> str:
        """``url`` joined to ``base_url`` (or as is when there is no base).

        Examples:
            >>> APIClientTemplate().full_url("http://x.test/a")
            'http://x.test/a'
        """
        return f"{self.base_url}/{url.lstrip('/')}" if self.base_url else url

    def _request(
        self,
        url: str,
        method: str = "GET",
        data: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        **ignored: Any,
    ) -> dict[str, Any]:
        """The httpx request for a call ``client(url, method=..., data=..., params=...,
        headers=...)``; other keyword arguments are ignored, as the seed's client did."""
        if not is_instance(url, str):
            raise TypeError(f"APIClientTemplate: url must be a str, got {describe(url)}")
        return {
            "method": method,
            "url": self.full_url(url),
            "json": data,
            "params": params,
            "headers": {**self.headers, **(headers or {})},
        }

    def _retrying(self, fetch: Callable[[dict[str, Any]], Any]) -> Template[dict[str, Any], Any]:
        longest = max(backoff_delays(self.retries, self.retry_delay), default=0.0)
        policy = retry(
            attempts=self.retries + 1,
            delay=self.retry_delay,
            backoff=2.0,
            max_delay=longest,
            jitter=False,
            retry_on=is_retryable,
        )
        return policy(fetch)

    def _execute_core(self, url: str, *, context: ExecutionContext, **options: Any) -> Any:
        _require_httpx()
        import httpx

        request = self._request(url, **options)

        def fetch(arguments: dict[str, Any]) -> Any:
            return _decoded(httpx.request(**arguments, timeout=self.timeout))

        return self._retrying(fetch).run(request)

    async def _execute_core_async(
        self, url: str, *, context: ExecutionContext, **options: Any
    ) -> Any:
        _require_httpx()
        import httpx

        request = self._request(url, **options)

        async def fetch(arguments: dict[str, Any]) -> Any:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                return _decoded(await client.request(**arguments))

        return await self._retrying(fetch).arun(request)


def create_api_client(base_url: str = "", **kwargs: Any) -> APIClientTemplate:
    """A new [`APIClientTemplate`][wumbo.framework.builtins.APIClientTemplate].

    Examples:
        >>> create_api_client("http://localhost:8000").base_url
        'http://localhost:8000'
    """
    return APIClientTemplate(base_url=base_url, **kwargs)
