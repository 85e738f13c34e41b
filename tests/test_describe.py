"""``to_mermaid`` and the notebook view: linear, fan-out and branch pipelines."""

from __future__ import annotations

from wumbo import Failure, Result, Success, template
from wumbo.core.combinators import branch, fan_out
from wumbo.core.describe import stage_infos


class TooBig(Exception):
    pass


def parse(text: str) -> int:
    return int(text)


def cap(n: int) -> Result[int, TooBig | OverflowError]:
    return Failure(TooBig(str(n))) if n > 9 else Success(n)


async def fetch(n: int) -> str:
    return str(n)


def negate(n: int) -> int:
    return -n


def positive(n: int) -> bool:
    return n > 0


def test_a_linear_pipeline_shows_types_errors_and_marks() -> None:
    pipeline = template(parse) | cap | fetch
    assert pipeline.to_mermaid().splitlines() == [
        "flowchart LR",
        '    in_(["str"]) --> s1',
        '    s1["parse<br/>str → int"]',
        '    s2["cap<br/>int → int<br/>fails: TooBig, OverflowError"]',
        "    s1 -->|int| s2",
        '    s3["fetch<br/>int → str<br/>async"]',
        "    s2 -->|int| s3",
        '    s3 --> out_(["str"])',
    ]
    assert [info.position for info in stage_infos(pipeline)] == [1, 2, 3]


def test_a_fan_out_draws_one_path_per_branch() -> None:
    lines = (template(parse) | fan_out(template(negate), template(negate) | fetch)).to_mermaid()
    assert lines.splitlines() == [
        "flowchart LR",
        '    in_(["str"]) --> s1',
        '    s1["parse<br/>str → int"]',
        "    s2{{fan_out}}",
        '    s3(["tuple of results"])',
        '    s4["negate<br/>int → int"]',
        "    s2 --> s4",
        "    s4 --> s3",
        '    s5["negate<br/>int → int"]',
        '    s6["fetch<br/>int → str<br/>async"]',
        "    s5 -->|int| s6",
        "    s2 --> s5",
        "    s6 --> s3",
        "    s1 -->|int| s2",
        '    s3 --> out_(["Any"])',
    ]


def test_a_branch_draws_a_decision_with_yes_and_no() -> None:
    lines = (template(parse) | branch(positive, negate, template(str))).to_mermaid()
    assert lines.splitlines() == [
        "flowchart LR",
        '    in_(["str"]) --> s1',
        '    s1["parse<br/>str → int"]',
        '    s2{"positive?"}',
        '    s3(["Any"])',
        '    s4["negate<br/>int → int"]',
        "    s2 -->|yes| s4",
        "    s4 --> s3",
        '    s5["str<br/>? → ?"]',
        "    s2 -->|no| s5",
        "    s5 --> s3",
        "    s1 -->|int| s2",
        '    s3 --> out_(["Any"])',
    ]


def test_labels_escape_what_mermaid_would_read_as_syntax() -> None:
    def quote(text: str) -> dict[str, list[int]]:
        return {text: [1]}

    assert '    s1["quote<br/>str → dict[str, list[int]]"]' in template(quote).to_mermaid()
    named = template(str.upper, name='say "hi" <now>')
    assert 's1["say #quot;hi#quot; #lt;now#gt;<br/>' in named.to_mermaid()


def test_a_notebook_shows_the_flowchart_as_markdown() -> None:
    markdown = (template(parse) | cap)._repr_markdown_()
    assert markdown.startswith("**Template** `parse | cap`\n\n```mermaid\nflowchart LR\n")
    assert markdown.endswith("```\n")


def test_a_notebook_gets_markdown_and_plain_text_from_the_mimebundle() -> None:
    pipeline = template(parse) | cap
    bundle = pipeline._repr_mimebundle_(include=None, exclude=None)
    assert set(bundle) == {"text/markdown", "text/plain"}
    assert bundle["text/markdown"] == pipeline._repr_markdown_()
    assert f"```mermaid\n{pipeline.to_mermaid()}\n```" in bundle["text/markdown"]
    assert bundle["text/plain"] == "<Template parse | cap>"


def test_a_decorated_stage_shows_its_decorators_and_the_types_of_what_it_decorates() -> None:
    from wumbo.decorators import cache, retry

    (info,) = stage_infos(retry(attempts=2)(cache()(cap)))
    assert info.decorators == ("retry", "cache")
    assert (info.input, info.output, info.errors) == (int, int, (TooBig, OverflowError))
    (plain,) = stage_infos(template(cap))
    assert plain.decorators == ()
