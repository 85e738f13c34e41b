"""Every option is declared once (``OPTIONS``) and reaches the command line, the environment,
the settings' checks and the docs."""

from __future__ import annotations

from pathlib import Path

import pytest

from wumbo.serve.cli import build_parser, settings_from_args
from wumbo.serve.settings import (
    ENV_PREFIX,
    OPTIONS,
    ServeSettings,
    SettingsError,
    options_table,
    settings_from_env,
)

DOCS = Path(__file__).parents[2] / "docs" / "serve.md"


def test_the_docs_hold_the_table_made_from_the_declarations() -> None:
    text = DOCS.read_text(encoding="utf-8")
    # after a change: python -c "from wumbo.serve.settings import options_table as t; print(t())"
    assert options_table() in text
    for option in OPTIONS.values():
        assert f"`{ENV_PREFIX}{option.env}`" in text, option.env


def test_names_and_kinds_follow_from_each_field() -> None:
    """A setting is declared once: its variable, flag and kind come from its name and type,
    except the few older spellings kept for the command line (``--timeout``, ``--grant``...)."""
    for name, option in OPTIONS.items():
        if name not in ("timeout_seconds", "retry_after_seconds"):
            assert option.env == name.upper()
        if name not in (
            "timeout_seconds",
            "retry_after_seconds",
            "modules",
            "names",
            "templates",
            "grants",
        ):
            assert option.flag == "--" + name.replace("_", "-")
    kinds = {name: option.kind for name, option in OPTIONS.items()}
    assert (kinds["port"], kinds["max_concurrency"], kinds["body_seconds"]) == (
        "port",
        "whole",
        "number",
    )
    assert (kinds["debug"], kinds["templates"], kinds["grants"]) == ("switch", "names", "roles")
    parser_flags = {action.dest: action.option_strings for action in build_parser()._actions}
    for name, option in OPTIONS.items():
        assert parser_flags[name] == ([] if option.flag is None else [option.flag])


def test_every_option_reaches_the_settings_from_flags_and_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WUMBO_SERVE_TEMPLATES", "double, check")
    monkeypatch.setenv("WUMBO_SERVE_TOKENS", "t=ops")
    args = build_parser().parse_args(
        ["shop:orders", "--name", "n=shop:x", "--grant", "*=ops", "--retry-after", "3", "--debug"]
    )
    settings = settings_from_args(args)
    assert settings.modules == ("shop:orders",)
    assert settings.names == ("n=shop:x",)
    assert settings.templates == ("double", "check")
    assert settings.grants == {"*": frozenset({"ops"})}
    assert (settings.retry_after_seconds, settings.debug) == (3, True)


def test_new_limits_come_from_flags_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WUMBO_SERVE_BODY_SECONDS", "2.5")
    monkeypatch.setenv("WUMBO_SERVE_MAX_ABANDONED_THREADS", "3")
    monkeypatch.setenv("WUMBO_SERVE_TOKENS", "t=ops")
    args = build_parser().parse_args(["--max-abandoned-threads", "5", "--metrics-role", "ops"])
    settings = settings_from_args(args)
    assert (settings.body_seconds, settings.max_abandoned_threads) == (2.5, 5)
    assert settings.metrics_role == "ops"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"body_seconds": 0}, "body_seconds must be a positive number, got 0"),
        ({"max_abandoned_threads": 1.5}, "max_abandoned_threads must be a positive whole"),
        ({"metrics_role": "ops"}, "metrics_role needs tokens"),
        ({"metrics_role": " ", "tokens": {"t": frozenset({"a"})}}, "must be a role name"),
    ],
)
def test_bad_new_settings_say_what_was_expected(values: dict[str, object], expected: str) -> None:
    with pytest.raises(SettingsError, match=expected):
        ServeSettings(**values)  # type: ignore[arg-type]


def test_environment_numbers_are_checked() -> None:
    with pytest.raises(SettingsError, match="WUMBO_SERVE_BODY_SECONDS must be a number, got 'x'"):
        settings_from_env({"WUMBO_SERVE_BODY_SECONDS": "x"})
