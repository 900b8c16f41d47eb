"""Server settings: defaults in code, the ``server:`` section of ``wismo.yml``, and ``WISMO_*`` variables.

Behaviour (ports, limits, state back end, time-outs) comes from YAML; URLs and secrets only from the
environment (:data:`ENV_VARS`). Everything is validated once at start-up and every problem names its key::

    server:
      port: 5005
      rate_limits: {per_ip_per_minute: 600, per_conversation_per_minute: 60}
      state: {backend: redis, ttl: 30d}      # URL from WISMO_REDIS_URL
      webhook: {max_attempts: 5}             # URL and secret from WISMO_WEBHOOK_URL / WISMO_WEBHOOK_SECRET

>>> parse_seconds("2h", "server.state.ttl")
7200.0
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dialogue.config import DialogueConfig
from dialogue.errors import InvalidDialogueConfig
from nlu.config import NLUConfig, from_mapping, load_config_file
from nlu.errors import InvalidConfig
from server.errors import InvalidSettings

BACKENDS = ("sqlite", "redis", "postgres")
ENV_VARS = {
    "api_token": "WISMO_API_TOKEN",
    "redis_url": "WISMO_REDIS_URL",
    "postgres_url": "WISMO_DATABASE_URL",
    "webhook_url": "WISMO_WEBHOOK_URL",
    "webhook_secret": "WISMO_WEBHOOK_SECRET",
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_URL_SCHEMES = {
    "redis": ("redis://", "rediss://", "unix://"),
    "postgres": ("postgres://", "postgresql://"),
}


def parse_seconds(value: Any, key: str) -> float:
    """Seconds in a number or a duration string (``90``, ``30m``, ``24h``, ``30d``); errors name ``key``."""
    match = None if isinstance(value, bool) else _DURATION.match(str(value))
    if not match:
        raise InvalidSettings(f"{key}: expected seconds or a duration like '30d', got {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


@dataclass(frozen=True)
class RateLimits:
    """Token buckets per client IP and per conversation (requests per minute; 0 turns a limit off)."""

    per_ip_per_minute: int = 600
    per_conversation_per_minute: int = 60


@dataclass(frozen=True)
class StateSettings:
    """Where conversations live. ``url`` comes from ``WISMO_REDIS_URL`` / ``WISMO_DATABASE_URL`` only."""

    backend: str = "sqlite"
    path: str = ".wismo/state.sqlite3"
    ttl: Any = "30d"
    lock_timeout: float = 10.0
    lock_ttl: float = 30.0
    url: str | None = field(default=None, repr=False)

    @property
    def ttl_seconds(self) -> float:
        return parse_seconds(self.ttl, "server.state.ttl")


@dataclass(frozen=True)
class WebhookSettings:
    """The optional outbound handoff webhook; ``url`` and ``secret`` come from the environment."""

    max_attempts: int = 5
    backoff: float = 0.5
    timeout: float = 5.0
    url: str | None = None
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ServerSettings:
    """The ``server:`` section."""

    host: str = "127.0.0.1"
    port: int = 5005
    workers: int = 1
    model: str = "models/default"
    training_data: str = "training_data"
    max_body_bytes: int = 65536
    max_text_chars: int = 4000
    graceful_timeout: float = 15.0
    console: bool = True
    access_log: bool = False
    cors_origins: tuple[str, ...] = ()
    rate_limits: RateLimits = field(default_factory=RateLimits)
    state: StateSettings = field(default_factory=StateSettings)
    webhook: WebhookSettings = field(default_factory=WebhookSettings)


@dataclass(frozen=True)
class Settings:
    """Everything ``wismo serve`` needs, validated. Picklable, so every worker process rebuilds the same app.

    Attributes:
        server: The ``server:`` section with secrets and URLs filled in from the environment.
        nlu: The ``nlu:`` section.
        dialogue: The ``dialogue:`` section.
        connector: The raw ``connector:`` section (validated by ``build_connector`` at start-up).
        channels: The raw ``channels:`` section (validated by ``server.channels``).
        api_token: ``WISMO_API_TOKEN``; the API requires ``Authorization: Bearer <token>`` when set.
        orders_file: ``wismo serve --orders FILE`` (imported by the CLI before serving).
        env: The ``WISMO_*`` environment variables, for adapters that read their own secrets.
    """

    server: ServerSettings = field(default_factory=ServerSettings)
    nlu: NLUConfig = field(default_factory=NLUConfig)
    dialogue: DialogueConfig = field(default_factory=DialogueConfig)
    connector: Mapping[str, Any] = field(default_factory=dict)
    channels: Mapping[str, Any] = field(default_factory=dict)
    api_token: str | None = field(default=None, repr=False)
    orders_file: str | None = None
    config_path: str | None = None
    env: Mapping[str, str] = field(default_factory=dict, repr=False)


def _validate(server: ServerSettings) -> None:
    checks = [
        ("server.port", 0 <= server.port <= 65535, "expected a port number 0-65535"),
        ("server.workers", server.workers >= 1, "expected at least 1 worker"),
        ("server.max_body_bytes", server.max_body_bytes >= 1024, "expected at least 1024 bytes"),
        ("server.max_text_chars", server.max_text_chars >= 1, "expected at least 1 character"),
        ("server.graceful_timeout", server.graceful_timeout > 0, "expected a positive number of seconds"),
        ("server.rate_limits.per_ip_per_minute", server.rate_limits.per_ip_per_minute >= 0, "expected >= 0"),
        (
            "server.rate_limits.per_conversation_per_minute",
            server.rate_limits.per_conversation_per_minute >= 0,
            "expected >= 0",
        ),
        ("server.state.backend", server.state.backend in BACKENDS, f"expected one of {', '.join(BACKENDS)}"),
        ("server.state.lock_timeout", server.state.lock_timeout > 0, "expected a positive number"),
        ("server.state.lock_ttl", server.state.lock_ttl > 0, "expected a positive number"),
        ("server.webhook.max_attempts", server.webhook.max_attempts >= 1, "expected at least 1"),
        ("server.webhook.backoff", server.webhook.backoff >= 0, "expected >= 0"),
        ("server.webhook.timeout", server.webhook.timeout > 0, "expected a positive number"),
    ]
    for key, ok, problem in checks:
        if not ok:
            raise InvalidSettings(f"{key}: {problem}")
    if server.state.ttl_seconds <= 0:
        raise InvalidSettings("server.state.ttl: expected a positive duration")


def _with_env(server: ServerSettings, env: Mapping[str, str]) -> ServerSettings:
    state = server.state
    if state.backend in _URL_SCHEMES:
        var = ENV_VARS["redis_url" if state.backend == "redis" else "postgres_url"]
        url = env.get(var)
        if not url:
            raise InvalidSettings(
                f"server.state.backend: {state.backend} needs the {var} environment variable"
            )
        if not url.startswith(_URL_SCHEMES[state.backend]):
            raise InvalidSettings(
                f"{var}: expected a URL starting with {' or '.join(_URL_SCHEMES[state.backend])}"
            )
        state = replace(state, url=url)
    webhook = server.webhook
    url = env.get(ENV_VARS["webhook_url"])
    if url:
        if not url.startswith(("http://", "https://")):
            raise InvalidSettings(f"{ENV_VARS['webhook_url']}: expected an http:// or https:// URL")
        secret = env.get(ENV_VARS["webhook_secret"])
        if not secret:
            raise InvalidSettings(
                f"{ENV_VARS['webhook_secret']}: required when {ENV_VARS['webhook_url']} is set"
            )
        webhook = replace(webhook, url=url, secret=secret)
    return replace(server, state=state, webhook=webhook)


def load_settings(
    path: str | Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    orders_file: str | None = None,
) -> Settings:
    """Read, merge and validate the configuration.

    Args:
        path: The YAML file (default ``./wismo.yml`` when present; an explicit missing file is an error).
        env: Environment variables (default ``os.environ``); only ``WISMO_*`` ones are kept.
        overrides: ``server:`` keys given on the command line (``host``, ``port``, ``workers``, ``model``).
        orders_file: Orders to import into a fresh demo shop before serving.

    Raises:
        InvalidSettings: naming the bad key or variable.
    """
    env = {k: v for k, v in (os.environ if env is None else env).items() if k.startswith("WISMO_")}
    try:
        data = load_config_file(path)
        section = data.get("server") or {}
        if not isinstance(section, Mapping):
            raise InvalidSettings("server: expected a mapping")
        section = {**section, **{k: v for k, v in (overrides or {}).items() if v is not None}}
        server = from_mapping(ServerSettings, section, "server")
        if "url" in (section.get("state") or {}) or {"url", "secret"} & set(section.get("webhook") or {}):
            raise InvalidSettings("server: URLs and secrets come from WISMO_* environment variables only")
        nlu = NLUConfig.from_dict(data.get("nlu"))
        dialogue = DialogueConfig.from_dict(data.get("dialogue"))
    except (InvalidConfig, InvalidDialogueConfig) as exc:
        raise InvalidSettings(str(exc)) from exc
    _validate(server)
    server = _with_env(server, env)
    connector = data.get("connector") or {}
    channels = data.get("channels") or {}
    for key, value in (("connector", connector), ("channels", channels)):
        if not isinstance(value, Mapping):
            raise InvalidSettings(f"{key}: expected a mapping")
    return Settings(
        server=server,
        nlu=nlu,
        dialogue=dialogue,
        connector=dict(connector),
        channels=dict(channels),
        api_token=env.get(ENV_VARS["api_token"]) or None,
        orders_file=orders_file,
        config_path=str(path) if path else None,
        env=env,
    )
