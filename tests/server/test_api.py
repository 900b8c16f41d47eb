"""HTTP API contract: real server on loopback, real NLU model, demo shop, SQLite state."""

from __future__ import annotations

import httpx
import pytest

MESSAGES = "/api/v1/conversations/{}/messages"
TURN_KEYS = {"conversation_id", "replies", "parse", "slots", "state", "handoff", "trace"}


@pytest.fixture
def client(live):
    with httpx.Client(base_url=live.url, timeout=30) as http:
        yield http


def test_post_message_returns_the_documented_shape(client, conversation_id):
    body = client.post(MESSAGES.format(conversation_id), json={"text": "where is my order #1001?"}).json()
    assert set(body) == TURN_KEYS
    assert body["conversation_id"] == conversation_id
    assert body["parse"]["intent"]["name"] == "order_status"
    assert body["slots"]["order_id"] == "1001"
    assert body["replies"][0]["template"] == "ask_email" and body["handoff"] is None


def test_post_message_with_verified_customer_shows_the_order(client, conversation_id):
    customer = {"email": "jane@example.com", "verified": True, "name": "Jane"}
    body = client.post(
        MESSAGES.format(conversation_id), json={"text": "where is #1001", "customer": customer}
    ).json()
    assert body["replies"][0]["template"].startswith("order_found_")


def test_post_message_forced_language_answers_in_it(client, conversation_id):
    body = client.post(MESSAGES.format(conversation_id), json={"text": "hello", "language": "fr"}).json()
    assert body["trace"]["language"] == "fr"


def test_post_message_repeated_message_id_is_idempotent(client, conversation_id):
    payload = {"text": "where is #1001", "message_id": "evt-1"}
    first = client.post(MESSAGES.format(conversation_id), json=payload).json()
    again = client.post(MESSAGES.format(conversation_id), json=payload).json()
    events = client.get(f"/api/v1/conversations/{conversation_id}").json()["events"]
    assert again == first
    assert sum(e["event"] == "user_uttered" for e in events) == 1


def test_get_conversation_returns_state_events_and_handoff(client, conversation_id):
    client.post(MESSAGES.format(conversation_id), json={"text": "I want to speak to a human"})
    body = client.get(f"/api/v1/conversations/{conversation_id}").json()
    assert body["handoff"]["reason"] == "requested_human"
    assert body["state"]["handed_off"] is True and body["events"][0]["event"] == "user_uttered"


def test_get_unknown_conversation_is_404(client, conversation_id):
    response = client.get(f"/api/v1/conversations/{conversation_id}")
    assert (response.status_code, response.json()["field"]) == (404, "conversation_id")


def test_release_gives_the_conversation_back_to_the_bot(client, conversation_id):
    client.post(MESSAGES.format(conversation_id), json={"text": "I want to speak to a human"})
    silent = client.post(MESSAGES.format(conversation_id), json={"text": "hello?"}).json()
    released = client.post(f"/api/v1/conversations/{conversation_id}/release", json={"by": "agent"}).json()
    answered = client.post(MESSAGES.format(conversation_id), json={"text": "hello"}).json()
    assert silent["replies"] == [] and released["handoff"] is None and answered["replies"]


def test_rasa_webhook_answers_with_recipient_and_text(client, conversation_id):
    body = client.post("/webhooks/rest/webhook", json={"sender": conversation_id, "message": "hello"}).json()
    assert body and all(
        set(m) == {"recipient_id", "text"} and m["recipient_id"] == conversation_id for m in body
    )


def test_rasa_webhook_sends_the_handoff_as_custom_payload(client, conversation_id):
    body = client.post(
        "/webhooks/rest/webhook", json={"sender": conversation_id, "message": "I want a human"}
    ).json()
    assert body[-1]["custom"]["handoff"]["reason"] == "requested_human"


def test_model_parse_is_rasa_compatible(client):
    body = client.post("/model/parse", json={"text": "where is order #1001"}).json()
    assert body["intent"]["name"] == "order_status" and body["entities"][0]["entity"] == "order_id"


@pytest.mark.parametrize(
    ("path", "status"), [("/health", 200), ("/ready", 200), ("/openapi.json", 200), ("/", 200)]
)
def test_operations_routes_answer(client, path, status):
    assert client.get(path).status_code == status


def test_metrics_count_messages_by_intent_and_language(client, conversation_id):
    client.post(MESSAGES.format(conversation_id), json={"text": "I want a human"})
    text = client.get("/metrics").text
    assert 'wismo_messages_total{intent="request_human",language="en"}' in text
    assert 'wismo_handoffs_total{reason="requested_human"}' in text
    assert "wismo_turn_seconds_bucket" in text


def test_openapi_document_is_valid_and_lists_the_api(client):
    from openapi_spec_validator import validate

    document = client.get("/openapi.json").json()
    validate(document)
    assert {
        "/api/v1/conversations/{conversation_id}/messages",
        "/webhooks/rest/webhook",
        "/model/parse",
    } <= set(document["paths"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "text"),
        ({"text": 5}, "text"),
        ({"text": ""}, "text"),
        ({"text": "hi", "language": "de"}, "language"),
        ({"text": "hi", "customer": {"verified": "yes"}}, "customer.verified"),
        ({"text": "hi", "message_id": 7}, "message_id"),
        ([], "body"),
    ],
)
def test_post_message_invalid_body_is_400_naming_the_field(client, conversation_id, payload, field):
    response = client.post(MESSAGES.format(conversation_id), json=payload)
    assert (response.status_code, response.json()["field"]) == (400, field)


def test_post_message_malformed_json_is_400(client, conversation_id):
    response = client.post(
        MESSAGES.format(conversation_id), content=b"{", headers={"content-type": "application/json"}
    )
    assert (response.status_code, response.json()["field"]) == (400, "body")


@pytest.mark.parametrize("path", [MESSAGES.format("deep"), "/webhooks/rest/webhook", "/model/parse"])
def test_deeply_nested_json_is_400_not_500(client, path):
    """Regression (server audit): 20,000 nested brackets exhausted the JSON parser's recursion: HTTP 500."""
    body = b'{"text": "hi", "customer": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert (response.status_code, response.json()["field"]) == (400, "body")


def test_post_message_wrong_content_type_is_415(client, conversation_id):
    response = client.post(
        MESSAGES.format(conversation_id), content=b"text=hi", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415


def test_post_message_oversized_body_is_413_as_json(client, conversation_id):
    big = b'{"text": "' + b"a" * 70_000 + b'"}'
    response = client.post(
        MESSAGES.format(conversation_id), content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and response.json()["status"] == 413


def test_unknown_route_is_404_json_without_stack_trace(client):
    response = client.get("/nope")
    assert (
        response.status_code == 404 and "Traceback" not in response.text and response.json()["status"] == 404
    )
