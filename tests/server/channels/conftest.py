"""Fixtures for the channel tests: vendor specs, fake helpdesks on 127.0.0.1 and a small app around the blueprints.

The app is a bare Sanic app with the channel blueprints and the real :class:`ConversationService` over SQLite,
driven through ASGI in the test's own event loop; the dialogue engine is real too. Most tests use a keyword
parser so they stay fast; the end-to-end tests use the trained default model (``default_engine``).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import yaml
from sanic import Sanic

from dialogue.config import DialogueConfig
from dialogue.connectors.base import InMemoryConnector
from dialogue.engine import DialogueEngine
from dialogue.templates import load_templates
from nlu.types import IntentScore, ParseResult
from server.channels import ChannelSettings, channel_blueprints
from server.channels.outbound import Outbox
from server.service import ConversationService
from server.stores import SQLiteStore
from tests.server.channels import payloads as p
from tests.server.channels.fake_helpdesk import FakeHelpdesk, Recorded, Reply, spec_example

REPO = Path(__file__).resolve().parents[3]
Sanic.test_mode = True  # many apps of the same kind in one process
_app_names = itertools.count()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class KeywordParser:
    """A stand-in NLU: ``human`` → request_human, ``order`` → order_status, else out_of_scope."""

    def parse(
        self, text: str, *, language: str | None = None, reference_time: datetime | None = None
    ) -> ParseResult:
        lowered = text.lower()
        intent = (
            "request_human"
            if "human" in lowered
            else "order_status"
            if "order" in lowered
            else "out_of_scope"
        )
        return ParseResult(text, IntentScore(intent, 0.99), language=language or "en")


# --- vendor specs (loaded once; spec validation off as the shared notes §7 say) -------------------------------


class _SpecLoader(yaml.SafeLoader):
    pass


_SpecLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


@dataclass(frozen=True)
class Spec:
    raw: dict[str, Any]
    api: Any


def _load_spec(path: Path) -> Spec:
    from openapi_core import Config, OpenAPI

    if path.suffix == ".json":
        import json

        raw = json.loads(path.read_text(encoding="utf-8"))
    else:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SpecLoader)
    return Spec(raw, OpenAPI.from_dict(raw, config=Config(spec_validator_cls=None)))


@pytest.fixture(scope="session")
def intercom_spec(shared_dir: Path) -> Spec:
    return _load_spec(shared_dir / "specs/intercom/intercom-api-2.16.yaml")


@pytest.fixture(scope="session")
def zendesk_spec(shared_dir: Path) -> Spec:
    return _load_spec(shared_dir / "specs/zendesk/zendesk-support-oas.yaml")


@pytest.fixture(scope="session")
def chatwoot_spec(shared_dir: Path) -> Spec:
    return _load_spec(shared_dir / "specs/chatwoot/chatwoot-swagger.json")


# --- fake helpdesks ---------------------------------------------------------------------------------------------


def _intercom_responder(spec: Spec, conversations: dict[str, list[dict[str, Any]]]) -> Any:
    """``conversations``: conversation id -> its parts, served by ``GET /conversations/{id}``."""
    conv = "/conversations/{conversation_id}"

    def respond(request: Recorded) -> Reply:
        if request.method == "GET" and request.path.startswith("/conversations/"):
            remote_id = request.path.rsplit("/", 1)[1]
            if remote_id not in conversations:
                return Reply(404, spec_example(spec.raw, conv, "get", "404"))
            conversation = spec_example(spec.raw, conv, "get")
            parts = conversations[remote_id]
            listed = {
                "type": "conversation_part.list",
                "conversation_parts": parts,
                "total_count": len(parts),
            }
            return Reply(200, {**conversation, "id": remote_id, "conversation_parts": listed})
        if request.path == "/tags":
            return Reply(200, {**spec_example(spec.raw, "/tags", "post"), "name": request.body["name"]})
        if request.path.endswith("/tags"):
            return Reply(200, spec_example(spec.raw, f"{conv}/tags", "post"))
        if request.path.endswith("/parts"):
            return Reply(200, spec_example(spec.raw, f"{conv}/parts", "post"))
        return Reply(200, spec_example(spec.raw, f"{conv}/reply", "post"))

    return respond


def _zendesk_responder(spec: Spec) -> Any:
    def respond(request: Recorded) -> Reply:
        return Reply(200, spec_example(spec.raw, "/api/v2/tickets/{ticket_id}", "put"))

    return respond


def _chatwoot_responder(request: Recorded) -> Reply:
    conversation = int(request.path.split("/")[6])
    if request.path.endswith("/toggle_status"):
        body = {
            "meta": {},
            "payload": {"success": True, "current_status": "open", "conversation_id": conversation},
        }
        return Reply(200, body)
    if request.path.endswith("/assignments"):
        return Reply(200, {"id": 7, "name": "Support", "type": "team"})
    body = request.body
    return Reply(
        200,
        {
            "id": 9001,
            "content": body["content"],
            "conversation_id": conversation,
            "message_type": 1,
            "private": body.get("private", False),
            "content_type": "text",
            "sender_type": "agent_bot",
        },
    )


@pytest.fixture
def fake_intercom(intercom_spec: Spec) -> Iterator[FakeHelpdesk]:
    conversations: dict[str, list[dict[str, Any]]] = {}
    fake = FakeHelpdesk(
        intercom_spec.api, "https://api.intercom.io", _intercom_responder(intercom_spec, conversations)
    )
    fake.conversations = conversations
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_zendesk(zendesk_spec: Spec) -> Iterator[FakeHelpdesk]:
    fake = FakeHelpdesk(
        zendesk_spec.api, "https://acme.zendesk.com", _zendesk_responder(zendesk_spec)
    ).start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_chatwoot(chatwoot_spec: Spec) -> Iterator[FakeHelpdesk]:
    fake = FakeHelpdesk(chatwoot_spec.api, "https://app.chatwoot.com", _chatwoot_responder).start()
    yield fake
    fake.stop()


FAST_OUTBOUND = {"timeout": 2.0, "retries": 2, "backoff": 0.01, "max_backoff": 0.02, "max_retry_after": 0.02}


def make_settings(section: dict[str, Any], **urls: str) -> ChannelSettings:
    """Channel settings for tests: the given section (all three enabled by default), fakes' URLs, fast retries."""
    env = {
        "WISMO_INTERCOM_URL": urls.get("intercom", "http://127.0.0.1:9"),
        "WISMO_INTERCOM_TOKEN": "intercom-token",
        "WISMO_INTERCOM_CLIENT_SECRET": p.INTERCOM_SECRET,
        "WISMO_INTERCOM_ADMIN_ID": p.BOT_ADMIN_ID,
        "WISMO_ZENDESK_URL": urls.get("zendesk", "http://127.0.0.1:9"),
        "WISMO_ZENDESK_EMAIL": "bot@acme.test",
        "WISMO_ZENDESK_TOKEN": "zendesk-token",
        "WISMO_ZENDESK_WEBHOOK_SECRET": p.ZENDESK_SECRET,
        "WISMO_CHATWOOT_URL": urls.get("chatwoot", "http://127.0.0.1:9"),
        "WISMO_CHATWOOT_TOKEN": "chatwoot-token",
        "WISMO_CHATWOOT_ACCOUNT_ID": "1",
        "WISMO_CHATWOOT_WEBHOOK_TOKEN": p.CHATWOOT_TOKEN,
    }
    merged: dict[str, Any] = {"outbound": FAST_OUTBOUND}
    for name in ("intercom", "zendesk", "chatwoot"):
        merged[name] = {"enabled": True, **section.get(name, {})}
    return ChannelSettings.from_dict(merged, {**env, **section.get("env", {})})


ROUTING = {
    "intercom": {"teams": {"requested_human": "5678"}, "default_team": "1234", "tags": ["wismo-bot"]},
    "zendesk": {
        "teams": {"requested_human": "98738"},
        "tags": ["wismo_handoff"],
        "bot_user_id": p.ZENDESK_BOT_USER,
    },
    "chatwoot": {"teams": {"requested_human": "5"}},
}


# --- the app ----------------------------------------------------------------------------------------------------


@dataclass
class Harness:
    app: Sanic
    client: httpx.AsyncClient
    service: ConversationService
    outbox: Outbox

    async def post(
        self, channel: str, body: bytes, headers: dict[str, str], query: str = ""
    ) -> httpx.Response:
        return await self.client.post(f"/webhooks/{channel}{query}", content=body, headers=headers)

    async def drain(self) -> None:
        await self.outbox.drain(timeout=10)


async def _lifespan(app: Sanic) -> Any:
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    task = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, outbox.put))
    await inbox.put({"type": "lifespan.startup"})
    await outbox.get()

    async def stop() -> None:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await task

    return stop


@asynccontextmanager
async def running_app(settings: ChannelSettings, parser: Any, state_dir: Path) -> AsyncIterator[Harness]:
    """A Sanic app with the channel blueprints, the real service over SQLite, and an ASGI client."""
    app = Sanic(f"wismo_channels_{next(_app_names)}", configure_logging=False)
    blueprints = channel_blueprints(settings)
    for bp in blueprints:
        app.blueprint(bp)
    config = DialogueConfig()
    engine = DialogueEngine(parser, InMemoryConnector([]), config, load_templates(REPO / "training_data"))
    store = SQLiteStore(state_dir / "state.db")
    await store.open()
    app.ctx.service = ConversationService(engine, store)
    app.ctx.settings = SimpleNamespace(channels=settings)
    app.ctx.http = httpx.AsyncClient()
    stop = await _lifespan(app)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wismo.test")
    harness = Harness(app, client, app.ctx.service, blueprints[0].ctx.outbox)
    try:
        yield harness
    finally:
        await harness.drain()
        await client.aclose()
        await stop()
        await app.ctx.http.aclose()
        await store.close()
