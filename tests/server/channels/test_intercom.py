"""The Intercom adapter against a fake Intercom that validates every call with the official 2.16 spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.channels import payloads as p
from tests.server.channels.conftest import ROUTING, KeywordParser, make_settings, running_app
from tests.server.channels.fake_helpdesk import FakeHelpdesk

pytestmark = pytest.mark.anyio


def _settings(fake: FakeHelpdesk):
    return make_settings({"intercom": ROUTING["intercom"]}, intercom=fake.url)


async def test_intercom_webhook_sends_reply_as_bot_admin(fake_intercom: FakeHelpdesk, tmp_path: Path) -> None:
    body = p.dumps(p.intercom_created(text="Where is my order?"))
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        response = await app.post("intercom", body, p.intercom_headers(body))
        await app.drain()
    assert response.status_code == 200
    assert response.json() == {"status": "accepted", "replies": 1, "handoff": False}
    (reply,) = fake_intercom.calls("POST", "/conversations/503/reply")
    assert reply.body["message_type"] == "comment"
    assert (reply.body["type"], reply.body["admin_id"]) == ("admin", p.BOT_ADMIN_ID)
    assert reply.headers["intercom-version"] == "2.16"
    assert reply.headers["authorization"] == "Bearer intercom-token"
    assert fake_intercom.violations == []


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Hub-Signature": "sha1=" + "0" * 40}, {"X-Hub-Signature": "garbage"}],
    ids=["missing", "wrong", "malformed"],
)
async def test_intercom_bad_signature_is_401_and_nothing_processed(
    fake_intercom: FakeHelpdesk, tmp_path: Path, headers: dict[str, str]
) -> None:
    body = p.dumps(p.intercom_created())
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        response = await app.post("intercom", body, headers)
        await app.drain()
        view = await app.service.get("intercom:503")
    assert response.status_code == 401
    assert "signature" in response.json()["error"]
    assert view.events == ()
    assert fake_intercom.requests == []


async def test_intercom_signature_of_other_secret_is_401(fake_intercom: FakeHelpdesk, tmp_path: Path) -> None:
    body = p.dumps(p.intercom_created())
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        response = await app.post("intercom", body, p.intercom_headers(body, secret="another_secret"))
    assert response.status_code == 401


async def test_intercom_duplicate_delivery_is_processed_once(
    fake_intercom: FakeHelpdesk, tmp_path: Path
) -> None:
    body = p.dumps(p.intercom_created())
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        first = await app.post("intercom", body, p.intercom_headers(body))
        second = await app.post("intercom", body, p.intercom_headers(body))
        await app.drain()
        view = await app.service.get("intercom:503")
    assert (first.json()["status"], second.json()["status"]) == ("accepted", "duplicate")
    assert len(fake_intercom.calls("POST", "/reply")) == 1
    assert sum(e.to_dict()["event"] == "user_uttered" for e in view.events) == 1


async def test_intercom_redelivery_with_new_envelope_same_part_is_processed_once(
    fake_intercom: FakeHelpdesk, tmp_path: Path
) -> None:
    first = p.dumps(p.intercom_created(notif="notif_a"))
    retry = p.dumps(p.intercom_created(notif="notif_b"))
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        await app.post("intercom", first, p.intercom_headers(first))
        response = await app.post("intercom", retry, p.intercom_headers(retry))
        await app.drain()
    assert response.json()["status"] == "duplicate"
    assert len(fake_intercom.calls("POST", "/reply")) == 1


@pytest.mark.parametrize(
    ("parts", "reason"),
    [
        ([("7", "admin", p.BOT_ADMIN_ID, "Your order shipped")], "own_message"),
        ([("7", "admin", "12", "Hi, Anna from support")], "not_from_customer"),
        ([("7", "bot", "0", "Fin here")], "not_from_customer"),
    ],
)
async def test_intercom_bot_and_admin_parts_are_ignored(
    fake_intercom: FakeHelpdesk, tmp_path: Path, parts: list[tuple[str, str, str, str]], reason: str
) -> None:
    body = p.dumps(p.intercom_replied(parts=parts))
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        response = await app.post("intercom", body, p.intercom_headers(body))
        await app.drain()
        view = await app.service.get("intercom:503")
    assert response.json() == {"status": "ignored", "reason": reason}
    assert view.events == ()
    assert fake_intercom.requests == []


async def test_intercom_replied_answers_newest_customer_part(
    fake_intercom: FakeHelpdesk, tmp_path: Path
) -> None:
    parts = [
        ("1", "user", "u1", "hello"),
        ("2", "admin", p.BOT_ADMIN_ID, "Hi!"),
        ("3", "lead", "u1", "my order?"),
    ]
    body = p.dumps(p.intercom_replied(parts=parts))
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        await app.post("intercom", body, p.intercom_headers(body))
        await app.drain()
        view = await app.service.get("intercom:503")
    uttered = [e.to_dict() for e in view.events if e.to_dict()["event"] == "user_uttered"]
    assert [(u["text"], u["message_id"]) for u in uttered] == [("my order?", "3")]


async def test_intercom_ping_is_acknowledged(fake_intercom: FakeHelpdesk, tmp_path: Path) -> None:
    body = b'{"type":"notification_event","topic":"ping","data":{"item":{"type":"ping","message":"hi"}}}'
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        response = await app.post("intercom", body, p.intercom_headers(body))
    assert (response.status_code, response.json()["reason"]) == (200, "ping")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b'{"topic": 5}', "topic"),
        (b'{"topic": "conversation.user.created"}', "data.item"),
        (b'{"topic": ' + b"[" * 20_000 + b"]" * 20_000 + b"}", "body"),  # nested too deeply: not a 500
    ],
)
async def test_intercom_bad_payload_is_400_naming_the_field(
    fake_intercom: FakeHelpdesk, tmp_path: Path, body: bytes, field: str
) -> None:
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        response = await app.post("intercom", body, p.intercom_headers(body))
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{field}:")


async def test_intercom_user_email_is_a_verified_customer(
    fake_intercom: FakeHelpdesk, tmp_path: Path
) -> None:
    body = p.dumps(p.intercom_created())
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        await app.post("intercom", body, p.intercom_headers(body))
        view = await app.service.get("intercom:503")
    assert (view.state.customer_email, view.state.customer_verified) == (p.CONTACT_EMAIL, True)


async def test_intercom_lead_email_is_not_verified(fake_intercom: FakeHelpdesk, tmp_path: Path) -> None:
    body = p.dumps(p.intercom_created(author_type="lead"))
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        await app.post("intercom", body, p.intercom_headers(body))
        view = await app.service.get("intercom:503")
    assert view.state.customer_verified is False


async def test_intercom_handoff_sends_note_assignment_and_tags(
    fake_intercom: FakeHelpdesk, tmp_path: Path
) -> None:
    body = p.dumps(p.intercom_created(text="I want a human please"))
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        response = await app.post("intercom", body, p.intercom_headers(body))
        await app.drain()
    assert response.json()["handoff"] is True
    replies = fake_intercom.calls("POST", "/conversations/503/reply")
    assert [r.body["message_type"] for r in replies] == ["comment", "note"]
    assert "requested_human" in replies[1].body["body"]
    (assign,) = fake_intercom.calls("POST", "/conversations/503/parts")
    assert assign.body == {
        "message_type": "assignment",
        "type": "admin",
        "admin_id": p.BOT_ADMIN_ID,
        "assignee_id": "5678",
    }
    created = [r.body["name"] for r in fake_intercom.calls("POST", "/tags") if r.path == "/tags"]
    assert "wismo-bot" in created and "handoff_requested_human" in created
    assert len(fake_intercom.calls("POST", "/conversations/503/tags")) == len(created)
    assert fake_intercom.violations == []


async def test_intercom_admin_closed_releases_conversation(
    fake_intercom: FakeHelpdesk, tmp_path: Path
) -> None:
    ask = p.dumps(p.intercom_created(text="I want a human"))
    closed = p.intercom_created(notif="notif_closed")
    closed["topic"] = "conversation.admin.closed"
    close = p.dumps(closed)
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        await app.post("intercom", ask, p.intercom_headers(ask))
        response = await app.post("intercom", close, p.intercom_headers(close))
        view = await app.service.get("intercom:503")
    assert response.json() == {"status": "released"}
    assert view.state.handed_off is False


def _replied_without_parts(notif: str = "notif_9") -> bytes:
    payload = p.intercom_replied(notif=notif)
    del payload["data"]["item"]["conversation_parts"]
    return p.dumps(payload)


def _part(pid: str, author_type: str, author_id: str, body: str) -> dict:
    return {
        "type": "conversation_part",
        "id": pid,
        "part_type": "comment",
        "body": body,
        "author": {"type": author_type, "id": author_id},
    }


async def test_intercom_reply_without_parts_reads_the_conversation(
    fake_intercom: FakeHelpdesk, tmp_path: Path
) -> None:
    fake_intercom.conversations["503"] = [
        _part("1", "user", "6762f126", "hello"),
        _part("2", "admin", p.BOT_ADMIN_ID, "Hi! Which order?"),
        _part("3", "user", "6762f126", "where is my order? price < 50 & paid"),
    ]
    body = _replied_without_parts()
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        response = await app.post("intercom", body, p.intercom_headers(body))
        await app.drain()
        view = await app.service.get("intercom:503")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    (fetch,) = fake_intercom.calls("GET", "/conversations/503")
    assert fetch.headers["authorization"] == "Bearer intercom-token"
    uttered = [e.to_dict() for e in view.events if e.to_dict()["event"] == "user_uttered"]
    # display_as=plaintext: the body is text, read as it is (not as HTML, which would eat "< 50 &")
    assert [(u["text"], u["message_id"]) for u in uttered] == [("where is my order? price < 50 & paid", "3")]
    assert len(fake_intercom.calls("POST", "/conversations/503/reply")) == 1
    assert fake_intercom.violations == []


async def test_intercom_fetch_that_fails_is_503_and_the_redelivery_is_processed(
    fake_intercom: FakeHelpdesk, tmp_path: Path
) -> None:
    fake_intercom.conversations["503"] = [_part("3", "user", "6762f126", "my order?")]
    body = _replied_without_parts()
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        fake_intercom.fail_next = [500] * 10
        failed = await app.post("intercom", body, p.intercom_headers(body))
        fake_intercom.fail_next = []
        again = await app.post("intercom", body, p.intercom_headers(body))
        await app.drain()
        view = await app.service.get("intercom:503")
    assert failed.status_code == 503 and "intercom" in failed.json()["error"]
    assert (again.status_code, again.json()["status"]) == (200, "accepted")
    uttered = [e.to_dict() for e in view.events if e.to_dict()["event"] == "user_uttered"]
    assert [u["text"] for u in uttered] == ["my order?"]


async def test_intercom_fetched_conversation_whose_newest_part_is_ours_is_ignored(
    fake_intercom: FakeHelpdesk, tmp_path: Path
) -> None:
    fake_intercom.conversations["503"] = [_part("4", "admin", p.BOT_ADMIN_ID, "Your order shipped")]
    body = _replied_without_parts()
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        response = await app.post("intercom", body, p.intercom_headers(body))
    assert response.json() == {"status": "ignored", "reason": "own_message"}
    assert fake_intercom.calls("POST", "/reply") == []


async def test_intercom_fetch_is_one_short_try_on_the_webhooks_time(
    fake_intercom: FakeHelpdesk, tmp_path: Path
) -> None:
    fake_intercom.conversations["503"] = [_part("3", "user", "6762f126", "my order?")]
    fake_intercom.fail_next = [503]  # one failure: the webhook answers 503 at once rather than retrying
    body = _replied_without_parts()
    async with running_app(_settings(fake_intercom), KeywordParser(), tmp_path) as app:
        response = await app.post("intercom", body, p.intercom_headers(body))
    assert response.status_code == 503
    assert len(fake_intercom.calls("GET", "/conversations/503")) == 1
