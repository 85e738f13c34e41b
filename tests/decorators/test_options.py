"""Each decorator's options object: declared once, checked, typed, documented, and used."""

from __future__ import annotations

import dataclasses
import inspect
import logging
import pickle
import re
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from returns.result import Success

from wumbo import template
from wumbo.decorators import (
    MetricsCollector,
    MetricsOptions,
    SandboxOptions,
    TimeoutOptions,
    TraceOptions,
    metrics,
    timeout,
    trace,
)
from wumbo.decorators._options import Options

DOCS = Path(__file__).parents[2] / "docs" / "decorators"


def parse(text: str) -> int:
    return int(text)


def double(n: int) -> int:
    return n * 2


def _docs_rows(page: str) -> list[tuple[str, str]]:
    table = (DOCS / page).read_text().split("| option=default |", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^\| `(\w+)(?:=(.+?))?` \|", table, flags=re.MULTILINE)


@pytest.mark.parametrize(
    ("page", "options"),
    [("trace.md", TraceOptions), ("metrics.md", MetricsOptions), ("timeout.md", TimeoutOptions)],
)
def test_the_docs_table_names_every_option_with_its_default(
    page: str, options: type[Options]
) -> None:
    rows = _docs_rows(page)
    assert [name for name, _ in rows] == list(options.names())
    fields: tuple[dataclasses.Field[Any], ...] = dataclasses.fields(typing.cast("Any", options))
    declared = {field.name: field.default for field in fields}
    for name, written in rows:
        if written:  # the page's own text
            assert eval(written, {"logging": logging}) == declared[name], name
        else:  # written without a default: a required option
            assert declared[name] is dataclasses.MISSING, name


@pytest.mark.parametrize(
    ("decorator", "options", "marker"),
    [(trace, TraceOptions, "backend"), (metrics, MetricsOptions, "collector")],
)
def test_the_keyword_overload_lists_the_fields_without_defaults(
    decorator: Callable[..., Any], options: type[Options], marker: str
) -> None:
    keyword_forms = [
        signature
        for signature in map(inspect.signature, typing.get_overloads(decorator))
        if marker in signature.parameters
    ]
    assert len(keyword_forms) == 1
    parameters = keyword_forms[0].parameters
    assert tuple(parameters) == options.names()
    assert {parameter.kind for parameter in parameters.values()} == {inspect.Parameter.KEYWORD_ONLY}
    assert {parameter.default for parameter in parameters.values()} == {...}  # defaults: once


def test_an_unknown_option_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(
        TypeError,
        match=r"trace got unknown options \['backnd'\]; it takes observers, backend, "
        r"pipeline_span, tracer_provider, logger, level, enabled$",
    ):
        trace(backnd="logging")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"trace got unknown options \['backnd'\]"):
        trace(parse, backnd="logging")  # type: ignore[call-overload]
    with pytest.raises(
        TypeError, match=r"metrics got unknown options \['colector'\]; it takes collector$"
    ):
        metrics(colector=None)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"metrics got unknown options \['colector'\]"):
        metrics(parse, colector=None)  # type: ignore[call-overload]
    with pytest.raises(
        TypeError, match=r"timeout got unknown options \['secs'\]; it takes seconds, interrupt$"
    ):
        TimeoutOptions.build({"secs": 1.0})


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"enabled": "yes"}, ValueError, "trace enabled must be True or False, got str 'yes'"),
        ({"level": 0}, ValueError, "trace level must be a positive int, got int 0"),
        ({"level": True}, ValueError, "trace level must be a positive int, got bool True"),
        ({"logger": ""}, ValueError, "trace logger must be a non-empty logger name, got str ''"),
        (
            {"pipeline_span": 3},
            ValueError,
            "pipeline_span must be a non-empty span name, got int 3",
        ),
        ({"backend": "zipkin"}, ValueError, "trace backend must be 'auto', 'opentelemetry' or"),
        ({"observers": 5}, TypeError, "trace observers must be an iterable of observers, got 5"),
        ({"observers": [object()]}, TypeError, "expected an observer with on_start"),
        ({"tracer_provider": "x"}, TypeError, "tracer_provider must be an OpenTelemetry"),
    ],
)
def test_bad_trace_options_are_refused_when_trace_is_called(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        trace(**options)
    with pytest.raises(error, match=re.escape(message)):
        TraceOptions(**options)


def test_bad_metrics_and_timeout_options_are_refused() -> None:
    with pytest.raises(TypeError, match=r"collector must be a MetricsCollector, got list \[\]"):
        metrics(collector=[])  # type: ignore[call-overload]
    for bad in (0, -1.0, float("nan"), True, "2"):
        with pytest.raises(ValueError, match=r"timeout seconds must be a .*positive number"):
            timeout(bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match=r"timeout seconds must be a .*positive number"):
            TimeoutOptions(seconds=bad)  # type: ignore[arg-type]


def test_options_objects_are_frozen_and_normalised() -> None:
    options = TraceOptions(observers=iter([]), backend="logging")  # type: ignore[arg-type]
    assert options.observers == ()
    with pytest.raises(AttributeError):
        options.backend = "auto"  # type: ignore[misc]
    assert TimeoutOptions(seconds=2).seconds == 2.0
    assert isinstance(TimeoutOptions(seconds=2).seconds, float)
    assert TraceOptions.build({}) == TraceOptions()
    assert MetricsOptions.build({}) == MetricsOptions()


def test_every_old_call_form_still_works() -> None:
    collector = MetricsCollector()
    assert trace(parse)("2") == Success(2)
    assert trace(template(parse) | double)("2") == Success(4)
    assert trace()(parse)("2") == Success(2)
    assert trace(observers=[], backend="logging")(parse)("2") == Success(2)
    assert trace(parse, backend="logging")("2") == Success(2)
    assert trace(enabled=False)(parse)("2") == Success(2)
    assert metrics(parse)("3") == Success(3)
    assert metrics()(parse)("3") == Success(3)
    assert metrics(collector=collector)(parse)("3") == Success(3)
    assert metrics(parse, collector=collector)("3") == Success(3)
    assert collector.snapshot()["parse"].calls == 2
    assert timeout(5.0)(parse)("4") == Success(4)
    assert timeout(5)(template(parse) | double)("4") == Success(8)


def test_decorated_stages_pickle_with_their_options() -> None:
    timed = pickle.loads(pickle.dumps(timeout(5)(parse)))
    assert timed("6") == Success(6)
    measured = pickle.loads(pickle.dumps(metrics(parse)))
    assert measured("6") == Success(6)
    traced = pickle.loads(pickle.dumps(trace(backend="logging")(parse)))
    assert traced("6") == Success(6)
    with pytest.raises(TypeError, match="a MetricsCollector cannot be pickled"):
        pickle.dumps(metrics(collector=MetricsCollector())(parse))


def test_sandbox_options_share_the_same_base_and_checks() -> None:
    assert issubclass(SandboxOptions, Options)
    with pytest.raises(TypeError, match=r"sandbox got unknown options \['netwrk'\]; it takes"):
        SandboxOptions.build({"netwrk": True})
    with pytest.raises(ValueError, match="sandbox network must be True or False, got str 'yes'"):
        SandboxOptions(network="yes")  # type: ignore[arg-type]
