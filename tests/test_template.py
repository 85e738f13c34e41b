"""Template basics: the decorator, calling, identity, immutability, pickling."""

from __future__ import annotations

import functools
import pickle
from collections.abc import Callable

import pytest
from returns.result import Failure, Result, Success

from wumbo import StageError, Template, pipe, template
from wumbo.core.pipe import pipe_all


def parse(text: str) -> int:
    """Parse an int."""
    return int(text)


def double(n: int) -> int:
    return n * 2


def halve(n: int) -> Result[float, ZeroDivisionError]:
    if n == 0:
        return Failure(ZeroDivisionError("cannot halve zero here"))
    return Success(n / 2)


def test_bare_decorator_keeps_metadata() -> None:
    tpl = template(parse)
    assert tpl.__name__ == "parse"
    assert tpl.__doc__ == "Parse an int."
    assert tpl.__wrapped__ is parse  # type: ignore[attr-defined]
    assert repr(tpl) == "<Template parse>"


def test_a_template_has_its_own_doc_and_the_class_keeps_its_docstring() -> None:
    import inspect

    assert (template(parse) | double).__doc__ is None  # not the class's docstring
    assert template(lambda n: n).__doc__ is None
    assert Template.__doc__ is not None
    assert Template.__doc__.startswith("An immutable pipeline")
    assert (inspect.getdoc(Template) or "").startswith("An immutable pipeline")
    assert template(parse, name="p").__doc__ == "Parse an int."


def test_subclasses_built_through_the_constructor_keep_their_class() -> None:
    from wumbo.core.combinators import Batch, Tap, batch, tap

    assert type(tap(print)) is Tap
    assert tap(print).__doc__ is None  # not Tap's docstring
    assert type(batch(2)) is Batch
    stages = (template(parse) | double).stages
    rebuilt: Template[str, int] = Template(stages, name="again")
    assert type(rebuilt) is Template
    assert rebuilt.stages is stages
    assert rebuilt.run("4") == 8


def test_decorator_with_options() -> None:
    @template(name="strict", check=True, blocking=True)
    def stage(text: str) -> int:
        return int(text)

    assert stage.__name__ == "strict"
    (only,) = stage.stages
    assert only.check
    assert only.blocking
    assert only.name == "strict"


def test_call_lifts_plain_values_and_flattens_results() -> None:
    pipeline = template(parse) | double | halve
    assert pipeline("4") == Success(4.0)
    assert pipeline.run("4") == 4.0


def test_declared_failure_is_returned_as_is() -> None:
    pipeline = template(parse) | halve | str
    result = pipeline("0")
    error = result.failure()
    assert isinstance(error, ZeroDivisionError)
    assert "wumbo: stage 'halve' (2 of 3) returned this on input 0" in error.__notes__


def test_raised_exception_becomes_stage_error() -> None:
    calls: list[int] = []

    def record(n: int) -> int:
        calls.append(n)
        return n

    pipeline = template(parse) | record
    error = pipeline("nope").failure()
    assert isinstance(error, StageError)
    assert (error.stage, error.position, error.total, error.input) == ("parse", 1, 2, "nope")
    assert isinstance(error.error, ValueError)
    assert error.__cause__ is error.error
    assert error.error.__traceback__ is not None
    assert calls == []  # later stages never run
    assert "wumbo: stage 'parse' (1 of 2) raised this on input 'nope'" in error.error.__notes__


def test_plain_call_raises_original_with_note() -> None:
    pipeline = template(parse) | double
    with pytest.raises(ValueError, match="invalid literal") as info:
        pipeline.run("x")
    assert info.value.__notes__ == ["wumbo: stage 'parse' (1 of 2) raised this on input 'x'"]


def test_plain_call_raises_declared_failure_exception() -> None:
    pipeline = template(parse) | halve
    with pytest.raises(ZeroDivisionError):
        pipeline.run("0")


def test_plain_call_of_non_exception_failure_raises_unwrap_failed() -> None:
    from returns.primitives.exceptions import UnwrapFailedError

    def refuse(n: int) -> Result[int, str]:
        return Failure(f"refused {n}")

    with pytest.raises(UnwrapFailedError):
        (template(parse) | refuse).run("3")
    assert (template(parse) | refuse)("3") == Failure("refused 3")


def test_run_is_a_plain_callable() -> None:
    pipeline = template(parse) | double
    assert list(map(pipeline.run, ["1", "2"])) == [2, 4]
    assert sorted(["10", "9"], key=pipeline.run) == ["9", "10"]


def test_plain_functions_compose_on_either_side() -> None:
    tpl = template(double)
    assert (parse | tpl).run("3") == 6
    assert (tpl | str).run(3) == "6"
    assert (str.strip | template(parse) | double).run(" 5 ") == 10


def test_then_takes_lambdas() -> None:
    assert template(parse).then(lambda n: n + 1).run("1") == 2


def test_partial_and_curried_stages() -> None:
    from wumbo import curry

    def scale(factor: float, value: float) -> float:
        return value * factor

    assert (template(parse) | functools.partial(scale, 3.0)).run("2") == 6.0
    assert (template(parse) | curry(scale)(0.5)).run("2") == 1.0


def test_stages_are_flat_and_associative() -> None:
    a, b, c = template(parse), template(double), template(str)
    assert ((a | b) | c).stages == (a | (b | c)).stages
    assert (a | b) | c == a | (b | c)
    assert len((a | b | c).stages) == 3


def test_identity() -> None:
    identity = pipe()
    assert identity("x") == Success("x")
    assert identity.__name__ == "identity"
    assert (identity | template(parse)) == template(parse) | identity


def test_ten_thousand_stages_compose_and_run() -> None:
    inc: Template[int, int] = template(lambda n: n + 1, name="inc")
    pipeline = functools.reduce(lambda left, right: left | right, [inc] * 10_000)
    assert len(pipeline.stages) == 10_000
    assert pipeline.run(0) == 10_000
    assert pipeline(0) == Success(10_000)
    assert "more" in pipeline.__name__  # the name is shortened, not 10,000 names long


def test_failure_in_a_long_pipeline_names_its_position() -> None:
    def explode(n: int) -> int:
        raise RuntimeError(f"at {n}")

    inc: Template[int, int] = template(lambda n: n + 1, name="inc")
    stages = [inc] * 200
    pipeline = pipe_all([*stages, explode, *stages])
    error = pipeline(0).failure()
    assert isinstance(error, StageError)
    assert (error.stage, error.position, error.total, error.input) == ("explode", 201, 401, 200)


def test_templates_are_immutable() -> None:
    tpl = template(parse)
    with pytest.raises(AttributeError, match="immutable"):
        tpl.name = "x"  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="immutable"):
        del tpl.__doc__


def test_pickles_when_stages_do() -> None:
    pipeline = template(parse) | double | halve
    clone = pickle.loads(pickle.dumps(pipeline))
    assert clone == pipeline
    assert clone("4") == Success(4.0)
    with pytest.raises(Exception, match="lambda"):
        pickle.dumps(template(parse) | (lambda n: n))


def test_stage_error_pickles() -> None:
    error = (template(parse) | double)("x").failure()
    clone = pickle.loads(pickle.dumps(error))
    assert str(clone) == str(error)
    assert clone.stage == "parse"


def test_fast_constructors_match_returns() -> None:
    # the compiled paths build Success, Failure and StageError without their constructors
    assert template(double)(3) == Success(6)
    assert type(template(double)(3)) is Success

    def fail(value: str) -> int:
        raise ValueError("x")

    failure = template(fail, name="s")("v")
    assert type(failure) is Failure
    assert failure.trace is None
    built = failure.failure()
    assert type(built) is StageError
    assert str(built) == str(StageError("s", 1, 1, "v", ValueError("x")))
    assert built.__cause__ is built.error


def test_failure_respects_returns_trace_collection() -> None:
    from returns.primitives.tracing import collect_traces

    with collect_traces():
        failure = template(parse)("x")
    assert isinstance(failure, Failure)
    assert failure.trace is not None


def test_bounded_repr_in_messages() -> None:
    huge = "x" * 100_000
    error = template(parse)(huge).failure()
    assert error.input is huge  # nothing lost
    assert len(str(error)) < 500
    assert len(error.error.__notes__[-1]) < 300


def test_broken_repr_does_not_hide_the_failure() -> None:
    class Weird:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    def fail(value: object) -> object:
        raise ValueError("real")

    error = template(fail)(Weird()).failure()
    assert "Weird" in str(error)
    assert "real" in str(error)


def test_template_of_template_keeps_it() -> None:
    tpl = template(parse) | double
    assert template(tpl) is tpl
    renamed = template(tpl, name="renamed")
    assert renamed.__name__ == "renamed"
    assert isinstance(renamed, Template)


def test_bound_methods_taken_before_the_first_call_reuse_the_compiled_path() -> None:
    pipeline = template(parse) | double
    run, call = pipeline.run, pipeline.__call__
    for _ in range(3):  # the first calls are interpreted, the third compiles
        assert run("2") == 4
        assert call("2") == Success(4)
    compiled = pipeline.__dict__["run"]
    assert run("3") == 6
    assert pipeline.__dict__["run"] is compiled  # compiled once, not on every call


def test_decorated_module_level_templates_pickle_by_reference() -> None:
    import subprocess
    import sys

    from wumbo.examples import orders

    assert pickle.loads(pickle.dumps(orders.validate)) is orders.validate
    data = pickle.dumps(orders.invoice_order)  # holds the function that @template shadowed
    script = (
        "import pickle, sys; pipeline = pickle.loads(sys.stdin.buffer.read()); "
        "print(pipeline({'id': 'X', 'customer': 'c', 'country': 'DE', "
        "'items': [{'sku': 's', 'qty': 1, 'unit_price': 2.0}]}).unwrap().net)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], input=data, capture_output=True, check=True, timeout=60
    )
    assert done.stdout.strip() == b"2.0"


def test_templates_wrapping_a_shadowed_function_pickle() -> None:
    from wumbo.examples import orders

    again = template(orders.validate.__wrapped__, name="again")  # type: ignore[attr-defined]
    clone = pickle.loads(pickle.dumps(again))
    assert clone.__wrapped__ is orders.validate.__wrapped__  # type: ignore[attr-defined]
    assert clone == again


@pytest.mark.parametrize("failing", range(6))
@pytest.mark.parametrize("kinds", ["uuuuuu", "auauau", "aauuaa", "uaauua"])
def test_failures_name_the_input_whatever_mix_of_checked_stages(kinds: str, failing: int) -> None:
    """Stages that may return a Result (unannotated) pass their value through a second variable
    in the generated code: every stage's failure still names that stage and its own input."""

    def annotated(index: int) -> Callable[[int], int]:
        def stage(n: int) -> int:
            if index == failing:
                raise ValueError(f"stage {index}")
            return n + 1

        return stage

    def unannotated(index: int) -> Callable[[int], object]:
        def stage(n):  # type: ignore[no-untyped-def]  # the check under test
            if index == failing:
                return Failure(ValueError(f"stage {index}")) if index % 2 else 1 // 0
            return Success(n + 1) if index % 2 else n + 1

        return stage

    stages = [annotated(i) if kind == "a" else unannotated(i) for i, kind in enumerate(kinds)]
    pipeline = pipe(*stages)
    for _ in range(4):  # interpreted first, then the generated code
        result = pipeline(10)
        error: object = result.failure()
        cause = error.error if isinstance(error, StageError) else error
        assert isinstance(cause, ValueError | ZeroDivisionError)
        name = stages[failing].__name__
        verb = "returned" if isinstance(cause, ValueError) and kinds[failing] == "u" else "raised"
        note = f"wumbo: stage '{name}' ({failing + 1} of 6) {verb} this on input {10 + failing}"
        assert note in cause.__notes__
        cause.__notes__.clear()
        with pytest.raises((ValueError, ZeroDivisionError)) as info:
            pipeline.run(10)
        assert note in info.value.__notes__
