"""The Zendesk adapter against a fake Zendesk that validates every call with the official Support OAS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.server.channels import payloads as p
from tests.server.channels.conftest import ROUTING, KeywordParser, make_settings, running_app
from tests.server.channels.fake_helpdesk import FakeHelpdesk

pytestmark = pytest.mark.anyio
TICKET = "/api/v2/tickets/35436"


def _settings(fake: FakeHelpdesk, **zendesk: object):
    return make_settings({"zendesk": {**ROUTING["zendesk"], **zendesk}}, zendesk=fake.url)


async def test_zendesk_comment_gets_public_reply(fake_zendesk: FakeHelpdesk, tmp_path: Path) -> None:
    body = p.dumps(p.zendesk_comment(text="Where is my order?"))
    async with running_app(_settings(fake_zendesk), KeywordParser(), tmp_path) as app:
        response = await app.post("zendesk", body, p.zendesk_headers(body))
        await app.drain()
    assert response.json() == {"status": "accepted", "replies": 1, "handoff": False}
    (update,) = fake_zendesk.calls("PUT", TICKET)
    comment = update.body["ticket"]["comment"]
    assert (comment["public"], comment["author_id"]) == (True, int(p.ZENDESK_BOT_USER))
    assert update.headers["authorization"].startswith("Basic ")
    assert fake_zendesk.violations == []


@pytest.mark.parametrize(
    "mangle",
    [
        lambda h: {},
        lambda h: {**h, "X-Zendesk-Webhook-Signature": "AAAA"},
        lambda h: {k: v for k, v in h.items() if k != "X-Zendesk-Webhook-Signature-Timestamp"},
        lambda h: {**h, "X-Zendesk-Webhook-Signature-Timestamp": "2001-01-01T00:00:00Z"},
    ],
    ids=["missing", "wrong", "no_timestamp", "timestamp_not_signed"],
)
async def test_zendesk_bad_signature_is_401_and_nothing_processed(
    fake_zendesk: FakeHelpdesk, tmp_path: Path, mangle
) -> None:
    body = p.dumps(p.zendesk_comment())
    async with running_app(_settings(fake_zendesk), KeywordParser(), tmp_path) as app:
        response = await app.post("zendesk", body, mangle(p.zendesk_headers(body)))
        await app.drain()
        view = await app.service.get("zendesk:35436")
    assert response.status_code == 401
    assert view.events == ()
    assert fake_zendesk.requests == []


@pytest.mark.parametrize(("offset", "status"), [(-305, 401), (305, 401), (-290, 200), (0, 200)])
async def test_zendesk_timestamp_outside_window_is_rejected(
    fake_zendesk: FakeHelpdesk, tmp_path: Path, offset: int, status: int
) -> None:
    body = p.dumps(p.zendesk_comment())
    async with running_app(
        _settings(fake_zendesk, timestamp_tolerance=300), KeywordParser(), tmp_path
    ) as app:
        # Signed once the app is up: its start-up must not eat into the margin (whole seconds on the wire).
        when = datetime.now(UTC) + timedelta(seconds=offset)
        response = await app.post("zendesk", body, p.zendesk_headers(body, when=when))
    assert response.status_code == status


async def test_zendesk_replayed_delivery_is_processed_once(
    fake_zendesk: FakeHelpdesk, tmp_path: Path
) -> None:
    body = p.dumps(p.zendesk_comment())
    async with running_app(_settings(fake_zendesk), KeywordParser(), tmp_path) as app:
        statuses = [
            (await app.post("zendesk", body, p.zendesk_headers(body))).json()["status"] for _ in range(3)
        ]
        await app.drain()
    assert statuses == ["accepted", "duplicate", "duplicate"]
    assert len(fake_zendesk.calls("PUT", TICKET)) == 1


@pytest.mark.parametrize(
    ("comment", "reason"),
    [
        ({"author_id": p.ZENDESK_BOT_USER, "is_staff": True}, "own_message"),
        ({"author_id": "77", "is_staff": True}, "staff_author"),
        ({"is_public": False}, "private_comment"),
        ({"text": "   "}, "empty"),
    ],
)
async def test_zendesk_bot_staff_and_private_comments_are_ignored(
    fake_zendesk: FakeHelpdesk, tmp_path: Path, comment: dict, reason: str
) -> None:
    body = p.dumps(p.zendesk_comment(**comment))
    async with running_app(_settings(fake_zendesk), KeywordParser(), tmp_path) as app:
        response = await app.post("zendesk", body, p.zendesk_headers(body))
        view = await app.service.get("zendesk:35436")
    assert response.json() == {"status": "ignored", "reason": reason}
    assert view.events == ()


async def test_zendesk_other_event_types_are_ignored(fake_zendesk: FakeHelpdesk, tmp_path: Path) -> None:
    payload = p.zendesk_comment()
    payload["type"] = "zen:event-type:ticket.priority_changed"
    body = p.dumps(payload)
    async with running_app(_settings(fake_zendesk), KeywordParser(), tmp_path) as app:
        response = await app.post("zendesk", body, p.zendesk_headers(body))
    assert response.json()["reason"] == "unhandled_event"


async def test_zendesk_non_numeric_ticket_is_400(fake_zendesk: FakeHelpdesk, tmp_path: Path) -> None:
    body = p.dumps(p.zendesk_comment(ticket="../admin"))
    async with running_app(_settings(fake_zendesk), KeywordParser(), tmp_path) as app:
        response = await app.post("zendesk", body, p.zendesk_headers(body))
    assert (response.status_code, response.json()["error"]) == (400, "detail.id: expected a ticket number")


async def test_zendesk_handoff_sends_private_note_group_tags_and_status(
    fake_zendesk: FakeHelpdesk, tmp_path: Path
) -> None:
    body = p.dumps(p.zendesk_comment(text="Can I talk to a human?"))
    async with running_app(_settings(fake_zendesk), KeywordParser(), tmp_path) as app:
        await app.post("zendesk", body, p.zendesk_headers(body))
        await app.drain()
    reply, handoff = (r.body["ticket"] for r in fake_zendesk.calls("PUT", TICKET))
    assert reply["comment"]["public"] is True
    assert handoff["comment"]["public"] is False
    assert "requested_human" in handoff["comment"]["body"]
    assert (handoff["group_id"], handoff["status"]) == (98738, "open")
    assert {"wismo_handoff", "handoff_requested_human"} <= set(handoff["additional_tags"])
    assert fake_zendesk.violations == []


@pytest.mark.parametrize(("status", "released"), [("SOLVED", True), ("closed", True), ("PENDING", False)])
async def test_zendesk_solved_ticket_is_given_back_to_the_bot(
    fake_zendesk: FakeHelpdesk, tmp_path: Path, status: str, released: bool
) -> None:
    ask = p.dumps(p.zendesk_comment(text="Can I talk to a human?"))
    change = p.dumps(p.zendesk_status_changed(current=status))
    async with running_app(_settings(fake_zendesk), KeywordParser(), tmp_path) as app:
        await app.post("zendesk", ask, p.zendesk_headers(ask))
        await app.drain()
        response = await app.post("zendesk", change, p.zendesk_headers(change))
        view = await app.service.get("zendesk:35436")
    expected = {"status": "released"} if released else {"status": "ignored", "reason": "status_not_releasing"}
    assert response.json() == expected
    assert view.state.handed_off is not released


async def test_zendesk_status_change_without_a_status_is_400(
    fake_zendesk: FakeHelpdesk, tmp_path: Path
) -> None:
    payload = p.zendesk_status_changed()
    payload["event"] = {}
    del payload["detail"]["status"]
    body = p.dumps(payload)
    async with running_app(_settings(fake_zendesk), KeywordParser(), tmp_path) as app:
        response = await app.post("zendesk", body, p.zendesk_headers(body))
    assert (response.status_code, response.json()["error"]) == (400, "detail.status: missing")


async def test_zendesk_handoff_refused_for_its_group_still_leaves_note_status_and_tags(
    fake_zendesk: FakeHelpdesk, tmp_path: Path
) -> None:
    # Zendesk refuses a whole update (422) when one field is invalid, here a group that does not exist.
    fake_zendesk.refuse = lambda r: 422 if (r.body or {}).get("ticket", {}).get("group_id") == 999 else None
    body = p.dumps(p.zendesk_comment(text="Can I talk to a human?"))
    async with running_app(
        _settings(fake_zendesk, teams={"requested_human": "999"}), KeywordParser(), tmp_path
    ) as app:
        await app.post("zendesk", body, p.zendesk_headers(body))
        await app.drain()
        failed = list(app.outbox.failed)
    reply, combined, note, group = (r.body["ticket"] for r in fake_zendesk.calls("PUT", TICKET))
    assert reply["comment"]["public"] is True
    assert combined["group_id"] == 999
    assert note["comment"]["public"] is False and "requested_human" in note["comment"]["body"]
    assert note["status"] == "open" and "handoff_requested_human" in note["additional_tags"]
    assert "group_id" not in note
    assert group == {"group_id": 999}
    assert [(f.step, f.status) for f in failed] == [("assign", 422)]
