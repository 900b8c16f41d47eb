"""Fixtures of the server tests: real Redis/PostgreSQL processes, settings, stores and live servers."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from server.settings import RateLimits, ServerSettings, Settings, StateSettings
from server.stores import PostgresStore, RedisStore, SQLiteStore, Store
from tests.server.live import LiveServer
from tests.server.services import ServiceUnavailable, postgres_server, redis_server

REPO_ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ("sqlite", "redis", "postgres")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server for the session (skips when it cannot be started)."""
    try:
        with redis_server(tmp_path_factory.mktemp("redis")) as url:
            yield url
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL cluster for the session (skips when it cannot be started)."""
    try:
        with postgres_server() as url:
            yield url
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(params=BACKENDS)
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., Store]:
    """Builds unopened stores of one back end (parametrized over sqlite, redis and postgres)."""
    kind = request.param

    def build(**options: Any) -> Store:
        if kind == "redis":
            url = request.getfixturevalue("redis_url")
            return RedisStore(url, prefix=f"t{uuid.uuid4().hex[:8]}", **options)
        if kind == "postgres":
            options.pop("lock_ttl", None)
            return PostgresStore(request.getfixturevalue("postgres_url"), pool_size=4, **options)
        return SQLiteStore(tmp_path / "state.sqlite3", **options)

    return build


@pytest.fixture(scope="session")
def base_settings(default_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for in-process servers: the session's trained model, SQLite state, generous limits."""
    state = StateSettings(path=str(tmp_path_factory.mktemp("state") / "state.sqlite3"))
    limits = RateLimits(per_ip_per_minute=0, per_conversation_per_minute=0)
    server = ServerSettings(model=str(default_model_dir), state=state, rate_limits=limits)
    return Settings(server=server)


@pytest.fixture
def serve(base_settings: Settings) -> Iterator[Callable[..., LiveServer]]:
    """Start live servers built from ``base_settings`` plus ``server:`` overrides; stopped at teardown."""
    from server.app import create_app

    started: list[LiveServer] = []

    def start(api_token: str | None = None, **server: Any) -> LiveServer:
        settings = replace(base_settings, server=replace(base_settings.server, **server), api_token=api_token)
        live = LiveServer(create_app(settings, name=f"wismo_{uuid.uuid4().hex[:8]}")).start()
        started.append(live)
        return live

    yield start
    for live in started:
        live.stop()


@pytest.fixture(scope="module")
def live(default_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One live server shared by a test module (SQLite state, no rate limits, no token)."""
    from server.app import create_app

    state = StateSettings(path=str(tmp_path_factory.mktemp("live") / "state.sqlite3"))
    limits = RateLimits(per_ip_per_minute=0, per_conversation_per_minute=0)
    settings = Settings(server=ServerSettings(model=str(default_model_dir), state=state, rate_limits=limits))
    server = LiveServer(create_app(settings, name=f"wismo_{uuid.uuid4().hex[:8]}")).start()
    yield server
    server.stop()


@pytest.fixture
def conversation_id() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def demo_engine(default_engine: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A dialogue engine on the session's NLU model and a fresh demo shop."""
    from dialogue.config import DialogueConfig
    from dialogue.connectors.demo_shop import DemoShopConnector, create_demo_shop
    from dialogue.engine import DialogueEngine
    from dialogue.templates import load_templates

    config = DialogueConfig()
    templates = load_templates(REPO_ROOT / config.templates_dir, config.languages)
    shop = create_demo_shop(tmp_path_factory.mktemp("shop") / "demo.sqlite3")
    return DialogueEngine(default_engine, DemoShopConnector(shop), config, templates)
