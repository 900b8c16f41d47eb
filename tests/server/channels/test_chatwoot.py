"""The Chatwoot Agent Bot adapter against a fake Chatwoot that validates every call with the official spec."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.server.channels import payloads as p
from tests.server.channels.conftest import ROUTING, KeywordParser, make_settings, running_app
from tests.server.channels.fake_helpdesk import FakeHelpdesk

pytestmark = pytest.mark.anyio
CONVERSATION = "/api/v1/accounts/1/conversations/57"
TOKEN = f"?token={p.CHATWOOT_TOKEN}"


def _settings(fake: FakeHelpdesk, **env: str):
    return make_settings({"chatwoot": ROUTING["chatwoot"], "env": env}, chatwoot=fake.url)


async def test_chatwoot_incoming_message_gets_reply(fake_chatwoot: FakeHelpdesk, tmp_path: Path) -> None:
    body = p.dumps(p.chatwoot_message(text="Where is my order?"))
    async with running_app(_settings(fake_chatwoot), KeywordParser(), tmp_path) as app:
        response = await app.post("chatwoot", body, {}, TOKEN)
        await app.drain()
    assert response.json() == {"status": "accepted", "replies": 1, "handoff": False}
    (reply,) = fake_chatwoot.calls("POST", f"{CONVERSATION}/messages")
    assert (reply.body["message_type"], reply.body["private"]) == ("outgoing", False)
    assert reply.headers["api_access_token"] == "chatwoot-token"
    assert fake_chatwoot.violations == []


@pytest.mark.parametrize("query", ["", "?token=", "?token=wrong", "?other=url-token-1234"])
async def test_chatwoot_missing_or_wrong_url_token_is_401(
    fake_chatwoot: FakeHelpdesk, tmp_path: Path, query: str
) -> None:
    body = p.dumps(p.chatwoot_message())
    async with running_app(_settings(fake_chatwoot), KeywordParser(), tmp_path) as app:
        response = await app.post("chatwoot", body, {}, query)
        view = await app.service.get("chatwoot:57")
    assert response.status_code == 401
    assert view.events == ()


@pytest.mark.parametrize(
    ("signed_with", "age", "status"),
    [("hmac-secret", 0, 200), ("other", 0, 401), (None, 0, 401), ("hmac-secret", 3600, 401)],
    ids=["valid", "wrong_secret", "unsigned", "stale"],
)
async def test_chatwoot_signature_is_checked_when_secret_set(
    fake_chatwoot: FakeHelpdesk, tmp_path: Path, signed_with: str | None, age: int, status: int
) -> None:
    body = p.dumps(p.chatwoot_message())
    ts = int(datetime.now(UTC).timestamp()) - age
    headers = p.chatwoot_headers(body, signed_with, timestamp=ts) if signed_with else {}
    settings = _settings(fake_chatwoot, WISMO_CHATWOOT_WEBHOOK_SECRET="hmac-secret")
    async with running_app(settings, KeywordParser(), tmp_path) as app:
        response = await app.post("chatwoot", body, headers, TOKEN)
    assert response.status_code == status


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"message_type": "outgoing"}, "not_incoming"),
        ({"message_type": "activity"}, "not_incoming"),
        ({"private": True}, "private"),
        ({"sender_type": "agent_bot"}, "not_from_customer"),
        ({"sender_type": "user"}, "not_from_customer"),
        ({"account": 2}, "other_account"),
    ],
)
async def test_chatwoot_outgoing_private_and_bot_messages_are_ignored(
    fake_chatwoot: FakeHelpdesk, tmp_path: Path, overrides: dict, reason: str
) -> None:
    body = p.dumps(p.chatwoot_message(**overrides))
    async with running_app(_settings(fake_chatwoot), KeywordParser(), tmp_path) as app:
        response = await app.post("chatwoot", body, {}, TOKEN)
        view = await app.service.get("chatwoot:57")
    assert response.json() == {"status": "ignored", "reason": reason}
    assert view.events == ()
    assert fake_chatwoot.requests == []


async def test_chatwoot_duplicate_delivery_is_processed_once(
    fake_chatwoot: FakeHelpdesk, tmp_path: Path
) -> None:
    body = p.dumps(p.chatwoot_message())
    async with running_app(_settings(fake_chatwoot), KeywordParser(), tmp_path) as app:
        first = await app.post("chatwoot", body, {}, TOKEN)
        second = await app.post("chatwoot", body, {}, TOKEN)
        await app.drain()
    assert (first.json()["status"], second.json()["status"]) == ("accepted", "duplicate")
    assert len(fake_chatwoot.calls("POST", "/messages")) == 1


async def test_chatwoot_browser_language_is_the_language_hint(
    fake_chatwoot: FakeHelpdesk, tmp_path: Path
) -> None:
    body = p.dumps(p.chatwoot_message(text="ma commande", browser_language="fr-FR"))
    async with running_app(_settings(fake_chatwoot), KeywordParser(), tmp_path) as app:
        await app.post("chatwoot", body, {}, TOKEN)
        view = await app.service.get("chatwoot:57")
    assert view.state.language == "fr"


async def test_chatwoot_contact_email_is_unverified_by_default(
    fake_chatwoot: FakeHelpdesk, tmp_path: Path
) -> None:
    body = p.dumps(p.chatwoot_message())
    async with running_app(_settings(fake_chatwoot), KeywordParser(), tmp_path) as app:
        await app.post("chatwoot", body, {}, TOKEN)
        view = await app.service.get("chatwoot:57")
    assert (view.state.customer_email, view.state.customer_verified) == (p.CONTACT_EMAIL, False)


async def test_chatwoot_handoff_sends_private_note_open_status_and_team(
    fake_chatwoot: FakeHelpdesk, tmp_path: Path
) -> None:
    body = p.dumps(p.chatwoot_message(text="human please"))
    async with running_app(_settings(fake_chatwoot), KeywordParser(), tmp_path) as app:
        await app.post("chatwoot", body, {}, TOKEN)
        await app.drain()
    messages = fake_chatwoot.calls("POST", f"{CONVERSATION}/messages")
    assert [m.body["private"] for m in messages] == [False, True]
    assert "requested_human" in messages[1].body["content"]
    (status,) = fake_chatwoot.calls("POST", f"{CONVERSATION}/toggle_status")
    (assign,) = fake_chatwoot.calls("POST", f"{CONVERSATION}/assignments")
    assert (status.body, assign.body) == ({"status": "open"}, {"team_id": 5})
    assert fake_chatwoot.violations == []


async def test_chatwoot_resolved_conversation_is_released(
    fake_chatwoot: FakeHelpdesk, tmp_path: Path
) -> None:
    ask = p.dumps(p.chatwoot_message(text="human please"))
    resolved = p.dumps({"event": "conversation_resolved", "id": 57, "status": "resolved"})
    async with running_app(_settings(fake_chatwoot), KeywordParser(), tmp_path) as app:
        await app.post("chatwoot", ask, {}, TOKEN)
        response = await app.post("chatwoot", resolved, {}, TOKEN)
        view = await app.service.get("chatwoot:57")
    assert response.json() == {"status": "released"}
    assert view.state.handed_off is False


async def test_chatwoot_resolved_conversation_of_another_account_releases_nothing(
    fake_chatwoot: FakeHelpdesk, tmp_path: Path
) -> None:
    """Regression (channel audit): a resolution from another account released our conversation 57."""
    ask = p.dumps(p.chatwoot_message(text="human please"))
    resolved = p.dumps({"event": "conversation_resolved", "id": 57, "account_id": 999, "status": "resolved"})
    async with running_app(_settings(fake_chatwoot), KeywordParser(), tmp_path) as app:
        await app.post("chatwoot", ask, {}, TOKEN)
        response = await app.post("chatwoot", resolved, {}, TOKEN)
        view = await app.service.get("chatwoot:57")
    assert response.json() == {"status": "ignored", "reason": "other_account"}
    assert view.state.handed_off is True
