"""Server settings: YAML + WISMO_* variables, validated at start-up with errors naming the key."""

from __future__ import annotations

import pytest

from server.errors import InvalidSettings
from server.settings import load_settings


def _write(tmp_path, text: str):
    path = tmp_path / "wismo.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_settings_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert (settings.server.port, settings.server.state.backend, settings.api_token) == (5005, "sqlite", None)


def test_load_settings_reads_secrets_only_from_env(tmp_path):
    settings = load_settings(
        _write(tmp_path, "server:\n  state: {backend: redis}\n"),
        env={
            "WISMO_REDIS_URL": "redis://127.0.0.1:6379/0",
            "WISMO_API_TOKEN": "tok-SECRET-123",
            "OTHER": "x",
        },
    )
    assert settings.server.state.url == "redis://127.0.0.1:6379/0" and settings.api_token == "tok-SECRET-123"
    assert "OTHER" not in settings.env and "tok-SECRET-123" not in repr(settings)


def test_load_settings_command_line_overrides_the_file(tmp_path):
    settings = load_settings(_write(tmp_path, "server:\n  port: 8000\n"), env={}, overrides={"port": 9000})
    assert settings.server.port == 9000


@pytest.mark.parametrize(
    ("yaml_text", "env", "key"),
    [
        ("server:\n  prot: 1\n", {}, "server.prot"),
        ("server:\n  port: 70000\n", {}, "server.port"),
        ("server:\n  workers: 0\n", {}, "server.workers"),
        ("server:\n  state: {backend: mongo}\n", {}, "server.state.backend"),
        ("server:\n  state: {backend: redis}\n", {}, "WISMO_REDIS_URL"),
        (
            "server:\n  state: {backend: postgres}\n",
            {"WISMO_DATABASE_URL": "mysql://x"},
            "WISMO_DATABASE_URL",
        ),
        ("server:\n  state: {ttl: soon}\n", {}, "server.state.ttl"),
        ("server:\n  rate_limits: {per_ip_per_minute: many}\n", {}, "server.rate_limits.per_ip_per_minute"),
        ("server:\n  webhook: {url: 'http://x'}\n", {}, "WISMO_* environment"),
        ("server: {}\n", {"WISMO_WEBHOOK_URL": "http://x"}, "WISMO_WEBHOOK_SECRET"),
        ("server: {}\n", {"WISMO_WEBHOOK_URL": "ftp://x", "WISMO_WEBHOOK_SECRET": "s"}, "WISMO_WEBHOOK_URL"),
        ("dialogue:\n  max_attempts: 0\n", {}, "dialogue.max_attempts"),
        ("nlu:\n  threshold: 2\n", {}, "nlu.threshold"),
    ],
)
def test_load_settings_errors_name_the_key(tmp_path, yaml_text, env, key):
    with pytest.raises(InvalidSettings, match=key.replace("*", r"\*")):
        load_settings(_write(tmp_path, yaml_text), env=env)


def test_load_settings_missing_explicit_file_is_an_error(tmp_path):
    with pytest.raises(InvalidSettings, match="does not exist"):
        load_settings(tmp_path / "absent.yml", env={})
