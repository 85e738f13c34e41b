"""Why an item failed, as an error record: which stage, at which position, what error.

Four kinds of failure reach ``wumbo run``:

* a line that could not be read (`Malformed`), or whose value does not fit the pipeline's
  input type (`Misfit`, error type ``InputMisfit``): stage ``"read"``;
* a stage that raised: a [`StageError`][wumbo.core.result.StageError] names the stage and its position, and the
  record shows the original exception's type and message;
* a stage that returned a declared ``Failure(error)``: the stage is the last one whose run
  failed (the trace of the item says which);
* the whole item failed in the runtime (a timeout, a lost worker, an executor that could not
  run it): the record names the pipeline, at position 0, and the runtime's error class.

Examples:
    >>> from returns.result import Failure
    >>> from wumbo import template
    >>> from wumbo.cli.reading import Numbered
    >>> from wumbo.cli.tracking import tracked
    >>> run = tracked(template(str.strip) | int).run(Numbered(5, " x "))
    >>> error_record(run, " x ")
    ErrorRecord(line=5, stage='int', position=2, error_type='ValueError', error="invalid literal for int() with base 10: 'x'", input=' x ')
"""

from __future__ import annotations

from wumbo.cli.reading import Malformed, Misfit, Numbered
from wumbo.cli.records import ErrorRecord
from wumbo.cli.tracking import ItemRun
from wumbo.core.result import StageError, bounded_repr

__all__ = ["error_record", "lost_item_record", "write_failure"]


def _described(error: object) -> tuple[str, str]:
    """The type name and message of an error value (an exception or any other value)."""
    if isinstance(error, BaseException):
        return type(error).__name__, str(error)
    return type(error).__name__, repr(error) if not isinstance(error, str) else error


def error_record(run: ItemRun, item: object) -> ErrorRecord:
    """The error record of a failed `ItemRun` whose input was ``item``.

    Examples:
        >>> from returns.result import Failure
        >>> from wumbo.cli.tracking import ItemRun, StageRun
        >>> declared = ItemRun(9, Failure("no tax rate"), (StageRun("price", 2, 0.1, ok=False),))
        >>> error_record(declared, {"id": 1})
        ErrorRecord(line=9, stage='price', position=2, error_type='str', error='no tax rate', input={'id': 1})
    """
    error = run.result.failure()
    if isinstance(error, Malformed):
        return ErrorRecord(run.line, "read", 0, "Malformed", error.reason, error.text)
    if isinstance(error, Misfit):
        return ErrorRecord(run.line, "read", 0, "InputMisfit", error.reason, error.value)
    if isinstance(error, StageError):
        if type(error) is StageError:  # the original exception, without the note `.error` adds
            error_type, message = _described(error.__cause__)
        else:  # a failure of the whole item, reported by the runtime
            error_type, message = type(error).__name__, str(error)
        return ErrorRecord(run.line, error.stage, error.position, error_type, message, item)
    failed = [stage for stage in run.stages if not stage.ok]
    stage, position = (failed[-1].name, failed[-1].position) if failed else ("?", 0)
    error_type, message = _described(error)
    return ErrorRecord(run.line, stage, position, error_type, message, item)


def lost_item_record(error: object, pipeline: str) -> ErrorRecord:
    """The error record of an item the runtime could not run (timeout, lost worker...).

    The runtime reports it with the numbered item as its input, which gives the line back.

    Examples:
        >>> from wumbo.runtime import ItemTimeout
        >>> lost_item_record(ItemTimeout.of("p", 1, Numbered(4, "x"), 0.5), "p")
        ErrorRecord(line=4, stage='p', position=0, error_type='ItemTimeout', error='TimeoutError: item timed out after 0.5 s', input='x')
    """
    item = error.input if isinstance(error, StageError) else None
    if not isinstance(error, StageError) or not isinstance(item, Numbered):
        raise TypeError(f"expected a runtime failure of a numbered item, got {error!r}")
    cause_type, cause = _described(error.error)
    message = f"{cause_type}: {cause}"
    return ErrorRecord(item.line, pipeline, 0, type(error).__name__, message, item.value)


def write_failure(line: int, reason: str, output: object, item: object) -> ErrorRecord:
    """The error record of an output that could not be written as JSON.

    Examples:
        >>> write_failure(2, "output is not JSON-encodable", 2j, "in").error
        'output is not JSON-encodable; output: 2j'
    """
    message = f"{reason}; output: {bounded_repr(output)}"
    return ErrorRecord(line, "write", 0, "NotEncodable", message, item)
