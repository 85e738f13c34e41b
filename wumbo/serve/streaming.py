"""``POST /templates/{name}/map``: JSON Lines in, JSON Lines out, one record per input line.

The request body is read as it arrives and split into lines ([`input_lines`][wumbo.serve.streaming.input_lines]); the lines
go through the runtime's ``amap`` ([`map_records`][wumbo.serve.streaming.map_records]) with its concurrency limit, in input
order, and each answer is sent as soon as it is its turn. Nothing is read ahead of what the
runtime pulls, and nothing is computed ahead of what the client reads (the runtime's window and
the connection's flow control), so memory stays bounded by the concurrency whatever the length
of the stream.

Every non-blank input line gets exactly one output line, ``{"line": N, "output": ...}`` or
``{"line": N, "error": {...}}`` (``N`` counts physical lines from 1; blank lines are not
items), so a bad line (malformed JSON, too long, a failure of the template, a timeout) never
stops the stream.

Examples:
    >>> import anyio
    >>> from wumbo import template
    >>> from wumbo.serve.catalog import ServedTemplate
    >>> async def body():
    ...     yield b'1\\n"x"\\n\\n{oops\\n'
    >>> async def answers():
    ...     lines = input_lines(body(), limit=100)
    ...     served = ServedTemplate("double", template(lambda n: n * 2))
    ...     return [r async for r in map_records(served, lines, concurrency=2, timeout=5)]
    >>> for record in anyio.run(answers):
    ...     print(record.decode().strip())
    {"line": 1, "output": 2}
    {"line": 2, "output": "xx"}
    {"line": 4, "error": {"status": 400, "code": "malformed_json", "message": "line 4: malformed JSON at line 1, column 2: Expecting property name enclosed in double quotes", "line": 4, "column": 2}}
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass, replace
from math import inf
from time import perf_counter
from typing import Any

import anyio
from returns.result import Failure, Result, Success
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from wumbo._log import get_logger
from wumbo.core.template import Template, template
from wumbo.runtime.errors import ItemTimeout
from wumbo.serve.catalog import ServedTemplate
from wumbo.serve.errors import ServeError
from wumbo.serve.jsonio import OutputNotJSON, decode_json, encode_json
from wumbo.serve.limits import Slot, too_large, too_slow
from wumbo.serve.metrics import Outcome
from wumbo.serve.threads import AbandonedThreads, ThreadCall

__all__ = [
    "JSON_LINES",
    "InputLine",
    "JsonLinesResponse",
    "Observe",
    "input_lines",
    "map_records",
]

_logger = get_logger("wumbo.serve")

JSON_LINES = "application/x-ndjson"
"""The media type of ``map``'s response (JSON Lines)."""

_CUT = ServeError(
    503,
    "shutting_down",
    "the server shut down before this stream ended: the lines without a record were not answered",
)

Observe = Callable[[str, float, Outcome], None]
"""Told about each template call: template name, seconds, outcome (metrics)."""


@dataclass(frozen=True, slots=True)
class InputLine:
    """One non-blank line of a ``map`` body: its number and value, or what is wrong with it.

    Examples:
        >>> InputLine(3, value={"n": 1}).problem is None
        True
    """

    number: int
    value: object = None
    problem: ServeError | None = None
    call: ThreadCall | None = None
    """How a sync template's thread runs it (set when the line is started)."""


def _parsed(number: int, raw: bytes, limit: int) -> InputLine | None:
    if len(raw) > limit:
        return InputLine(number, problem=too_large(limit, f"line {number}"))
    if not raw.strip():
        return None
    try:
        return InputLine(number, value=decode_json(raw, f"line {number}: "))
    except ServeError as problem:
        if "line" in problem.details:  # the position inside the line; the line is ``number``
            problem.details = {**problem.details, "line": number}
        return InputLine(number, problem=problem)


async def input_lines(
    chunks: AsyncIterable[bytes], limit: int, seconds: float = inf
) -> AsyncGenerator[InputLine, None]:
    """The non-blank lines of a streamed body, parsed, in order; a line longer than ``limit``
    bytes is reported (413) without being kept in memory; a line the client takes longer than
    ``seconds`` to send ends the lines with a 408 problem (the rest of the body is not read).

    Examples:
        >>> import anyio
        >>> async def body():
        ...     yield b'[1]\\n12'
        ...     yield b'345\\n'
        >>> async def lines():
        ...     return [line async for line in input_lines(body(), limit=4)]
        >>> [(line.number, line.value, line.problem) for line in anyio.run(lines)]
        [(1, [1], None), (2, None, ServeError('line 2 is larger than the limit of 4 bytes'))]
    """
    number = 0
    pending = bytearray()
    too_long = False  # the current line is over the limit: its bytes are dropped
    iterator = aiter(chunks)
    left = seconds  # of waiting for the client, for the current line
    while True:
        started, timed_out, chunk = anyio.current_time(), True, None
        with anyio.move_on_after(left):
            chunk = await anext(iterator, None)
            timed_out = False
        if timed_out:
            yield InputLine(number + 1, problem=too_slow(seconds, f"line {number + 1}"))
            return
        if chunk is None:
            break
        left -= anyio.current_time() - started
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            number += 1
            left = seconds
            if too_long:
                line: InputLine | None = InputLine(
                    number, problem=too_large(limit, f"line {number}")
                )
            else:
                pending += chunk[start:end]
                line = _parsed(number, bytes(pending), limit)
            if line is not None:
                yield line
            pending.clear()
            too_long = False
            start = end + 1
        if not too_long:
            pending += chunk[start:]
            if len(pending) > limit:
                too_long = True
                pending.clear()
    if too_long:
        yield InputLine(number + 1, problem=too_large(limit, f"line {number + 1}"))
    elif (last := _parsed(number + 1, bytes(pending), limit)) is not None:
        yield last


def _answerer(
    served: ServedTemplate, observe: Observe | None
) -> tuple[Template[InputLine, Any, Any], object]:
    """The per-line stage ``amap`` runs, and the executor it needs (threads for sync code)."""
    core, name, decode = served.pipeline, served.name, served.codec.decode

    def measured(result: Result[Any, Any], started: float) -> Result[Any, Any]:
        if observe is not None:
            outcome: Outcome = "success" if isinstance(result, Success) else "failure"
            observe(name, perf_counter() - started, outcome)
        return result

    def refused(line: InputLine) -> tuple[Failure[ServeError] | None, object]:
        """The line's problem (or its input's misfit) as a Failure, else its decoded input."""
        if line.problem is not None:
            return Failure(line.problem), None
        try:
            return None, decode(line.value)
        except ServeError as misfit:
            return Failure(misfit), None

    if core.is_async:

        async def answer_async(line: InputLine) -> Result[Any, Any]:
            failure, value = refused(line)
            if failure is not None:
                return failure
            started = perf_counter()
            return measured(await core.acall(value), started)

        return template(answer_async, name=name), None

    def answer(line: InputLine) -> Result[Any, Any]:
        failure, value = refused(line)
        if failure is not None:
            return failure
        started = perf_counter()
        result = core(value) if line.call is None else line.call.run(core, value)
        return measured(result, started)

    return template(answer, name=name), "threads"


def _record(number: int, result: Result[Any, Any], debug: bool, served: ServedTemplate) -> bytes:
    if isinstance(result, Success):
        try:
            return b'{"line": %d, "output": %s}\n' % (number, served.codec.encode(result.unwrap()))
        except OutputNotJSON as error:
            problem = ServeError(422, "output_not_json", str(error))
    else:
        failure = result.failure()
        problem = (
            failure if isinstance(failure, ServeError) else served.failure(failure, debug=debug)
        )
    return encode_json({"line": number, **problem.body()}) + b"\n"


async def map_records(
    served: ServedTemplate,
    lines: AsyncIterable[InputLine],
    *,
    concurrency: int,
    timeout: float,
    debug: bool = False,
    observe: Observe | None = None,
    threads: AbandonedThreads | None = None,
) -> AsyncGenerator[bytes, None]:
    """One encoded output line per input line, in input order, computed by ``amap`` with at
    most ``concurrency`` lines in flight, each within ``timeout`` seconds (else a 504 record).

    Sync templates run on the runtime's worker threads (so a timeout can abandon them), async
    ones on the event loop. ``observe`` hears about every template call (metrics). Sync lines
    start through ``threads``: once too many abandoned calls still run, a line gets a 503
    record instead of running.
    """
    # Lines pulled by amap and not answered yet (<= concurrency), with their thread calls.
    pending: deque[tuple[int, ThreadCall | None]] = deque()
    answerer, executor = _answerer(served, observe)

    def started(line: InputLine) -> InputLine:
        if executor is None or threads is None or line.problem is not None:
            return line
        try:
            return replace(line, call=threads.start())
        except ServeError as refused:  # too many abandoned threads: this line is not run
            return replace(line, problem=refused)

    async def numbered() -> AsyncIterator[InputLine]:
        async for line in lines:
            line = started(line)
            pending.append((line.number, line.call))
            yield line

    results = answerer.amap(
        numbered(), concurrency=concurrency, ordered=True, timeout=timeout, executor=executor
    )
    try:
        async for result in results:
            timed_out = isinstance(result, Failure) and isinstance(result.failure(), ItemTimeout)
            number, call = pending.popleft()
            if timed_out:
                if call is not None:
                    call.abandon()
                if observe is not None:
                    observe(served.name, timeout, "error")
            yield _record(number, result, debug, served)
    finally:
        for _, call in pending:  # the stream ended early: its running lines are abandoned
            if call is not None:
                call.abandon()


class JsonLinesResponse(Response):
    """A streamed JSON Lines response that holds a concurrency slot until it ends.

    Unlike Starlette's ``StreamingResponse`` it does not read the request's messages while it
    streams (the body is still being read by [`input_lines`][wumbo.serve.streaming.input_lines]: the request and the response
    stream at the same time). A client that goes away ends the stream quietly.

    Examples:
        >>> import anyio
        >>> from wumbo.serve.limits import ConcurrencyGate
        >>> gate, sent = ConcurrencyGate(1, retry_after_seconds=1), []
        >>> async def records():
        ...     yield b'{"line": 1, "output": 2}\\n'
        >>> async def send(message):
        ...     sent.append(message)
        >>> async def respond():
        ...     await JsonLinesResponse(records(), gate.enter())({"type": "http"}, None, send)
        >>> anyio.run(respond)
        >>> [message.get("body") for message in sent], gate.in_use
        ([None, b'{"line": 1, "output": 2}\\n', b''], 0)
    """

    media_type = JSON_LINES

    def __init__(self, records: AsyncGenerator[bytes, None], slot: Slot) -> None:
        self.status_code = 200
        self.background = None
        self._records = records
        self._slot = slot
        self.init_headers()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            async for record in self._records:
                await send({"type": "http.response.body", "body": record, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except (ClientDisconnect, OSError):
            _logger.info("a map client went away before its stream ended")
        except anyio.get_cancelled_exc_class():
            with anyio.move_on_after(1, shield=True):  # a shutdown cut the stream: say so
                last = encode_json(_CUT.body()) + b"\n"
                await send({"type": "http.response.body", "body": last, "more_body": False})
            raise
        finally:
            self._slot.release()
            with anyio.CancelScope(shield=True):
                await self._records.aclose()  # ends the amap run and its workers
