"""A request for a human, through each helpdesk, with the trained default model and the real dialogue engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.channels import payloads as p
from tests.server.channels.conftest import ROUTING, make_settings, running_app

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

CASES = {
    "intercom": (
        lambda text: p.dumps(p.intercom_created(text=text)),
        p.intercom_headers,
        "",
        "intercom:503",
        [("POST", "/conversations/503/reply"), ("POST", "/conversations/503/parts")],
    ),
    "zendesk": (
        lambda text: p.dumps(p.zendesk_comment(text=text)),
        p.zendesk_headers,
        "",
        "zendesk:35436",
        [("PUT", "/api/v2/tickets/35436")],
    ),
    "chatwoot": (
        lambda text: p.dumps(p.chatwoot_message(text=text)),
        lambda body: {},
        f"?token={p.CHATWOOT_TOKEN}",
        "chatwoot:57",
        [("POST", "/conversations/57/toggle_status"), ("POST", "/conversations/57/assignments")],
    ),
}


@pytest.mark.parametrize("channel", sorted(CASES))
@pytest.mark.parametrize(
    ("text", "language"),
    [("I'd like to speak to a human agent please", "en"), ("je veux parler à un humain", "fr")],
)
async def test_request_human_hands_off_through_helpdesk(
    request: pytest.FixtureRequest, default_engine, tmp_path: Path, channel: str, text: str, language: str
) -> None:
    fake = request.getfixturevalue(f"fake_{channel}")
    build, sign, query, conversation, expected_calls = CASES[channel]
    settings = make_settings({channel: ROUTING[channel]}, **{channel: fake.url})
    body = build(text)
    async with running_app(settings, default_engine, tmp_path) as app:
        response = await app.post(channel, body, sign(body), query)
        await app.drain()
        view = await app.service.get(conversation)
    assert response.json()["handoff"] is True
    assert view.state.handed_off and view.handoff.reason == "requested_human"
    assert view.handoff.language == language
    for method, suffix in expected_calls:
        assert fake.calls(method, suffix), f"no {method} {suffix}"
    assert fake.violations == []
    assert not app.outbox.failed
