"""``wumbo run``: a pipeline over a JSON Lines or CSV file, one record per input item.

The input is read lazily, so memory stays bounded however large the file. A pipeline of
synchronous stages on the default inline executor runs item after item in the command's thread,
straight into the records (what ``pipeline.map`` would do inline, without a Result around each
item's run); any other pipeline or executor streams through ``pipeline.map``, with the runtime's
concurrency, ordering, timeout and executor.
With a typed first stage, each line is decoded into its input type (`wumbo.cli.decoding`;
``--raw`` gives the JSON values as they are). Each item's record is appended as soon as its
result arrives: successes to the output file, failures (with line, stage, position, error and
input) to the errors file. With ``--resume``
the lines already recorded in either file are skipped, so an interrupted run continues where
it stopped. A progress display runs meanwhile (on the standard error: a bar on a terminal,
else a line a second), and a summary table follows (on the standard output).

Examples:
    >>> import io, tempfile
    >>> from pathlib import Path
    >>> from wumbo.cli.display import Display
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "things.jsonl").write_text('"abc"\\n[1, 2]\\n5\\n')
    >>> options = RunOptions("builtins:len", folder / "things.jsonl", progress=False)
    >>> status = run_pipeline(options, Display(io.StringIO(), rich=False), Display(io.StringIO(), rich=False))
    >>> status.name, (folder / "things.out.jsonl").read_text()
    ('ITEMS_FAILED', '{"line": 1, "output": 3}\\n{"line": 2, "output": 2}\\n')
    >>> print((folder / "things.errors.jsonl").read_text(), end="")
    {"line": 3, "stage": "len", "position": 1, "error_type": "TypeError", "error": "object of type 'int' has no len()", "input": 5}
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from returns.result import Success

from wumbo.cli.decoding import decoding_for
from wumbo.cli.display import Display
from wumbo.cli.executors import open_executor
from wumbo.cli.exits import CommandLineError, ExitStatus
from wumbo.cli.failures import error_record, lost_item_record, write_failure
from wumbo.cli.fingerprint import Checkpoints, ConsumedInput, fingerprint_path
from wumbo.cli.loading import load_pipeline
from wumbo.cli.progress import ProgressReport, progress_for
from wumbo.cli.reading import (
    InputFormat,
    Numbered,
    count_items,
    input_format,
    open_input,
    read_items,
)
from wumbo.cli.records import ErrorRecord, NotEncodable, RecordFiles, error_line, output_line
from wumbo.cli.resume import resume_point
from wumbo.cli.summary import RunSummary, show_summary
from wumbo.cli.timings import StageTimings
from wumbo.cli.tracking import ItemRun, item_runner, tracked
from wumbo.core.many import MapOptions
from wumbo.core.template import Template

__all__ = ["RunOptions", "record_paths", "run_pipeline"]


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What ``wumbo run`` was asked to do (one field per command-line option).

    Examples:
        >>> from pathlib import Path
        >>> RunOptions("pkg.mod:pipeline", Path("in.jsonl")).concurrency
        8
    """

    target: str
    input: Path
    output: Path | None = None
    errors: Path | None = None
    input_format: InputFormat | None = None
    resume: bool = False
    concurrency: int | Literal["auto"] = 8
    ordered: bool = True
    executor: str = "inline"
    timeout: float | None = None
    config: Mapping[str, object] = field(default_factory=dict[str, object])
    progress: bool = True
    raw: bool = False


def record_paths(options: RunOptions) -> tuple[Path, Path]:
    """The output and errors files: as given, else ``<stem>.out.jsonl`` and
    ``<stem>.errors.jsonl`` next to the input.

    Examples:
        >>> from pathlib import Path
        >>> record_paths(RunOptions("m:p", Path("data/orders.csv")))
        (PosixPath('data/orders.out.jsonl'), PosixPath('data/orders.errors.jsonl'))
    """
    source = options.input
    output = options.output or source.with_name(f"{source.stem}.out.jsonl")
    errors = options.errors or source.with_name(f"{source.stem}.errors.jsonl")
    resolved = {path.resolve() for path in (source, output, errors)}
    if len(resolved) < 3:
        raise CommandLineError(
            f"the input, output and errors files must be three different files, got "
            f"'{source}', '{output}' and '{errors}'"
        )
    return output, errors


class _InFlight:
    """The items pulled from the input whose records are not written yet, by line."""

    def __init__(self, items: Iterable[Numbered]) -> None:
        self._items = items
        self._values: dict[int, object] = {}

    def __iter__(self) -> Iterator[Numbered]:
        for item in self._items:
            self._values[item.line] = item.value
            yield item

    def pop(self, line: int) -> object:
        return self._values.pop(line, None)


class _Recorder:
    """Writes the record of each item and keeps the counts, the stage timings and the
    progress display up to date."""

    def __init__(self, files: RecordFiles, pipeline: str, progress: ProgressReport | None) -> None:
        self.files, self.pipeline, self.progress = files, pipeline, progress
        self.ok = self.failed = 0
        self.timings = StageTimings()

    def ran(self, run: ItemRun, item: object) -> None:
        """Record the run of one item whose input was ``item``."""
        self.timings.add(run.stages)
        result = run.result
        if result.__class__ is not Success:
            self._failed(error_line(error_record(run, item)))
        else:
            output = result.unwrap()
            try:
                line = output_line(run.line, output)
            except NotEncodable as error:
                self._failed(error_line(write_failure(run.line, str(error), output, item)))
            else:
                self.files.write(line)
                self.ok += 1
        self._counted()

    def lost(self, error: object) -> ErrorRecord:
        """Record an item the runtime could not run (a timeout, a lost worker); its record."""
        record = lost_item_record(error, self.pipeline)
        self._failed(error_line(record))
        self._counted()
        return record

    def _failed(self, line: bytes) -> None:
        self.files.write(line, failed=True)
        self.failed += 1

    def _counted(self) -> None:
        """One more item is recorded: tell the progress display."""
        if self.progress is not None:
            self.progress.update(self.ok + self.failed, self.failed)

    def close(self) -> None:
        """Show the final counts."""
        if self.progress is not None:
            self.progress.close(self.ok + self.failed, self.failed)


def _check_options(options: RunOptions, pipeline: Template[Any, Any, Any]) -> None:
    if options.timeout is not None and options.executor == "inline" and not pipeline.is_async:
        raise CommandLineError(
            f"--timeout needs --executor threads or processes for {pipeline.__name__!r}: its "
            f"stages are synchronous, and run inline nothing can interrupt them"
        )
    try:
        MapOptions(options.concurrency, options.ordered, options.timeout)
    except (TypeError, ValueError) as error:
        raise CommandLineError(str(error)) from None


def _run_inline(
    pipeline: Template[Any, Any, Any], items: Iterable[Numbered], recorder: _Recorder
) -> None:
    """A pipeline of synchronous stages, item after item in this thread (as ``map`` runs it
    inline), each run handed to the recorder as it is: no Result around it, no queue."""
    run_item, ran = item_runner(pipeline), recorder.ran
    for item in items:
        ran(run_item(item), item.value)


def _run_mapped(
    pipeline: Template[Any, Any, Any],
    items: Iterable[Numbered],
    options: RunOptions,
    executor: object,
    recorder: _Recorder,
) -> None:
    """Items through ``pipeline.map``: threads, processes, Dask, or the event loop."""
    in_flight = _InFlight(items)
    try:
        results = tracked(pipeline).map(
            in_flight,
            concurrency=options.concurrency,
            ordered=options.ordered,
            timeout=options.timeout,
            executor=executor,
        )
    except (TypeError, ValueError) as error:  # options the runtime rejects, unpicklable stages
        raise CommandLineError(str(error)) from None
    try:
        for result in results:
            if result.__class__ is Success:
                run: ItemRun = result.unwrap()
                recorder.ran(run, in_flight.pop(run.line))
            else:  # the runtime lost the whole item
                in_flight.pop(recorder.lost(result.failure()).line)
    finally:
        results.close()  # ends the runtime's workers and pools now


def _checkpoints(output: Path, checkpoints: Checkpoints) -> Callable[[], None]:
    """What to do before records are written: save the fingerprint, unless the output is not
    a regular file (``/dev/null``, a pipe: nothing to resume from)."""
    if output.exists() and not output.is_file():
        return lambda: None
    return checkpoints.save


def run_pipeline(options: RunOptions, display: Display, progress_display: Display) -> ExitStatus:
    """Run the pipeline over the input, write the records, show the summary on ``display``
    and the progress on ``progress_display`` (the standard error, for the command).

    Returns OK when every item succeeded and ITEMS_FAILED otherwise; raises
    `CommandLineError` for what the user must fix, and with the
    INTERRUPTED status after Ctrl-C (the records written so far are kept).
    """
    pipeline = load_pipeline(options.target, options.config)
    _check_options(options, pipeline)
    decoding, warning = decoding_for(pipeline, raw=options.raw)
    if warning is not None:
        progress_display.line(f"wumbo run: warning: {warning}")
    chosen_format = input_format(options.input, options.input_format)
    output, errors = record_paths(options)
    with open_input(options.input) as stream:  # opened first: a missing input is the error
        total = count_items(stream, chosen_format) if options.progress else 0
    fingerprint_file = fingerprint_path(output)
    done, floor = set[int](), None
    if options.resume:
        done, floor = resume_point(options.input, output, errors, fingerprint_file)
    started = time.perf_counter()
    interrupted = False
    with open_input(options.input) as stream:
        consumed = ConsumedInput(stream)
        before_write = _checkpoints(output, Checkpoints(fingerprint_file, consumed, floor))
        with (
            RecordFiles(output, errors, append=options.resume, before_write=before_write) as files,
            open_executor(options.executor) as executor,
        ):
            items = read_items(consumed, chosen_format, done, decoding)
            progress = (
                progress_for(progress_display, max(0, total - len(done)))
                if options.progress
                else None
            )
            recorder = _Recorder(files, pipeline.__name__, progress)
            try:
                if executor is None and not pipeline.is_async:
                    _run_inline(pipeline, items, recorder)
                else:
                    _run_mapped(pipeline, items, options, executor, recorder)
            except KeyboardInterrupt:
                interrupted = True
            finally:
                recorder.close()
    summary = RunSummary(
        ok=recorder.ok,
        failed=recorder.failed,
        skipped=len(done),
        seconds=time.perf_counter() - started,
        output=str(output),
        errors=str(errors),
        stages=recorder.timings.rows(),
    )
    show_summary(display, summary)
    if interrupted:
        raise CommandLineError(
            f"interrupted after {summary.items} items; the records written so far are kept: "
            f"run the same command with --resume to continue",
            status=ExitStatus.INTERRUPTED,
        )
    return ExitStatus.ITEMS_FAILED if recorder.failed else ExitStatus.OK
