"""``wumbo serve``: the command's options, and running it.

`add_parser` adds the ``serve`` subcommand to ``wumbo``'s parser; `run` runs it and
returns the exit status: 0 after SIGTERM, 130 after Ctrl-C, 2 for a usage error (a bad setting,
a module that cannot be imported, a busy port), reported in one line on stderr. Every option
has a ``WUMBO_SERVE_*`` environment variable (see [`wumbo.serve.settings`][wumbo.serve.settings]); options win.
Bearer tokens come from a file or the environment, never from the command line.

Examples:
    >>> args = build_parser().parse_args(["myapp.templates", "--port", "9000", "--grant", "*=ops"])
    >>> args.modules, args.port, args.grants, args.body_seconds
    (['myapp.templates'], 9000, ['*=ops'], None)
    >>> run(build_parser().parse_args(["--host", "0.0.0.0"]))
    2
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import Any

from wumbo.serve.settings import (
    OPTIONS,
    Kind,
    Option,
    ServeSettings,
    SettingsError,
    parse_roles_table,
    read_tokens_file,
    settings_from_env,
)

__all__ = ["add_parser", "build_parser", "run", "settings_from_args"]

_EPILOG = """\
routes: GET /templates, GET /templates/NAME, POST /templates/NAME/run (JSON),
POST /templates/NAME/map (JSON Lines), GET /healthz, GET /readyz, GET /metrics.
Every option has an environment variable WUMBO_SERVE_<OPTION> (e.g. WUMBO_SERVE_PORT);
tokens come from --tokens-file, WUMBO_SERVE_TOKENS_FILE or WUMBO_SERVE_TOKENS
("TOKEN=ROLE,ROLE;..."), never from the command line.

examples:
  wumbo serve myproject.templates
  wumbo serve shop.orders:pipeline --name refunds=shop.refunds:pipeline
  wumbo serve plugins/ --port 9000 --tokens-file tokens.txt --grant '*=reader'
  WUMBO_SERVE_ALLOW_REMOTE=1 wumbo serve myproject.templates --host 0.0.0.0
"""


_TYPES: dict[Kind, type[int] | type[float] | type[str]] = {
    "text": str,
    "port": int,
    "whole": int,
    "number": float,
    "names": str,
    "roles": str,
}


def _help(name: str, option: Option) -> str:
    """The option's help, saying whether it repeats, or its default when worth showing."""
    default: object = ServeSettings.__dataclass_fields__[name].default
    if option.kind in ("names", "roles"):
        return f"{option.help} (repeatable)"
    if isinstance(default, bool) or not isinstance(default, str | int | float):
        return option.help
    return f"{option.help} (default {default})"


def _define(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add every option of [`OPTIONS`][wumbo.serve.settings.OPTIONS] to ``parser``."""
    add = parser.add_argument
    add("--tokens-file", type=Path, metavar="PATH", help="bearer tokens: TOKEN=ROLE,... lines")
    for name, option in OPTIONS.items():
        if option.flag is None:
            add(name, nargs="*", metavar=option.metavar, help=_help(name, option))
        elif option.kind == "switch":
            add(option.flag, dest=name, action="store_true", default=None, help=option.help)
        else:
            repeated = option.kind in ("names", "roles")
            add(
                option.flag,
                dest=name,
                type=_TYPES[option.kind],
                action="append" if repeated else "store",
                metavar=option.metavar,
                help=_help(name, option),
            )
    return parser


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],  # pyright: ignore[reportPrivateUsage]
) -> argparse.ArgumentParser:
    """Add the ``serve`` subcommand to ``subparsers``; returns its parser (set its handler).

    Examples:
        >>> parser = argparse.ArgumentParser(prog="wumbo")
        >>> serve = add_parser(parser.add_subparsers(dest="command"))
        >>> parser.parse_args(["serve", "--port", "0"]).port
        0
    """
    parser = subparsers.add_parser(
        "serve",
        help="serve templates and pipelines over HTTP",
        description="Serve the registered templates (plugins included) over HTTP.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return _define(parser)


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m wumbo.serve`` (the options of ``wumbo serve``).

    Examples:
        >>> build_parser().parse_args([]).host is None
        True
    """
    parser = argparse.ArgumentParser(
        prog="python -m wumbo.serve",
        description="Serve the registered templates (plugins included) over HTTP.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return _define(parser)


def _given(option: Option, value: Any) -> Any:
    """A parsed command-line value as a setting (``None``: not given)."""
    if option.kind not in ("names", "roles"):
        return value
    if not value:
        return None
    if option.kind == "roles":
        return parse_roles_table(";".join(value), option.flag or option.env)
    return tuple(value)


def settings_from_args(args: argparse.Namespace) -> ServeSettings:
    """The settings of a parsed command line over the ``WUMBO_SERVE_*`` environment.

    Examples:
        >>> args = build_parser().parse_args(["--port", "0", "--max-concurrency", "2"])
        >>> settings = settings_from_args(args)
        >>> settings.port, settings.max_concurrency
        (0, 2)
    """
    given = {name: _given(option, getattr(args, name)) for name, option in OPTIONS.items()}
    tokens = None if args.tokens_file is None else read_tokens_file(args.tokens_file)
    return settings_from_env(os.environ, tokens=tokens, **given)


def run(args: argparse.Namespace) -> int:
    """Serve as ``args`` say until SIGTERM (0) or Ctrl-C (130); 2 and one line on stderr for a
    usage error."""
    from wumbo.framework import get_registry
    from wumbo.serve.loading import is_pipeline_spec, load_modules, load_pipelines
    from wumbo.serve.server import run_server

    try:
        settings = settings_from_args(args)
        registry = get_registry()
        modules = [spec for spec in settings.modules if not is_pipeline_spec(spec)]
        specs = [spec for spec in settings.modules if is_pipeline_spec(spec)]
        before = set(registry.list_templates())
        load_modules(registry, modules)
        pipelines = load_pipelines([*specs, *settings.names])
        if pipelines and modules and not settings.templates:
            # the modules' own templates are served next to the pipelines, not the built-ins
            loaded = tuple(sorted(set(registry.list_templates()) - before))
            settings = dataclasses.replace(settings, templates=loaded)
        return run_server(settings, registry, pipelines=pipelines)
    except SettingsError as error:
        print(f"wumbo serve: error: {error}", file=sys.stderr)
        return 2
