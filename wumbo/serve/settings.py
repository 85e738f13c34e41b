"""``ServeSettings``: everything ``wumbo serve`` can be told, from arguments or ``WUMBO_SERVE_*``.

Each setting has an environment variable (read by [`settings_from_env`][wumbo.serve.settings.settings_from_env]); command-line
options override them. Bad values raise [`SettingsError`][wumbo.serve.settings.SettingsError] saying what was expected and
what came. Binding to an address other than loopback needs ``allow_remote``.

Every field of [`ServeSettings`][wumbo.serve.settings.ServeSettings] but ``tokens`` is an option, and [`OPTIONS`][wumbo.serve.settings.OPTIONS] is
the one table of them: each one's environment variable (``WUMBO_SERVE_`` and its name, e.g.
``WUMBO_SERVE_BODY_SECONDS``), command-line flag (``--body-seconds``), kind (from its type) and
help. Each is declared once, as its field; only the older spellings kept for the command line
(``--timeout``, ``--retry-after``, the singular ``--name``/``--template``/``--grant`` of
repeatable options) are said there. [`options_table`][wumbo.serve.settings.options_table]
makes the docs' table from the same declarations. Switches take
``1``/``true``/``yes``/``on`` (or ``0``/``false``/``no``/``off``); names are comma-separated;
grants are ``NAME=ROLE,ROLE;...`` (``*`` for every template). Tokens come from
``WUMBO_SERVE_TOKENS`` or a file named by ``WUMBO_SERVE_TOKENS_FILE`` (none: no
authentication).

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
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "ENV_PREFIX",
    "OPTIONS",
    "Kind",
    "Option",
    "ServeSettings",
    "SettingsError",
    "is_loopback",
    "options_table",
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


Kind = Literal["text", "port", "whole", "number", "switch", "names", "roles"]
"""How a setting is written: free text, a port, a positive whole number, a positive number, an
on/off switch, comma-separated names, or ``KEY=ROLE[,ROLE...]`` entries."""


@dataclass(frozen=True, slots=True)
class Option:
    """How one setting is given: its environment variable (after ``WUMBO_SERVE_``), its
    command-line flag (``None``: a positional argument), its kind, its help line (for the
    command line and the docs) and the placeholder of its value.

    A setting is declared once, as a field of [`ServeSettings`][wumbo.serve.settings.ServeSettings]:
    its environment variable is its name in capitals and its flag its name with dashes, unless
    the declaration says otherwise, and its kind follows from its type.

    Examples:
        >>> option = OPTIONS["body_seconds"]
        >>> option.env, option.flag, option.kind, option.metavar
        ('BODY_SECONDS', '--body-seconds', 'number', 'SECONDS')
        >>> OPTIONS["timeout_seconds"].flag, OPTIONS["grants"].kind
        ('--timeout', 'roles')
    """

    env: str
    flag: str | None
    kind: Kind
    help: str
    metavar: str | None = None


_KINDS: dict[str, Kind] = {
    "str": "text",
    "str | None": "text",
    "int": "whole",
    "float": "number",
    "bool": "switch",
    "tuple[str, ...]": "names",
    "Mapping[str, frozenset[str]]": "roles",
}
"""The kind of a setting of each annotated type (the port declares its own)."""

_DERIVED = "derived"
"""A flag (or environment variable) named after the setting."""


def _option(
    default: Any,
    help: str,
    *,
    metavar: str | None = None,
    kind: Kind | None = None,
    env: str = _DERIVED,
    flag: str | None = _DERIVED,
) -> Any:
    """A field of `ServeSettings` that is an option: its default and help, and only what
    cannot be derived from its name and type (see `Option`)."""
    metadata = {"option": (help, metavar, kind, env, flag)}
    if isinstance(default, dict):
        return field(default_factory=dict[str, frozenset[str]], metadata=metadata)
    return field(default=default, metadata=metadata)


def _resolved(name: str, annotation: object, declared: tuple[Any, ...]) -> Option:
    help, metavar, kind, env, flag = declared
    return Option(
        env=name.upper() if env == _DERIVED else env,
        flag="--" + name.replace("_", "-") if flag == _DERIVED else flag,
        kind=kind or _KINDS[str(annotation)],
        help=help,
        metavar=metavar,
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
    """The settings of one server (immutable; checked when created). Every field but
    ``tokens`` is an option (see [`OPTIONS`][wumbo.serve.settings.OPTIONS]).

    Examples:
        >>> ServeSettings().max_concurrency, ServeSettings(tokens={"s3cret": frozenset({"a"})})
        (64, ServeSettings(host='127.0.0.1', port=8080, allow_remote=False, modules=(), names=(), templates=(), grants={}, max_body_bytes=1048576, body_seconds=10.0, timeout_seconds=30.0, max_concurrency=64, map_concurrency=8, max_abandoned_threads=16, retry_after_seconds=1, shutdown_seconds=10, metrics_role=None, debug=False, tokens=<1 hidden>))
    """

    host: str = _option(
        "127.0.0.1",
        "the address to listen on (not loopback: needs --allow-remote)",
        metavar="ADDRESS",
    )
    port: int = _option(8080, "the TCP port; 0 picks a free one", metavar="N", kind="port")
    allow_remote: bool = _option(False, "allow a --host that is not loopback (others can connect)")
    modules: tuple[str, ...] = _option(
        (),
        "modules or plugin directories to load, MODULE:ATTR pipelines",
        metavar="MODULE",
        flag=None,
    )
    names: tuple[str, ...] = _option(
        (), "serve the pipeline MODULE:ATTR under NAME", metavar="NAME=MODULE:ATTR", flag="--name"
    )
    templates: tuple[str, ...] = _option(
        (),
        "serve only these templates (none named: every registered one)",
        metavar="NAME",
        flag="--template",
    )
    grants: Mapping[str, frozenset[str]] = _option(
        {},
        "let these roles use template NAME ('*': every one)",
        metavar="NAME=ROLE[,ROLE]",
        flag="--grant",
    )
    max_body_bytes: int = _option(1 << 20, "largest run body (and map line), then 413", metavar="N")
    body_seconds: float = _option(
        10.0, "time to send a run body (or one map line), then 408", metavar="SECONDS"
    )
    timeout_seconds: float = _option(
        30.0,
        "time per run (or map line), then 504",
        metavar="SECONDS",
        env="TIMEOUT",
        flag="--timeout",
    )
    max_concurrency: int = _option(64, "template requests at once, then 503", metavar="N")
    map_concurrency: int = _option(8, "lines of one map request in flight at once", metavar="N")
    max_abandoned_threads: int = _option(
        16, "sync template calls still running past their timeout, then 503", metavar="N"
    )
    retry_after_seconds: int = _option(
        1, "the Retry-After of a 503", metavar="SECONDS", env="RETRY_AFTER", flag="--retry-after"
    )
    shutdown_seconds: int = _option(
        10, "on SIGTERM, time for requests in flight to finish", metavar="SECONDS"
    )
    metrics_role: str | None = _option(
        None, "GET /metrics needs a token with this role, then shows every template", metavar="ROLE"
    )
    debug: bool = _option(False, "send tracebacks of failures to clients (never in production)")
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
        for name, option in OPTIONS.items():
            if option.kind in ("whole", "number"):
                _positive_number(name, getattr(self, name), whole=option.kind == "whole")
        if self.grants and not self.tokens:
            raise SettingsError(
                "grants need tokens: without tokens nobody is authenticated, so roles would "
                "never be checked; set tokens (or drop the grants)"
            )
        role = _unchecked(self.metrics_role)
        if role is not None and (not isinstance(role, str) or not role.strip()):
            raise SettingsError(f"metrics_role must be a role name, got {role!r}")
        if role is not None and not self.tokens:
            raise SettingsError(
                "metrics_role needs tokens: without tokens nobody has a role; set tokens "
                "(or drop metrics_role)"
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


OPTIONS: Mapping[str, Option] = {
    f.name: _resolved(f.name, f.type, f.metadata["option"])
    for f in fields(ServeSettings)
    if "option" in f.metadata
}
"""Every setting that is an option, by field name, in the order of the fields: the one place
the command line (`wumbo.serve.cli`) and the environment ([`settings_from_env`][wumbo.serve.settings.settings_from_env])
learn what exists."""


def _shown_default(name: str) -> str:
    default: object = ServeSettings.__dataclass_fields__[name].default
    if default in ((), None, MISSING):
        return "none"
    if isinstance(default, bool):
        return "on" if default else "off"
    return str(default)


def _row(name: str, option: Option) -> str:
    if option.flag is None:
        given = f"`{option.metavar} ...`"
    elif option.metavar is None:
        given = f"`{option.flag}`"
    else:
        given = f"`{option.flag} {option.metavar}`"
    more = {
        "names": " (repeatable; in the variable, comma-separated)",
        "roles": " (repeatable; in the variable, `;`-separated)",
        "switch": " (in the variable, `1` or `0`)",
    }.get(option.kind, "")
    env = f"`{ENV_PREFIX}{option.env}`"
    return f"| {given} | {env} | {_shown_default(name)} | {option.help}{more} |"


def options_table() -> str:
    """The Markdown table of every option: flag, environment variable, default and help.
    The settings page of the docs holds it as it is (a test keeps the two equal).

    Examples:
        >>> print(options_table().splitlines()[3])
        | `--port N` | `WUMBO_SERVE_PORT` | 8080 | the TCP port; 0 picks a free one |
    """
    head = "| option | environment variable | default | what |\n| --- | --- | --- | --- |"
    return "\n".join([head, *(_row(name, option) for name, option in OPTIONS.items())])


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


def _from_text(option: Option, text: str) -> Any:
    """The value of an environment variable, read as ``option`` says."""
    match option.kind:
        case "text":
            return text.strip()
        case "port" | "whole":
            return _number(option.env, text, int)
        case "number":
            return _number(option.env, text, float)
        case "switch":
            return _flag(option.env, text)
        case "names":
            return _names(text)
        case "roles":
            return parse_roles_table(text, f"{ENV_PREFIX}{option.env}")


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
    for key, option in OPTIONS.items():
        if (text := get(option.env)) is not None:
            values[key] = _from_text(option, text)
    tokens: dict[str, frozenset[str]] = {}
    if (text := get("TOKENS_FILE")) is not None and text.strip():
        tokens.update(read_tokens_file(Path(text.strip())))
    if (text := get("TOKENS")) is not None:
        tokens.update(parse_roles_table(text, f"{ENV_PREFIX}TOKENS"))
    if tokens:
        values["tokens"] = tokens
    values.update({key: value for key, value in overrides.items() if value is not None})
    return ServeSettings(**values)
