"""``ServeSettings``: everything ``wumbo serve`` can be told, from arguments or ``WUMBO_SERVE_*``.

Each setting has an environment variable (read by :func:`settings_from_env`); command-line
options override them. Bad values raise :class:`SettingsError` saying what was expected and
what came. Binding to an address other than loopback needs ``allow_remote``.

* ``host`` (``WUMBO_SERVE_HOST``, default ``127.0.0.1``), ``port`` (``WUMBO_SERVE_PORT``,
  ``8080``), ``allow_remote`` (``WUMBO_SERVE_ALLOW_REMOTE``, off; ``1``/``true``/``yes``/``on``);
* ``modules`` and ``templates`` (``WUMBO_SERVE_MODULES``, ``WUMBO_SERVE_TEMPLATES``,
  comma-separated; empty ``templates`` serves every registered template);
* ``tokens`` (``WUMBO_SERVE_TOKENS``, or a file named by ``WUMBO_SERVE_TOKENS_FILE``; none: no
  authentication) and ``grants`` (``WUMBO_SERVE_GRANTS``: ``NAME=ROLE,ROLE;...``, ``*`` for
  every template);
* ``max_body_bytes`` (``WUMBO_SERVE_MAX_BODY_BYTES``, 1 MiB), ``timeout_seconds``
  (``WUMBO_SERVE_TIMEOUT``, 30), ``max_concurrency`` (``WUMBO_SERVE_MAX_CONCURRENCY``, 64),
  ``map_concurrency`` (``WUMBO_SERVE_MAP_CONCURRENCY``, 8), ``retry_after_seconds``
  (``WUMBO_SERVE_RETRY_AFTER``, 1), ``shutdown_seconds`` (``WUMBO_SERVE_SHUTDOWN_SECONDS``, 10),
  ``debug`` (``WUMBO_SERVE_DEBUG``, off).

Tokens are ``TOKEN=ROLE[,ROLE...]`` entries separated by ``;`` (or one per line in a tokens
file, ``#`` starting a comment); they never appear on the command line, where other users of
the machine could read them.

Examples:
    >>> env = {"WUMBO_SERVE_PORT": "9000", "WUMBO_SERVE_TOKENS": "s3cret=ops"}
    >>> settings = settings_from_env({**env, "WUMBO_SERVE_GRANTS": "agg=ops"})
    >>> settings.port, settings.grants, settings.address
    (9000, {'agg': frozenset({'ops'})}, 'http://127.0.0.1:9000')
    >>> settings_from_env({"WUMBO_SERVE_HOST": "0.0.0.0"})
    Traceback (most recent call last):
    ...
    wumbo.serve.settings.SettingsError: refusing to listen on 0.0.0.0, which is not a loopback address: pass --allow-remote (or WUMBO_SERVE_ALLOW_REMOTE=1) to serve other machines
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ENV_PREFIX",
    "ServeSettings",
    "SettingsError",
    "is_loopback",
    "parse_roles_table",
    "read_tokens_file",
    "settings_from_env",
]

ENV_PREFIX = "WUMBO_SERVE_"
"""The prefix of every environment variable ``wumbo serve`` reads."""

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


class SettingsError(ValueError):
    """A setting has a value ``wumbo serve`` cannot use; the message says which and why.

    Examples:
        >>> ServeSettings(port=70000)
        Traceback (most recent call last):
        ...
        wumbo.serve.settings.SettingsError: port must be a whole number from 0 to 65535, got 70000
    """


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and the loopback addresses (``127.0.0.0/8``, ``::1``).

    Examples:
        >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("::1")
        (True, True, True)
        >>> is_loopback("0.0.0.0"), is_loopback("example.com")
        (False, False)
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_roles_table(text: str, what: str) -> dict[str, frozenset[str]]:
    """Parse ``KEY=ROLE[,ROLE...]`` entries separated by ``;`` or new lines (``#`` comments).

    Examples:
        >>> {key: sorted(roles) for key, roles in parse_roles_table("a=x,y; b=z", "g").items()}
        {'a': ['x', 'y'], 'b': ['z']}
        >>> parse_roles_table("a", "grants")
        Traceback (most recent call last):
        ...
        wumbo.serve.settings.SettingsError: grants: expected entries KEY=ROLE[,ROLE...], got an entry without '=' (entry 1)
    """
    table: dict[str, frozenset[str]] = {}
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    entries = [entry.strip() for line in lines for entry in line.split(";") if entry.strip()]
    for number, entry in enumerate(entries, start=1):
        key, equals, roles_text = entry.partition("=")
        roles = frozenset(role.strip() for role in roles_text.split(",") if role.strip())
        # The entry itself is never quoted: for tokens it is a secret.
        if not equals:
            problem = "an entry without '='"
        elif not key.strip():
            problem = "an entry with nothing before '='"
        elif not roles:
            problem = "an entry without roles after '='"
        else:
            table[key.strip()] = table.get(key.strip(), frozenset()) | roles
            continue
        raise SettingsError(
            f"{what}: expected entries KEY=ROLE[,ROLE...], got {problem} (entry {number})"
        )
    return table


_WHOLE_NUMBERS = (
    "max_body_bytes",
    "max_concurrency",
    "map_concurrency",
    "retry_after_seconds",
    "shutdown_seconds",
)


def _unchecked(value: object) -> object:
    """Forget a static type: settings come from users and are checked at run time."""
    return value


def _positive_number(name: str, value: object, *, whole: bool) -> None:
    kind = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or not 0 < value < float("inf"):
        expected = "a positive whole number" if whole else "a positive number"
        raise SettingsError(f"{name} must be {expected}, got {value!r}")


@dataclass(frozen=True)
class ServeSettings:
    """The settings of one server (immutable; checked when created).

    Examples:
        >>> ServeSettings().max_concurrency, ServeSettings(tokens={"s3cret": frozenset({"a"})})
        (64, ServeSettings(host='127.0.0.1', port=8080, allow_remote=False, modules=(), templates=(), grants={}, max_body_bytes=1048576, timeout_seconds=30.0, max_concurrency=64, map_concurrency=8, retry_after_seconds=1, shutdown_seconds=10, debug=False, tokens=<1 hidden>))
    """

    host: str = "127.0.0.1"
    """The address to listen on; anything but loopback needs ``allow_remote``."""
    port: int = 8080
    """The TCP port (0: any free port)."""
    allow_remote: bool = False
    """Allow listening on a non-loopback address."""
    modules: tuple[str, ...] = ()
    """Modules (or plugin directories) to load before serving; their templates register."""
    templates: tuple[str, ...] = ()
    """Serve only these templates (names or aliases); empty: every registered one."""
    grants: Mapping[str, frozenset[str]] = field(default_factory=dict[str, frozenset[str]])
    """Template name (or ``*`` for all) -> the roles allowed to use it (with tokens)."""
    max_body_bytes: int = 1 << 20
    """Largest ``run`` body, and largest line of a ``map`` body, in bytes."""
    timeout_seconds: float = 30.0
    """How long one ``run`` (or one ``map`` line) may take before a 504."""
    max_concurrency: int = 64
    """Template requests handled at once; more get 503 with ``Retry-After``."""
    map_concurrency: int = 8
    """Lines of one ``map`` request in flight at once."""
    retry_after_seconds: int = 1
    """The ``Retry-After`` of a 503."""
    shutdown_seconds: int = 10
    """On SIGTERM, how long in-flight requests may take to finish."""
    debug: bool = False
    """Send tracebacks of failures to clients (never in production)."""
    tokens: Mapping[str, frozenset[str]] = field(
        default_factory=dict[str, frozenset[str]], repr=False
    )
    """Bearer token -> roles; empty: no authentication."""

    def __post_init__(self) -> None:
        host, port = _unchecked(self.host), _unchecked(self.port)
        if not isinstance(host, str) or not host:
            raise SettingsError(f"host must be a host name or address, got {host!r}")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise SettingsError(f"port must be a whole number from 0 to 65535, got {port!r}")
        if not self.allow_remote and not is_loopback(self.host):
            raise SettingsError(
                f"refusing to listen on {self.host}, which is not a loopback address: pass "
                f"--allow-remote (or {ENV_PREFIX}ALLOW_REMOTE=1) to serve other machines"
            )
        for name in _WHOLE_NUMBERS:
            _positive_number(name, getattr(self, name), whole=True)
        _positive_number("timeout_seconds", self.timeout_seconds, whole=False)
        if self.grants and not self.tokens:
            raise SettingsError(
                "grants need tokens: without tokens nobody is authenticated, so roles would "
                "never be checked; set tokens (or drop the grants)"
            )

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in self.__dataclass_fields__
            if name != "tokens"
        )
        return f"ServeSettings({shown}, tokens=<{len(self.tokens)} hidden>)"

    @property
    def address(self) -> str:
        """The base URL clients use.

        Examples:
            >>> ServeSettings(host="::1", port=81).address
            'http://[::1]:81'
        """
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def _flag(name: str, text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise SettingsError(
        f"{ENV_PREFIX}{name} must be 1/0, true/false, yes/no or on/off, got {text!r}"
    )


def _number(name: str, text: str, kind: type[int] | type[float]) -> Any:
    try:
        return kind(text)
    except ValueError:
        expected = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{ENV_PREFIX}{name} must be {expected}, got {text!r}") from None


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def read_tokens_file(path: Path) -> dict[str, frozenset[str]]:
    """The tokens of a file of ``TOKEN=ROLE[,ROLE...]`` lines (``#`` starts a comment).

    Examples:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = Path(folder) / "tokens"
        ...     _ = path.write_text("# ops team\\nabc=ops,read\\n")
        ...     sorted(read_tokens_file(path)["abc"])
        ['ops', 'read']
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SettingsError(f"cannot read tokens file {str(path)!r}: {error.strerror}") from None
    return parse_roles_table(text, f"tokens file {str(path)!r}")


def settings_from_env(environ: Mapping[str, str] | None = None, **overrides: Any) -> ServeSettings:
    """Settings from the ``WUMBO_SERVE_*`` environment variables, then ``overrides`` (those not
    ``None``: command-line options win), then the defaults.

    Examples:
        >>> settings = settings_from_env({"WUMBO_SERVE_TOKENS": "t1=ops;t2=ops,admin"})
        >>> sorted(settings.tokens), settings.timeout_seconds
        (['t1', 't2'], 30.0)
        >>> settings_from_env({"WUMBO_SERVE_HOST": "0.0.0.0"}, allow_remote=True, port=None).port
        8080
        >>> settings_from_env({"WUMBO_SERVE_TIMEOUT": "soon"})
        Traceback (most recent call last):
        ...
        wumbo.serve.settings.SettingsError: WUMBO_SERVE_TIMEOUT must be a number, got 'soon'
    """
    env = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        return env.get(ENV_PREFIX + name)

    values: dict[str, Any] = {}
    if (text := get("HOST")) is not None:
        values["host"] = text.strip()
    for name, key, kind in (
        ("PORT", "port", int),
        ("MAX_BODY_BYTES", "max_body_bytes", int),
        ("MAX_CONCURRENCY", "max_concurrency", int),
        ("MAP_CONCURRENCY", "map_concurrency", int),
        ("RETRY_AFTER", "retry_after_seconds", int),
        ("TIMEOUT", "timeout_seconds", float),
        ("SHUTDOWN_SECONDS", "shutdown_seconds", int),
    ):
        if (text := get(name)) is not None:
            values[key] = _number(name, text, kind)
    for name, key in (("ALLOW_REMOTE", "allow_remote"), ("DEBUG", "debug")):
        if (text := get(name)) is not None:
            values[key] = _flag(name, text)
    for name, key in (("MODULES", "modules"), ("TEMPLATES", "templates")):
        if (text := get(name)) is not None:
            values[key] = _names(text)
    if (text := get("GRANTS")) is not None:
        values["grants"] = parse_roles_table(text, f"{ENV_PREFIX}GRANTS")
    tokens: dict[str, frozenset[str]] = {}
    if (text := get("TOKENS_FILE")) is not None and text.strip():
        tokens.update(read_tokens_file(Path(text.strip())))
    if (text := get("TOKENS")) is not None:
        tokens.update(parse_roles_table(text, f"{ENV_PREFIX}TOKENS"))
    if tokens:
        values["tokens"] = tokens
    values.update({key: value for key, value in overrides.items() if value is not None})
    return ServeSettings(**values)
