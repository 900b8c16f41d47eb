"""Bearer-token auth and rate limits on a live server."""

from __future__ import annotations

import httpx
import pytest

from server.security import RateLimiter
from server.settings import RateLimits

MESSAGE = {"text": "hello"}


def test_api_requires_the_bearer_token_when_set(serve, conversation_id):
    live = serve(api_token="s3cret-token")
    url = f"{live.url}/api/v1/conversations/{conversation_id}/messages"
    missing = httpx.post(url, json=MESSAGE)
    wrong = httpx.post(url, json=MESSAGE, headers={"Authorization": "Bearer nope"})
    right = httpx.post(url, json=MESSAGE, headers={"Authorization": "Bearer s3cret-token"})
    health = httpx.get(f"{live.url}/health")
    assert [r.status_code for r in (missing, wrong, right, health)] == [401, 401, 200, 200]
    assert "s3cret" not in missing.text
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")


def test_rate_limit_per_conversation_is_429_with_retry_after(serve, conversation_id):
    live = serve(rate_limits=RateLimits(per_ip_per_minute=0, per_conversation_per_minute=3))
    url = f"{live.url}/api/v1/conversations/{conversation_id}/messages"
    codes = [httpx.post(url, json=MESSAGE).status_code for _ in range(4)]
    other = httpx.post(f"{live.url}/api/v1/conversations/{conversation_id}-b/messages", json=MESSAGE)
    assert codes == [200, 200, 200, 429] and other.status_code == 200


def test_retried_message_id_gets_its_answer_past_the_conversation_limit(serve, conversation_id):
    """Regression (server audit): a helpdesk retrying a delivered message got 429 instead of the answer."""
    live = serve(rate_limits=RateLimits(per_ip_per_minute=0, per_conversation_per_minute=2))
    url = f"{live.url}/api/v1/conversations/{conversation_id}/messages"
    first = httpx.post(url, json={"text": "where is my order?", "message_id": "m1"})
    httpx.post(url, json={"text": "1001", "message_id": "m2"})
    retried = httpx.post(url, json={"text": "where is my order?", "message_id": "m1"})
    fresh = httpx.post(url, json={"text": "hello", "message_id": "m3"})
    assert (first.status_code, retried.status_code, fresh.status_code) == (200, 200, 429)
    assert retried.json()["replies"] == first.json()["replies"]


def test_rate_limit_per_ip_is_429(serve, conversation_id):
    live = serve(rate_limits=RateLimits(per_ip_per_minute=2, per_conversation_per_minute=0))
    responses = [
        httpx.post(f"{live.url}/api/v1/conversations/{conversation_id}-{i}/messages", json=MESSAGE)
        for i in range(3)
    ]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert int(responses[-1].headers["Retry-After"]) >= 1


@pytest.mark.parametrize(("per_minute", "calls", "allowed"), [(0, 50, 50), (5, 8, 5), (60, 61, 60)])
def test_rate_limiter_allows_per_minute_burst(per_minute, calls, allowed):
    limiter = RateLimiter(per_minute, clock=lambda: 100.0)
    assert sum(limiter.check("k") == 0.0 for _ in range(calls)) == allowed


def test_rate_limiter_refills_over_time():
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])
    for _ in range(60):
        limiter.check("k")
    now[0] += 1.0
    assert limiter.check("k") == 0.0 and limiter.check("k") > 0
