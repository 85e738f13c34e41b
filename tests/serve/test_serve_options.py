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
    settings_from_env,
)

DOCS = Path(__file__).parents[2] / "docs" / "serve.md"


def test_every_option_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for option in OPTIONS.values():
        assert f"`{ENV_PREFIX}{option.env}" in text, option.env
        if option.flag is not None:
            assert f"`{option.flag}" in text, option.flag


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
