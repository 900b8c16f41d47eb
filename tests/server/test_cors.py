"""CORS for the chat widget on a shop's own domain: only the listed origins, only the widget's paths."""

from __future__ import annotations

import httpx

SHOP = "https://shop.example"


def test_cors_is_off_by_default(serve, conversation_id):
    live = serve()
    url = f"{live.url}/api/v1/conversations/{conversation_id}/messages"
    response = httpx.post(url, json={"text": "hi"}, headers={"Origin": SHOP})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_cors_preflight_and_response_for_an_allowed_origin(serve, conversation_id):
    live = serve(cors_origins=(SHOP,))
    url = f"{live.url}/api/v1/conversations/{conversation_id}/messages"
    preflight = httpx.options(
        url,
        headers={
            "Origin": SHOP,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == SHOP
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "Content-Type" in preflight.headers["access-control-allow-headers"]
    answer = httpx.post(url, json={"text": "where is my order"}, headers={"Origin": SHOP})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == SHOP
    assert answer.json()["replies"]


def test_cors_refuses_other_origins_and_other_paths(serve, conversation_id):
    live = serve(cors_origins=(SHOP,))
    url = f"{live.url}/api/v1/conversations/{conversation_id}/messages"
    refused = httpx.options(
        url, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers
    parse = httpx.post(f"{live.url}/model/parse", json={"text": "hi"}, headers={"Origin": SHOP})
    assert "access-control-allow-origin" not in parse.headers
