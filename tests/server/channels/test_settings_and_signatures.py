"""The ``channels:`` section and the signature schemes (vectors computed in the shared integrations notes)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from server.channels import ChannelConfigError, ChannelSettings, channel_blueprints, channel_settings
from server.channels.signatures import (
    chatwoot_signature,
    intercom_signature,
    timestamp_age,
    verify_chatwoot,
    verify_intercom,
    verify_token,
    verify_zendesk,
    zendesk_signature,
)

INTERCOM_ENV = {
    "WISMO_INTERCOM_TOKEN": "tok",
    "WISMO_INTERCOM_CLIENT_SECRET": "sec",
    "WISMO_INTERCOM_ADMIN_ID": "991",
}


def test_channel_settings_disabled_by_default() -> None:
    settings = ChannelSettings.from_dict(None, {})
    assert settings.enabled == ()
    assert channel_blueprints(settings) == []


def test_channel_settings_reads_secrets_from_env_only() -> None:
    settings = ChannelSettings.from_dict({"intercom": {"enabled": True}}, INTERCOM_ENV)
    assert (settings.intercom.token, settings.intercom.admin_id) == ("tok", "991")
    assert "tok" not in repr(settings) and "sec" not in repr(settings)


@pytest.mark.parametrize(
    ("section", "env", "named"),
    [
        ({"intercom": {"enabled": True}}, {}, "WISMO_INTERCOM_TOKEN"),
        ({"intercom": {"enabled": True, "token": "x"}}, INTERCOM_ENV, "channels.intercom.token"),
        ({"zendesk": {"enabled": True}}, {}, "WISMO_ZENDESK_SUBDOMAIN"),
        ({"zendesk": {"teams": {"not_found": "sales"}}}, {}, "channels.zendesk.teams.not_found"),
        ({"zendesk": {"handoff_status": "solved"}}, {}, "channels.zendesk.handoff_status"),
        ({"zendesk": {"timestamp_tolerance": 0}}, {}, "channels.zendesk.timestamp_tolerance"),
        ({"chatwoot": {"enabled": True}}, {"WISMO_CHATWOOT_URL": "https://c.test"}, "WISMO_CHATWOOT_TOKEN"),
        ({"chatwoot": {"enabled": "yes"}}, {}, "channels.chatwoot.enabled"),
        ({"intercom": {"tags": "wismo"}}, {}, "channels.intercom.tags"),
        ({"outbound": {"retries": -1}}, {}, "channels.outbound.retries"),
        ({"outbound": {"jitter": 2}}, {}, "channels.outbound.jitter"),
        ({"slack": {}}, {}, "channels.slack"),
        ({}, {"WISMO_CHATWOOT_URL": "ftp://x"}, "WISMO_CHATWOOT_URL"),
    ],
)
def test_channel_settings_errors_name_the_key(section: dict, env: dict, named: str) -> None:
    with pytest.raises(ChannelConfigError, match=named.replace(".", r"\.")):
        ChannelSettings.from_dict(section, env)


def test_channel_settings_zendesk_subdomain_builds_url() -> None:
    env = {"WISMO_ZENDESK_SUBDOMAIN": "acme", "WISMO_ZENDESK_EMAIL": "e", "WISMO_ZENDESK_TOKEN": "t"}
    env["WISMO_ZENDESK_WEBHOOK_SECRET"] = "s"
    settings = ChannelSettings.from_dict({"zendesk": {"enabled": True}}, env)
    assert settings.zendesk.base_url == "https://acme.zendesk.com"


def test_channel_settings_from_server_settings_uses_its_env() -> None:
    server_settings = SimpleNamespace(channels={"intercom": {"enabled": True}}, env=INTERCOM_ENV)
    assert channel_settings(server_settings).intercom.enabled is True
    assert [bp.name for bp in channel_blueprints(server_settings)] == ["channel_intercom"]


@pytest.mark.parametrize(
    ("reason", "team", "expected"),
    [("not_found", "support", "7"), ("requested_human", "billing", "9"), ("confirmed", "support", "1")],
)
def test_handoff_routing_prefers_reason_then_team(reason: str, team: str, expected: str) -> None:
    section = {"intercom": {"teams": {"not_found": "7", "billing": "9"}, "default_team": "1"}}
    routing = ChannelSettings.from_dict(section, {}).intercom.routing
    assert routing.team_for(reason, team) == expected


def test_intercom_signature_vector() -> None:
    body = b'{"type":"notification_event","topic":"ping","data":{"item":{"type":"ping","message":"hi"}}}'
    assert intercom_signature("test_client_secret", body) == "sha1=418168fc1d6c751944d5238d00ecc66ba39b4b28"


def test_zendesk_signature_vector_is_timestamp_then_body() -> None:
    secret = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="
    expected = "gf3v0LzLRHPUnIdhbvwRDVEvzSb07/QN0GYjSNlkBT0="
    assert zendesk_signature(secret, "2021-07-25T10:00:00Z", b'{"say": "hello"}') == expected


def test_chatwoot_signature_vector() -> None:
    body = (
        b'{"event":"message_created","id":1,"message_type":"incoming","content":"where is my order #1001?"}'
    )
    expected = "sha256=3968bb85b83884c97332328e87ce685e620f7ae0f5442419fa17fd2688b692cc"
    assert chatwoot_signature("test_webhook_secret", "1774708578", body) == expected


@pytest.mark.parametrize(
    "check",
    [
        lambda: verify_intercom("", b"{}", intercom_signature("", b"{}")),
        lambda: verify_intercom("s", b"{} ", intercom_signature("s", b"{}")),
        lambda: verify_zendesk("s", b"{}", zendesk_signature("s", "t1", b"{}"), "t2"),
        lambda: verify_zendesk("", b"{}", zendesk_signature("", "t", b"{}"), "t"),
        lambda: verify_chatwoot("s", b"{}", chatwoot_signature("s", "1", b"{}"), "2"),
        lambda: verify_token("abc", "ABC"),
        lambda: verify_token("", None),
    ],
    ids=[
        "intercom_no_secret",
        "intercom_body_changed",
        "zendesk_ts_changed",
        "zendesk_no_secret",
        "chatwoot_ts_changed",
        "token_case",
        "token_empty",
    ],
)
def test_signature_checks_reject(check) -> None:
    assert check() is False


@pytest.mark.parametrize("value", ["", "not a date", "2021-07-25T10:00:00", "9" * 400])
def test_timestamp_age_unreadable_is_none(value: str) -> None:
    assert timestamp_age(value, datetime(2021, 7, 25, tzinfo=UTC)) is None
