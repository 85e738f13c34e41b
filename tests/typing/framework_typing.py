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


def show(n: int) -> str:
    return str(n)


def shout(text: str) -> str:
    return text.upper()


parse = Parse()

# -- execute, call, the Result and async forms -------------------------------------------------

assert_type(parse.execute("1"), ExecutionResult[int])
assert_type(parse.execute("1").data, int | None)
assert_type(parse.execute("1").to_result(), Result[int, Exception])
assert_type(parse("1"), int)
assert_type(parse.run("1"), int)
assert_type(parse.as_template(), Template[Any, int])


async def async_forms() -> None:
    assert_type(await parse.execute_async("1"), ExecutionResult[int])
    assert_type(await parse.acall("1"), Result[int, StageError])
    assert_type(await parse.arun("1"), int)


# -- in pipes, on either side ------------------------------------------------------------------

assert_type(parse | show, Template[Any, str])
assert_type(parse | template(show), Template[Any, str])
assert_type(parse | Parse(), Template[Any, int])
assert_type(template(shout) | parse, Template[str, int])
assert_type(shout | parse, Template[str, int])
assert_type(retry(attempts=2)(parse), Template[Any, int])

parse | shout  # type: ignore[operator]  # an int does not fit a str stage

# -- built-ins, factories and the registry -----------------------------------------------------

assert_type(create_transformer(map_func=abs), TransformTemplate)
assert_type(create_transformer()(1, 2), list[Any])
assert_type(get_template("transformer"), BaseTemplate[Any])
assert_type(wumbo(1, 2), Any)
