"""Hostile input: random, malformed and oversized payloads never cause a 5xx nor corrupt a conversation."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO

NAUGHTY = [
    line
    for line in (REPO / "tests/resources/naughty_strings.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"text": st.one_of(st.text(max_size=300), st.sampled_from(NAUGHTY), json_values)},
        optional={"message_id": json_values, "language": json_values, "customer": json_values},
    ).map(lambda v: json.dumps(v).encode()),
)
paths = st.sampled_from(
    [
        "/api/v1/conversations/fuzz/messages",
        "/webhooks/rest/webhook",
        "/model/parse",
        "/api/v1/conversations/fuzz/release",
    ]
)


@pytest.fixture(scope="module")
def http(live):
    with httpx.Client(base_url=live.url, timeout=30) as client:
        client.post(
            "/api/v1/conversations/anchor/messages", json={"text": "where is #1001", "message_id": "a1"}
        )
        client.post("/api/v1/conversations/fuzz-text/messages", json={"text": "hello"})
        yield client


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=paths,
    body=bodies,
    content_type=st.sampled_from(["application/json", "text/plain", "", "application/x+json"]),
)
def test_fuzzed_requests_never_get_a_5xx(http, path, body, content_type):
    response = http.post(path, content=body, headers={"content-type": content_type})
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.sampled_from(NAUGHTY) | st.text(min_size=1, max_size=500))
def test_fuzzed_texts_keep_the_conversation_readable(http, text):
    response = http.post("/api/v1/conversations/fuzz-text/messages", json={"text": text})
    assert response.status_code in (200, 400)
    assert http.get("/api/v1/conversations/fuzz-text").status_code == 200


@pytest.mark.parametrize(
    ("conversation_id", "status"), [("a" * 300, 400), ("%00", 200), ("%E2%80%8B%0A", 200)]
)
def test_hostile_conversation_ids_are_rejected_or_kept_literal(http, conversation_id, status):
    response = http.post(f"/api/v1/conversations/{conversation_id}/messages", json={"text": "hi"})
    assert response.status_code == status


def test_fuzzing_left_other_conversations_intact(http):
    body = http.get("/api/v1/conversations/anchor").json()
    assert body["slots"]["order_id"] == "1001" and body["state"]["turn"] == 1
