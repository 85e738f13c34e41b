"""fallback_to and recover: the primary's value, else the fallback's, with the failure at hand."""

from __future__ import annotations

import pickle

import anyio
import pytest
from returns.result import Failure, Result, Success

from wumbo import StageError, fallback, template
from wumbo.decorators import fallback_to, recover


def parse(text: str) -> int:
    return int(text)


def zero(text: str) -> int:
    return 0


def declared(text: str) -> Result[int, str]:
    return Failure(f"no {text}")


def describe_error(text: str, error: object) -> str:
    return f"{text}: {type(error).__name__}"


def test_fallback_to_is_the_core_combinator() -> None:
    decorated = fallback_to(zero)(parse)
    assert decorated == fallback(parse, zero)
    assert decorated.__name__ == "fallback(parse, zero)"
    assert decorated.run("5") == 5
    assert decorated.run("five") == 0
    assert fallback_to(zero)(declared).run("x") == 0


def test_fallback_to_returns_the_secondarys_failure() -> None:
    def also_fails(text: str) -> int:
        raise KeyError(text)

    error = (template(str.strip) | fallback_to(also_fails)(parse))(" x ").failure()
    assert isinstance(error, StageError)
    assert error.position == 2
    assert isinstance(error.error, KeyError)


def test_recover_receives_the_original_exception() -> None:
    seen: list[object] = []

    def handler(text: str, error: object) -> int:
        seen.append(error)
        return -1

    recovered = recover(handler)(parse)
    assert recovered.run("4") == 4
    assert recovered.run("four") == -1
    assert isinstance(seen[0], ValueError)
    assert recovered.__name__ == "recover(parse, handler)"


def test_recover_receives_the_failures_value() -> None:
    assert recover(describe_error)(declared).run("k") == "k: str"
    assert recover(lambda text, error: error)(declared).run("k") == "no k"


def test_recover_handler_may_return_a_result_or_raise() -> None:
    def give_up(text: str, error: object) -> Result[int, str]:
        return Failure("gave up")

    def explode(text: str, error: object) -> int:
        raise RuntimeError("handler broke")

    assert recover(give_up)(parse)("x") == Failure("gave up")
    error = (template(str.strip) | recover(explode)(parse))("x").failure()
    assert isinstance(error, StageError)
    assert (error.stage, error.position) == ("recover(parse, explode)", 2)
    assert isinstance(error.error, RuntimeError)


@pytest.mark.anyio
async def test_async_primary_and_async_handler() -> None:
    async def fetch(text: str) -> int:
        await anyio.lowlevel.checkpoint()
        return int(text)

    async def ahandler(text: str, error: object) -> int:
        await anyio.lowlevel.checkpoint()
        return len(text)

    assert recover(ahandler)(fetch).is_async
    assert recover(ahandler)(parse).is_async
    assert await recover(ahandler)(fetch).acall("abc") == Success(3)
    assert await recover(ahandler)(parse).acall("abcd") == Success(4)
    assert await recover(describe_error)(fetch).acall("x") == Success("x: ValueError")
    assert await fallback_to(zero)(fetch).acall("y") == Success(0)


def test_recover_rejects_a_non_callable() -> None:
    with pytest.raises(TypeError, match=r"recover\(\) expects a function \(value, error\)"):
        recover(3)  # type: ignore[call-overload]


def test_decorated_templates_pickle() -> None:
    for decorated in (recover(describe_error)(parse), fallback_to(zero)(parse)):
        copy = pickle.loads(pickle.dumps(decorated))
        assert copy("x") == decorated("x")
