"""The class-based framework as the checkers see it: BaseTemplate in pipes, results, factories.

Every ``assert_type`` is a correct case; every line ending in ``# type: ignore[<mypy code>]`` is
an expected error that both checkers must still report.
"""

from __future__ import annotations

from typing import Any, assert_type

from wumbo import Result, StageError, Template, template
from wumbo.decorators import retry
from wumbo.framework import (
    BaseTemplate,
    ExecutionContext,
    ExecutionResult,
    TemplateMetadata,
    TransformTemplate,
    create_transformer,
    get_template,
    wumbo,
)


class Parse(BaseTemplate[int]):
    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("parse")

    def _execute_core(self, text: str, *, context: ExecutionContext) -> int:
        return int(text)


class Show(BaseTemplate[str]):
    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("show")

    def _execute_core(self, n: int, *, context: ExecutionContext) -> str:
        return str(n)


class Total(BaseTemplate[float]):  # several positional arguments, any number of them
    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("total")

    def _execute_core(self, *values: float, context: object) -> float:
        return sum(values)


def show(n: int) -> str:
    return str(n)


def double(n: int) -> int:
    return n * 2


def shout(text: str) -> str:
    return text.upper()


parse = Parse()

# -- execute, call, the Result and async forms -------------------------------------------------

assert_type(parse.execute("1"), ExecutionResult[int])
assert_type(parse.execute("1").data, int | None)
assert_type(parse.execute("1").to_result(), Result[int, Exception])
assert_type(parse("1"), int)
assert_type(parse.run("1"), int)
assert_type(parse.as_template(), Template[str, int])


async def async_forms() -> None:
    assert_type(await parse.execute_async("1"), ExecutionResult[int])
    assert_type(await parse.acall("1"), Result[int, StageError])
    assert_type(await parse.arun("1"), int)
    assert_type(await parse.amap(["1", "2"]), list[Result[int, StageError]])
    async for item in parse.amap(["1"]):
        assert_type(item, Result[int, StageError])


# -- in pipes, on either side ------------------------------------------------------------------

assert_type(parse | show, Template[str, str])
assert_type(parse | template(show), Template[str, str])
assert_type(parse | Show(), Template[str, str])
assert_type(template(double) | Show(), Template[int, str])
assert_type(template(shout) | parse | Show(), Template[str, str])
assert_type(Show().run(1), str)
assert_type(Total()(1.0, 2.0, 3.0), float)
assert_type(Total().run(1.0), float)
assert_type(create_transformer().as_template(), Template[Any, list[Any]])
assert_type(template(shout) | parse, Template[str, int])
assert_type(shout | parse, Template[str, int])
assert_type(retry(attempts=2)(parse), Template[str, int])

parse | shout  # type: ignore[operator]  # an int does not fit a str stage
# the input type comes from _execute_core's annotation (here: str)
parse | Parse()  # type: ignore[operator]
template(double) | parse  # type: ignore[operator]
double | parse  # type: ignore[operator]
bad_run: object = parse.run(1)  # type: ignore[arg-type]
bad_call: object = parse(1)  # type: ignore[arg-type]
bad_total: object = Total()(1.0, "2")  # type: ignore[call-overload]
bad_map: object = parse.map([1, 2])  # type: ignore[list-item]

# -- built-ins, factories and the registry -----------------------------------------------------

assert_type(create_transformer(map_func=abs), TransformTemplate)
assert_type(create_transformer()(1, 2), list[Any])
assert_type(get_template("transformer"), BaseTemplate[Any])
assert_type(wumbo(1, 2), Any)
