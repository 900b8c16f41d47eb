"""The signed handoff webhook: delivered to a real receiver on loopback, retried, never blocking the reply."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import httpx
import pytest
from sanic import Sanic
from sanic.response import json as json_response

from server.settings import WebhookSettings
from server.webhook import SIGNATURE_HEADER, HandoffWebhook, sign, verify
from tests.server.live import LiveServer

SECRET = "hook-secret"


@pytest.fixture
def receiver():
    """A helpdesk-like receiver on 127.0.0.1 that fails the first ``fail`` deliveries with 503."""
    app = Sanic("hook_receiver_" + str(id(object())).replace("-", ""))
    app.ctx.calls = []
    app.ctx.fail = 0

    @app.post("/hook")
    async def hook(request):
        app.ctx.calls.append((request.body, request.headers.get(SIGNATURE_HEADER)))
        if len(app.ctx.calls) <= app.ctx.fail:
            return json_response({"error": "busy"}, status=503)
        return json_response({"ok": True})

    live = LiveServer(app).start()
    yield live
    live.stop()


def _result_with_handoff(demo_engine):
    from dialogue.engine import UserMessage

    return asyncio.run(demo_engine.handle([], UserMessage("I want to talk to a human", "c-hook")))


async def _deliver(settings: WebhookSettings, result) -> HandoffWebhook:
    async with httpx.AsyncClient() as client:
        hook = HandoffWebhook(settings, client, sleep=lambda s: asyncio.sleep(0))
        hook("c-hook", result, 0.01)
        await hook.aclose(10)
        return hook


def test_webhook_posts_the_handoff_signed_with_hmac_sha256(receiver, demo_engine):
    result = _result_with_handoff(demo_engine)
    settings = WebhookSettings(url=f"{receiver.url}/hook", secret=SECRET)
    asyncio.run(_deliver(settings, result))
    [(body, signature)] = receiver.app.ctx.calls
    assert verify(SECRET, body, signature)
    assert json.loads(body)["handoff"]["reason"] == "requested_human"


def test_webhook_retries_until_the_receiver_accepts(receiver, demo_engine):
    receiver.app.ctx.fail = 2
    settings = WebhookSettings(url=f"{receiver.url}/hook", secret=SECRET, max_attempts=4)
    asyncio.run(_deliver(settings, _result_with_handoff(demo_engine)))
    bodies = [body for body, _ in receiver.app.ctx.calls]
    assert len(bodies) == 3 and len(set(bodies)) == 1


def test_webhook_gives_up_after_max_attempts(receiver, demo_engine):
    receiver.app.ctx.fail = 10
    settings = WebhookSettings(url=f"{receiver.url}/hook", secret=SECRET, max_attempts=2)
    asyncio.run(_deliver(settings, _result_with_handoff(demo_engine)))
    assert len(receiver.app.ctx.calls) == 2


def test_webhook_ignores_turns_without_handoff(receiver, demo_engine):
    from dialogue.engine import UserMessage

    result = asyncio.run(demo_engine.handle([], UserMessage("hello", "c-hook")))
    settings = WebhookSettings(url=f"{receiver.url}/hook", secret=SECRET)
    asyncio.run(_deliver(settings, result))
    assert receiver.app.ctx.calls == []


def test_webhook_does_not_delay_the_reply(serve, receiver, conversation_id):
    receiver.app.ctx.fail = 100
    live = serve(webhook=replace(WebhookSettings(), url=f"{receiver.url}/hook", secret=SECRET, backoff=5.0))
    response = httpx.post(
        f"{live.url}/api/v1/conversations/{conversation_id}/messages",
        json={"text": "I want a human"},
        timeout=30,
    )
    assert response.status_code == 200 and response.elapsed.total_seconds() < 2.0


def test_sign_matches_a_reference_hmac():
    import hashlib
    import hmac

    assert sign("k", b"body") == "sha256=" + hmac.new(b"k", b"body", hashlib.sha256).hexdigest()
