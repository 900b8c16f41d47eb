"""Delivery to the helpdesk: retries, failures kept without losing the conversation, spec violations caught."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from server.app import delivery_failure_hook
from server.channels import base
from server.channels.outbound import DeliveryFailed, HelpdeskClient, Outbox
from server.channels.settings import OutboundSettings
from server.metrics import Metrics
from tests.server.channels import payloads as p
from tests.server.channels.conftest import ROUTING, KeywordParser, make_settings, running_app
from tests.server.channels.fake_helpdesk import FakeHelpdesk

pytestmark = pytest.mark.anyio
FAST = OutboundSettings(timeout=2.0, retries=2, backoff=0.0, max_backoff=0.0, max_retry_after=0.0)


def _chatwoot_client(fake: FakeHelpdesk, http: httpx.AsyncClient) -> HelpdeskClient:
    return HelpdeskClient("chatwoot", http, fake.url, {"api_access_token": "t"}, FAST)


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_helpdesk_client_retries_transient_errors(fake_chatwoot: FakeHelpdesk, status: int) -> None:
    fake_chatwoot.fail_next = [status, status]
    async with httpx.AsyncClient() as http:
        answer = await _chatwoot_client(fake_chatwoot, http).call(
            "open", "POST", "/api/v1/accounts/1/conversations/57/toggle_status", {"status": "open"}
        )
    assert answer["payload"]["current_status"] == "open"
    assert len(fake_chatwoot.requests) == 3


async def test_helpdesk_client_gives_up_after_retries(fake_chatwoot: FakeHelpdesk) -> None:
    fake_chatwoot.fail_next = [503] * 5
    async with httpx.AsyncClient() as http:
        with pytest.raises(DeliveryFailed, match=r"chatwoot open failed \(status 503\)"):
            await _chatwoot_client(fake_chatwoot, http).call(
                "open", "POST", "/api/v1/accounts/1/conversations/57/toggle_status", {"status": "open"}
            )
    assert len(fake_chatwoot.requests) == 3


async def test_helpdesk_client_does_not_retry_client_errors(fake_chatwoot: FakeHelpdesk) -> None:
    fake_chatwoot.fail_next = [404]
    async with httpx.AsyncClient() as http:
        with pytest.raises(DeliveryFailed):
            await _chatwoot_client(fake_chatwoot, http).call(
                "open", "POST", "/api/v1/accounts/1/conversations/57/toggle_status", {"status": "open"}
            )
    assert len(fake_chatwoot.requests) == 1


async def test_helpdesk_client_unreachable_host_fails_without_secret() -> None:
    async with httpx.AsyncClient() as http:
        client = HelpdeskClient(
            "zendesk", http, "http://127.0.0.1:9", {"Authorization": "Basic c2VjcmV0"}, FAST
        )
        with pytest.raises(DeliveryFailed) as caught:
            await client.call("reply", "PUT", "/api/v2/tickets/1", {"ticket": {}})
    assert "c2VjcmV0" not in str(caught.value)
    assert caught.value.status is None


async def test_helpdesk_client_does_not_resend_a_post_that_may_have_arrived(
    fake_chatwoot: FakeHelpdesk,
) -> None:
    """Regression (channel audit): a reply answered too slowly was posted again on every retry."""
    fake_chatwoot.delay = 0.5
    slow = OutboundSettings(timeout=0.2, retries=2, backoff=0.0, max_backoff=0.0, max_retry_after=0.0)
    async with httpx.AsyncClient() as http:
        client = HelpdeskClient("chatwoot", http, fake_chatwoot.url, {"api_access_token": "t"}, slow)
        with pytest.raises(DeliveryFailed):
            await client.call(
                "reply", "POST", "/api/v1/accounts/1/conversations/57/messages", {"content": "hi"}
            )
    assert len(fake_chatwoot.requests) == 1


async def test_slow_turn_is_acknowledged_at_once_and_delivered_after(
    fake_chatwoot: FakeHelpdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (channel audit): the webhook answered only after the whole turn (shop look-up included)."""
    monkeypatch.setattr(base, "ACK_BUDGET", 0.05)
    settings = make_settings({"chatwoot": ROUTING["chatwoot"]}, chatwoot=fake_chatwoot.url)
    body = p.dumps(p.chatwoot_message(text="a human please"))
    async with running_app(settings, KeywordParser(), tmp_path) as app:
        handle = app.service.handle

        async def slow_handle(*args: object, **kwargs: object) -> object:
            await asyncio.sleep(0.3)  # a shop look-up that takes its time
            return await handle(*args, **kwargs)

        monkeypatch.setattr(app.service, "handle", slow_handle)
        response = await app.post("chatwoot", body, {}, f"?token={p.CHATWOOT_TOKEN}")
        await app.drain()
        view = await app.service.get("chatwoot:57")
    assert (response.status_code, response.json()) == (200, {"status": "accepted", "processing": True})
    assert view.state.handed_off and fake_chatwoot.calls("POST", "/assignments")
    assert not app.outbox.failed and fake_chatwoot.violations == []


async def test_failed_delivery_is_kept_and_conversation_saved(
    fake_chatwoot: FakeHelpdesk, tmp_path: Path
) -> None:
    fake_chatwoot.fail_next = [503] * 10
    settings = make_settings({"chatwoot": ROUTING["chatwoot"]}, chatwoot=fake_chatwoot.url)
    body = p.dumps(p.chatwoot_message())
    async with running_app(settings, KeywordParser(), tmp_path) as app:
        metrics = Metrics()
        app.outbox.on_failure = delivery_failure_hook(metrics, app.service)  # as the app wires it
        response = await app.post("chatwoot", body, {}, f"?token={p.CHATWOOT_TOKEN}")
        await app.drain()
        view = await app.service.get("chatwoot:57")
        exposition = metrics.render()[0].decode()
    assert response.status_code == 200
    assert [(f.channel, f.conversation_id, f.step, f.status) for f in app.outbox.failed] == [
        ("chatwoot", "chatwoot:57", "reply", 503)
    ]
    events = [e.to_dict() for e in view.events]
    assert any(e["event"] == "user_uttered" for e in events)
    # kept with the conversation (it outlives the process) and counted for alerts
    (failure,) = [e for e in events if e["event"] == "delivery_failed"]
    assert (failure["channel"], failure["step"], failure["status"]) == ("chatwoot", "reply", 503)
    assert 'wismo_channel_delivery_failures_total{channel="chatwoot",step="reply"} 1.0' in exposition
    assert view.state.awaiting == "order_id"  # the dialogue's state is untouched by the failure


async def test_handoff_steps_continue_after_one_fails(fake_chatwoot: FakeHelpdesk, tmp_path: Path) -> None:
    settings = make_settings({"chatwoot": ROUTING["chatwoot"]}, chatwoot=fake_chatwoot.url)
    fake_chatwoot.fail_next = [400]  # the first call (the public reply) is refused for good
    body = p.dumps(p.chatwoot_message(text="a human please"))
    async with running_app(settings, KeywordParser(), tmp_path) as app:
        await app.post("chatwoot", body, {}, f"?token={p.CHATWOOT_TOKEN}")
        await app.drain()
    assert [f.step for f in app.outbox.failed] == ["reply"]
    assert fake_chatwoot.calls("POST", "/assignments")


async def test_outbox_keeps_one_conversation_in_order() -> None:
    import asyncio

    seen: list[int] = []

    async def job(i: int, delay: float) -> None:
        await asyncio.sleep(delay)
        seen.append(i)

    outbox = Outbox()
    outbox.submit("x", "c1", job(1, 0.05))
    outbox.submit("x", "c1", job(2, 0.0))
    await outbox.drain()
    assert seen == [1, 2]
    assert outbox.pending == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/conversations/5/reply", {"message_type": "comment", "type": "bot", "admin_id": "1", "body": "x"}),
        ("/conversations/5/parts", {"message_type": "assignment", "type": "admin", "admin_id": "1"}),
    ],
    ids=["bot_author_type", "assignment_without_assignee"],
)
async def test_fake_intercom_flags_requests_the_spec_forbids(
    fake_intercom: FakeHelpdesk, path: str, body: dict
) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            fake_intercom.url + path,
            content=json.dumps(body),
            headers={
                "Authorization": "Bearer x",
                "Intercom-Version": "2.16",
                "Content-Type": "application/json",
            },
        )
    assert response.status_code == 400
    assert len(fake_intercom.violations) == 1


async def test_fake_zendesk_flags_unknown_status(fake_zendesk: FakeHelpdesk) -> None:
    async with httpx.AsyncClient() as http:
        await http.put(
            fake_zendesk.url + "/api/v2/tickets/1",
            json={"ticket": {"status": "bogus"}},
            auth=("a@b.c/token", "t"),
        )
    assert len(fake_zendesk.violations) == 1


async def test_reply_is_delivered_when_the_helpdesk_hangs_up_before_the_answer(
    fake_chatwoot: FakeHelpdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (review): a cancelled webhook request left its turn running with nobody to deliver it."""
    settings = make_settings({"chatwoot": ROUTING["chatwoot"]}, chatwoot=fake_chatwoot.url)
    body = p.dumps(p.chatwoot_message(text="a human please"))
    async with running_app(settings, KeywordParser(), tmp_path) as app:
        handle = app.service.handle

        async def slow_handle(*args: object, **kwargs: object) -> object:
            await asyncio.sleep(0.3)
            return await handle(*args, **kwargs)

        monkeypatch.setattr(app.service, "handle", slow_handle)
        request = asyncio.ensure_future(app.post("chatwoot", body, {}, f"?token={p.CHATWOOT_TOKEN}"))
        await asyncio.sleep(0.1)  # the webhook is waiting for the turn
        request.cancel()  # the helpdesk gives up on the connection
        await asyncio.gather(request, return_exceptions=True)
        await app.drain()
    assert fake_chatwoot.calls("POST", "/assignments")  # the handoff still reached the helpdesk
    assert not app.outbox.failed
