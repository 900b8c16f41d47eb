"""ShopifyConnector against a fake Admin GraphQL endpoint speaking Shopify's documented shapes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from dialogue.connectors import (
    ConnectorAuthError,
    ConnectorBadResponse,
    ConnectorRateLimited,
    ConnectorTimeout,
    ConnectorUnavailable,
    build_connector,
)
from dialogue.orders import OrderStatus
from dialogue.policy import is_stuck

from . import payloads as p
from .conftest import FAST
from .fake_server import Response, serving

pytestmark = pytest.mark.anyio

TOKEN = "shpat_0123456789abcdef"
ENV = {"WISMO_SHOPIFY_TOKEN": TOKEN}
PATH = "/admin/api/2025-10/graphql.json"


def graphql(*nodes):
    """A handler answering every query with ``nodes`` when the token is right, Shopify's 401 body otherwise."""

    def handle(request):
        if request.headers.get("x-shopify-access-token") != TOKEN:
            return Response(
                401,
                {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
            )
        if request.path != PATH:
            return Response(404, {"errors": "Not Found"})
        return Response(200, p.shopify_body(list(nodes)))

    return handle


def connector(server, sleeps, **extra):
    config = {"type": "shopify", "base_url": server.url, "api_version": "2025-10", **FAST, **extra}
    return build_connector(config, env=ENV, sleep=sleeps)


async def test_shopify_find_by_order_id_sends_name_query_with_token(sleeps):
    with serving(graphql(p.shopify_node([p.shopify_fulfillment()]))) as server:
        order = await connector(server, sleeps).find_by_order_id("1001")
    request = server.requests[0]
    assert request.method == "POST" and request.path == PATH
    assert request.json()["variables"]["q"] == "name:#1001"
    assert order.order_id == "1001" and order.internal_id == "gid://shopify/Order/450789469"
    assert order.email == "bob.norman@hostmail.com"


async def test_shopify_maps_tracking_info(sleeps):
    with serving(graphql(p.shopify_node([p.shopify_fulfillment("IN_TRANSIT", "1Z2345", "UPS")]))) as server:
        order = await connector(server, sleeps).find_by_order_id("#1001")
    parcel = order.fulfilments[0]
    assert (parcel.carrier, parcel.tracking_number, parcel.status) == (
        "UPS",
        "1Z2345",
        OrderStatus.IN_TRANSIT,
    )
    assert parcel.tracking_url == "https://www.ups.com/track?tracknum=1Z2345"
    assert parcel.estimated_delivery.isoformat() == "2026-03-04T00:00:00+00:00"
    assert order.status is OrderStatus.IN_TRANSIT


async def test_shopify_last_tracking_event_comes_from_the_newest_fulfilment_event(sleeps):
    events = [p.shopify_event("2026-03-01T10:00:00Z")]  # updatedAt is 2026-03-02T10:00, not tracking news
    with serving(graphql(p.shopify_node([p.shopify_fulfillment(events=events)]))) as server:
        order = await connector(server, sleeps).find_by_order_id("1001")
    assert "events(first: 1, sortKey: HAPPENED_AT, reverse: true)" in server.requests[0].json()["query"]
    assert order.fulfilments[0].last_event_at.isoformat() == "2026-03-01T10:00:00+00:00"
    # 73 hours without news is a stuck parcel for the policy; the later updatedAt would have hidden it.
    assert is_stuck(order, datetime(2026, 3, 4, 11, tzinfo=UTC), 72)


async def test_shopify_without_events_falls_back_to_the_fulfilment_update(sleeps):
    with serving(graphql(p.shopify_node([p.shopify_fulfillment()]))) as server:
        order = await connector(server, sleeps).find_by_order_id("1001")
    assert order.fulfilments[0].last_event_at.isoformat() == "2026-03-02T10:00:00+00:00"
    assert not is_stuck(order, datetime(2026, 3, 4, 11, tzinfo=UTC), 72)


async def test_shopify_two_fulfilments_order_is_as_far_as_the_slowest(sleeps):
    node = p.shopify_node(
        [p.shopify_fulfillment("DELIVERED", "A1"), p.shopify_fulfillment("OUT_FOR_DELIVERY", "B2")]
    )
    with serving(graphql(node)) as server:
        order = await connector(server, sleeps).find_by_order_id("1001")
    assert [f.tracking_number for f in order.fulfilments] == ["A1", "B2"]
    assert order.status is OrderStatus.OUT_FOR_DELIVERY


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, OrderStatus.PROCESSING),
        ({"displayFinancialStatus": "PENDING"}, OrderStatus.PENDING),
        ({"cancelledAt": "2026-03-02T10:00:00Z"}, OrderStatus.CANCELLED),
        ({"displayFinancialStatus": "REFUNDED"}, OrderStatus.REFUNDED),
        ({"displayFulfillmentStatus": "ON_HOLD"}, OrderStatus.PROCESSING),
    ],
)
async def test_shopify_order_without_fulfilments_status(sleeps, changes, expected):
    with serving(graphql(p.shopify_node(None, **changes))) as server:
        order = await connector(server, sleeps).find_by_order_id("1001")
    assert order.fulfilments == () and order.status is expected


async def test_shopify_failed_delivery_is_exception(sleeps):
    with serving(graphql(p.shopify_node([p.shopify_fulfillment("ATTEMPTED_DELIVERY")]))) as server:
        assert (await connector(server, sleeps).find_by_order_id("1001")).status is OrderStatus.EXCEPTION


async def test_shopify_status_override_from_config(sleeps):
    with serving(graphql(p.shopify_node(None, displayFulfillmentStatus="ON_HOLD"))) as server:
        order = await connector(server, sleeps, statuses={"ON_HOLD": "pending"}).find_by_order_id("1001")
    assert order.status is OrderStatus.PENDING


async def test_shopify_no_matching_name_is_not_found(sleeps):
    with serving(graphql(p.shopify_node(None, name="#10010"))) as server:
        assert await connector(server, sleeps).find_by_order_id("1001") is None


async def test_shopify_empty_result_is_not_found(sleeps):
    with serving(graphql()) as server:
        assert await connector(server, sleeps).find_by_order_id("1001") is None


async def test_shopify_find_by_email_queries_email(sleeps):
    nodes = [p.shopify_node(None, name="#1002", createdAt="2026-03-02T00:00:00Z"), p.shopify_node(None)]
    with serving(graphql(*nodes)) as server:
        orders = await connector(server, sleeps).find_by_email("Bob.Norman@hostmail.com", limit=5)
    assert server.requests[0].json()["variables"] == {"q": 'email:"bob.norman@hostmail.com"', "first": 5}
    assert [o.order_id for o in orders] == ["1002", "1001"]


async def test_shopify_throttled_waits_for_the_bucket_then_retries(sleeps):
    answers = [Response(200, p.shopify_throttled()), Response(200, p.shopify_body([p.shopify_node()]))]
    with serving(lambda r: answers.pop(0)) as server:
        order = await connector(server, sleeps).find_by_order_id("1001")
    assert order is not None and len(server.requests) == 2
    assert sleeps.delays == [pytest.approx(0.2)]  # (32 requested - 12 available) / 100 per second


async def test_shopify_throttled_throughout_is_rate_limited(sleeps):
    with (
        serving(lambda r: Response(200, p.shopify_throttled())) as server,
        pytest.raises(ConnectorRateLimited),
    ):
        await connector(server, sleeps).find_by_order_id("1001")
    assert len(server.requests) == 3


async def test_shopify_429_retry_after_is_honoured(sleeps):
    answers = [Response(429, {"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}, {"Retry-After": "2.0"}),
               Response(200, p.shopify_body([p.shopify_node()]))]  # fmt: skip
    with serving(lambda r: answers.pop(0)) as server:
        await connector(server, sleeps).find_by_order_id("1001")
    assert sleeps.delays == [2.0]


async def test_shopify_401_names_the_token_variable_and_hides_it(sleeps, caplog):
    caplog.set_level(logging.DEBUG)
    with serving(graphql()) as server:
        bad = build_connector(
            {"type": "shopify", "base_url": server.url, **FAST},
            env={"WISMO_SHOPIFY_TOKEN": "shpat_wrongwrong"},
            sleep=sleeps,
        )
        with pytest.raises(
            ConnectorAuthError, match=r"^401 from Shopify: check WISMO_SHOPIFY_TOKEN$"
        ) as info:
            await bad.find_by_order_id("1001")
    assert "shpat_wrongwrong" not in str(info.value) + caplog.text + repr(bad)


async def test_shopify_500_is_unavailable_never_not_found(sleeps):
    with (
        serving(lambda r: Response(500, {"errors": "Internal Server Error"})) as server,
        pytest.raises(ConnectorUnavailable),
    ):
        await connector(server, sleeps).find_by_order_id("1001")


async def test_shopify_timeout(sleeps):
    with (
        serving(lambda r: Response(200, p.shopify_body([]), delay=0.5)) as server,
        pytest.raises(ConnectorTimeout),
    ):
        await connector(server, sleeps, timeout=0.1, retries=0).find_by_order_id("1001")


async def test_shopify_malformed_json(sleeps):
    with (
        serving(lambda r: Response(200, b"<html>maintenance</html>")) as server,
        pytest.raises(ConnectorBadResponse, match="malformed JSON from Shopify"),
    ):
        await connector(server, sleeps).find_by_order_id("1001")


async def test_shopify_missing_fields_is_bad_response(sleeps):
    node = p.shopify_node()
    del node["name"]
    with (
        serving(lambda r: Response(200, p.shopify_body([node]))) as server,
        pytest.raises(ConnectorBadResponse, match="missing field 'name'"),
    ):
        await connector(server, sleeps).find_by_order_id("1001")


async def test_shopify_access_denied_is_auth_error(sleeps):
    body = {
        "errors": [{"message": "Access denied for orders field.", "extensions": {"code": "ACCESS_DENIED"}}]
    }
    with (
        serving(lambda r: Response(200, body)) as server,
        pytest.raises(ConnectorAuthError, match="read_orders"),
    ):
        await connector(server, sleeps).find_by_order_id("1001")


async def test_shopify_caches_lookups(sleeps):
    with serving(graphql(p.shopify_node())) as server:
        shop = connector(server, sleeps)
        first, second = await shop.find_by_order_id("1001"), await shop.find_by_order_id("#1001")
    assert first == second and len(server.requests) == 1


async def test_shopify_odd_input_never_reaches_the_api(sleeps):
    with serving(graphql()) as server:
        shop = connector(server, sleeps)
        assert await shop.find_by_order_id("1001 OR name:*") is None
        assert await shop.find_by_email('x" OR email:*') == []
    assert server.requests == []
