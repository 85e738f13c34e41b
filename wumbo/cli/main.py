"""``wumbo``'s argument parsing, dispatch to the subcommands, and exit statuses.

``wumbo run``, ``wumbo demo``, ``wumbo list`` and ``wumbo info``; every one has ``--help``.
Exit statuses (see `ExitStatus`): 0 when everything worked, 1 when
``run`` finished but some items failed, 2 for a usage error (one line on stderr says what is
wrong), 3 when a run had to stop because an output file could not be written, 130 after
Ctrl-C, 141 when the reader of the output went away.

Examples:
    >>> main(["run", "wumbo.examples.orders:nothing_here", "orders.jsonl"])
    2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, TypeAlias

from wumbo.cli.display import Display, choose_display
from wumbo.cli.exits import CommandLineError, ExitStatus

__all__ = ["build_parser", "main"]

_Handler = Callable[[argparse.Namespace, Display], ExitStatus]
_Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"  # pyright: ignore[reportPrivateUsage]
_SERVE_HINT = "pip install 'wumbo[serve]'"


def _concurrency(text: str) -> int | Literal["auto"]:
    if text == "auto":
        return "auto"
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(
            f"expected a positive whole number or 'auto', got {text!r}"
        )
    return number


def _seconds(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        number = 0.0
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return number


def _setting(text: str) -> tuple[str, object]:
    key, equals, raw = text.partition("=")
    if not equals or not key.isidentifier():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE with KEY a name, got {text!r}")
    try:
        value: object = json.loads(raw)
    except ValueError:
        value = raw  # not JSON: the text itself
    return key, value


def _run(args: argparse.Namespace, display: Display) -> ExitStatus:
    from wumbo.cli.run import RunOptions, run_pipeline

    options = RunOptions(
        target=args.pipeline,
        input=args.input,
        output=args.output,
        errors=args.errors,
        input_format=args.format,
        resume=args.resume,
        concurrency=args.concurrency,
        ordered=not args.unordered,
        executor=args.executor,
        timeout=args.timeout,
        config=dict(args.config),
        progress=not args.no_progress,
        raw=args.raw,
    )
    progress_display = choose_display(sys.stderr, plain=args.plain)  # progress: on stderr
    return run_pipeline(options, display, progress_display)


def _demo(args: argparse.Namespace, display: Display) -> ExitStatus:
    from wumbo.cli.demo import run_demo

    run_demo(display)
    return ExitStatus.OK


def _list(args: argparse.Namespace, display: Display) -> ExitStatus:
    from wumbo.cli.listing import show_list

    show_list(display, args.category)
    return ExitStatus.OK


def _info(args: argparse.Namespace, display: Display) -> ExitStatus:
    if ":" in args.name or args.mermaid:
        from wumbo.cli.pipeline_info import show_pipeline

        show_pipeline(display, args.name, mermaid=args.mermaid)
        return ExitStatus.OK
    from wumbo.cli.listing import show_info

    show_info(display, args.name)
    return ExitStatus.OK


_RUN_EPILOG = """\
Every input line yields one record: {"line": N, "output": ...} in the output file, or
{"line", "stage", "position", "error_type", "error", "input"} in the errors file. Blank lines
are not items; a line that cannot be read, or does not fit the first stage's annotated input
type (into which each line is decoded, unless --raw), is a "read" error record. Progress goes
to stderr.
--resume refuses (status 2) an input that changed since the records were written; one that
only grew resumes. Exit status: 0 all items succeeded, 1 some failed, 2 usage error, 3 an
output file could not be written, 130 interrupted (continue with --resume).

examples:
  wumbo run myproject.pipelines:clean data.jsonl
  wumbo run myproject.pipelines:clean data.csv -o clean.jsonl --executor processes
  wumbo run transformer data.jsonl --config 'map_func=null'
  wumbo run myproject.pipelines:clean data.jsonl --resume
"""


def _add_run(commands: _Commands) -> None:
    run = commands.add_parser(
        "run",
        parents=[_global_flags()],
        help="run a pipeline over a JSON Lines or CSV file",
        description="Run a pipeline over every item of a JSON Lines or CSV file.",
        epilog=_RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "pipeline",
        metavar="MODULE:PIPELINE|NAME",
        help="a pipeline in a module (package.module:attribute), or a registered template name",
    )
    run.add_argument("input", type=Path, metavar="INPUT", help="the JSON Lines or CSV file")
    run.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="PATH",
        help="where results go (default: INPUT's stem + .out.jsonl, next to it)",
    )
    run.add_argument(
        "--errors",
        type=Path,
        metavar="PATH",
        help="where failures go (default: INPUT's stem + .errors.jsonl, next to it)",
    )
    run.add_argument(
        "--format",
        choices=["jsonl", "csv"],
        help="the input format (default: csv for a .csv file, else jsonl)",
    )
    run.add_argument(
        "--resume",
        action="store_true",
        help="skip the lines already recorded in the output or errors file, and append",
    )
    run.add_argument(
        "-c",
        "--concurrency",
        type=_concurrency,
        default=8,
        metavar="N|auto",
        help="items in flight at once (default: 8; auto tunes it)",
    )
    run.add_argument(
        "--unordered",
        action="store_true",
        help="write records as items finish instead of in input order",
    )
    run.add_argument(
        "-e",
        "--executor",
        default="inline",
        metavar="inline|threads|processes|tcp://HOST:PORT",
        help="where items run: inline (default), threads, processes, or a Dask scheduler",
    )
    run.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="fail an item that takes longer than this; for pipelines of synchronous stages, "
        "it needs --executor threads or processes",
    )
    run.add_argument(
        "--config",
        type=_setting,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="configuration of a registered template or BaseTemplate class; VALUE is JSON, "
        "or text when it is not JSON (repeatable)",
    )
    run.add_argument(
        "--raw",
        action="store_true",
        help="give the first stage each line's JSON value (or CSV row) as it is, instead of "
        "decoding it into the stage's annotated input type",
    )
    run.add_argument("--no-progress", action="store_true", help="no progress bar or progress lines")
    run.set_defaults(handler=_run)


class _ShowVersion(argparse.Action):
    """``--version``: the version is read from the package metadata only when asked for
    (reading it costs more than the rest of a short run's start)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings,
            argparse.SUPPRESS,
            nargs=0,
            help="show program's version number and exit",
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from wumbo._version import __version__

        print(f"wumbo {__version__}")
        parser.exit()


def _add_global_flags(parser: argparse.ArgumentParser, *, default: object) -> None:
    parser.add_argument("--version", action=_ShowVersion)
    parser.add_argument(
        "--plain",
        action="store_true",
        default=default,
        help="plain text output, no rich (automatic when rich is not installed)",
    )


def _global_flags() -> argparse.ArgumentParser:
    """The flags of ``wumbo`` itself, for each subcommand too (``wumbo list --plain``); a
    subcommand that is not given one leaves the value ``wumbo`` parsed."""
    flags = argparse.ArgumentParser(add_help=False)
    _add_global_flags(flags, default=argparse.SUPPRESS)
    return flags


def _subcommand(
    commands: _Commands,
    name: str,
    handler: _Handler,
    summary: str,
    description: str,
) -> argparse.ArgumentParser:
    """A subcommand that takes the flags of ``wumbo`` itself and runs ``handler``."""
    parser = commands.add_parser(
        name, parents=[_global_flags()], help=summary, description=description
    )
    parser.set_defaults(handler=handler)
    return parser


def _add_demo(commands: _Commands) -> None:
    _subcommand(
        commands,
        "demo",
        _demo,
        "run the example pipeline on the data shipped with wumbo",
        "Run validate | convert | price (with a retry and a cache) on the orders shipped with "
        "wumbo, with pipeline.map and pipeline.amap, and show what happened.",
    )


def _add_list(commands: _Commands) -> None:
    listing = _subcommand(
        commands,
        "list",
        _list,
        "list the registered templates, plugins included",
        "List the templates of the registry (built-ins, entry-point plugins and "
        "WUMBO_PLUGIN_PATHS files) with their categories and aliases.",
    )
    listing.add_argument(
        "--category",
        metavar="CATEGORY",
        help="only the templates of this category (validator, transformer, workflow, ...)",
    )


def _add_info(commands: _Commands) -> None:
    info = _subcommand(
        commands,
        "info",
        _info,
        "show a pipeline's stages and types, or a registered template's metadata",
        "Show the stages of a pipeline in a module (MODULE:ATTR) in order, with their input, "
        "output and declared error types and their marks (async, blocking, decorators); or "
        "the metadata of a registered template (by name or alias).",
    )
    info.add_argument(
        "name", metavar="MODULE:ATTR|NAME", help="a pipeline in a module, or a template name"
    )
    info.add_argument(
        "--mermaid", action="store_true", help="print the pipeline's Mermaid flowchart instead"
    )


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of the ``wumbo`` command and its subcommands; given the ``command`` about to
    run (a known one), only that subcommand's parser, since building the others (and
    importing ``wumbo.serve`` for its options) would only slow the start down.

    Examples:
        >>> args = build_parser().parse_args(["run", "pkg.mod:clean", "data.jsonl", "-c", "auto"])
        >>> args.pipeline, args.input, args.concurrency, args.executor
        ('pkg.mod:clean', PosixPath('data.jsonl'), 'auto', 'inline')
        >>> build_parser().parse_args(["list", "--plain"]).plain  # after the subcommand too
        True
        >>> build_parser("info").parse_args(["info", "transform"]).name
        'transform'
    """
    parser = argparse.ArgumentParser(
        prog="wumbo",
        description="Typed pipelines of plain functions: run them over files, try the demo, "
        "browse the template registry.",
    )
    _add_global_flags(parser, default=False)
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    chosen = _SUBCOMMANDS.get(command or "")
    for add in _SUBCOMMANDS.values() if chosen is None else (chosen,):
        add(commands)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` asks for: its first argument that is not an option (the
    options of ``wumbo`` itself take no value)."""
    return next((argument for argument in argv if not argument.startswith("-")), None)


def _serve(args: argparse.Namespace, display: Display) -> ExitStatus:
    from wumbo.serve.cli import run

    return ExitStatus(run(args))  # run prints its own one-line "wumbo serve: error: ..."


def _add_serve(commands: _Commands) -> None:
    try:
        from wumbo.serve.cli import add_parser
    except ImportError as missing:  # the serve extra is not installed
        reason = str(missing)
        if _SERVE_HINT not in reason:
            reason = f"{reason} ({_SERVE_HINT})"
        serve = commands.add_parser(
            "serve",
            parents=[_global_flags()],
            help=f"serve registered templates over HTTP ({_SERVE_HINT})",
        )
        serve.add_argument("ignored", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)

        def _missing(args: argparse.Namespace, display: Display) -> ExitStatus:
            raise CommandLineError(reason)

        serve.set_defaults(handler=_missing)
        return
    serve = add_parser(commands)
    _add_global_flags(serve, default=argparse.SUPPRESS)
    serve.set_defaults(handler=_serve)


_SUBCOMMANDS: dict[str, Callable[[_Commands], None]] = {
    "run": _add_run,
    "demo": _add_demo,
    "list": _add_list,
    "info": _add_info,
    "serve": _add_serve,
}
"""Each subcommand, in the order ``wumbo --help`` lists them, and what adds its parser."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``wumbo`` command with ``argv`` (default: the process's arguments).

    Returns the exit status; errors are reported on stderr in one line.

    Examples:
        >>> main(["--version"])
        wumbo 0.1.0
        0
    """
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_in(arguments))
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exit_:  # --help, --version, or a usage error already reported
        return exit_.code if isinstance(exit_.code, int) else int(ExitStatus.USAGE)
    if args.command is None:
        parser.print_help(sys.stderr)
        return int(ExitStatus.USAGE)
    handler: _Handler = args.handler
    display = choose_display(sys.stdout, plain=args.plain)
    try:
        return int(handler(args, display))
    except CommandLineError as error:
        sys.stdout.flush()
        print(f"wumbo {args.command}: error: {error}", file=sys.stderr)
        return int(error.status)
    except KeyboardInterrupt:
        print(f"wumbo {args.command}: interrupted", file=sys.stderr)
        return int(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        # Point stdout at devnull so that the interpreter's final flush stays silent.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return int(ExitStatus.BROKEN_PIPE)
