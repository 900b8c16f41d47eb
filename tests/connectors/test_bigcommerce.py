"""BigCommerceConnector against a fake v2 store answering with the OpenAPI examples' shapes (204s included)."""

from __future__ import annotations

import pytest

from dialogue.connectors import (
    ConnectorAuthError,
    ConnectorRateLimited,
    ConnectorUnavailable,
    build_connector,
)
from dialogue.orders import OrderStatus

from . import payloads as p
from .conftest import FAST
from .fake_server import Response, serving

pytestmark = pytest.mark.anyio

TOKEN = "bc-token-abcdef123456"
HASH = "abc123"
NOT_FOUND = [{"status": 404, "message": "The requested resource was not found."}]


class Store:
    def __init__(self, orders, shipments=None, products=None):
        self.orders = {o["id"]: o for o in orders}
        self.shipments = shipments or {}
        self.products = products or {}

    def __call__(self, request):
        if request.headers.get("x-auth-token") != TOKEN:
            return Response(
                401, [{"status": 401, "message": "You are not authorized to access this resource."}]
            )
        parts = request.path.removeprefix(f"/stores/{HASH}/v2/").split("/")
        if parts == ["orders"]:
            email = request.query.get("email")
            found = [o for o in self.orders.values() if o["billing_address"]["email"] == email]
            return Response(200, found) if found else Response(204)
        order_id = int(parts[1])
        if order_id not in self.orders:
            return Response(404, NOT_FOUND)
        if len(parts) == 2:
            return Response(200, self.orders[order_id])
        rows = (self.shipments if parts[2] == "shipments" else self.products).get(order_id)
        return Response(200, rows) if rows else Response(204)


def connector(server, sleeps, **extra):
    env = {"WISMO_BIGCOMMERCE_TOKEN": TOKEN, "WISMO_BIGCOMMERCE_STORE_HASH": HASH}
    return build_connector(
        {"type": "bigcommerce", "base_url": server.url, **FAST, **extra}, env=env, sleep=sleeps
    )


async def test_bigcommerce_order_with_two_shipments_and_products(sleeps):
    order = p.bc_order(id=225, status_id=2, status="Shipped")
    store = Store([order], {225: p.bc_shipments()}, {225: p.bc_products()})
    with serving(store) as server:
        found = await connector(server, sleeps).find_by_order_id("225")
    assert found.status is OrderStatus.SHIPPED and found.email == "janedoe@example.com"
    assert [f.tracking_number for f in found.fulfilments] == ["EJ958083578US", "EJ958083578UK"]
    assert found.fulfilments[0].carrier == "USPS"
    assert found.fulfilments[0].tracking_url.startswith("https://trkcnfrm1.smi.usps.com/")
    assert found.fulfilments[0].shipped_at.isoformat() == "2019-03-11T17:22:08+00:00"
    assert found.items[0].name == "Fog Linen Chambray Towel - Beige Stripe"
    assert all(i.name != "Able Brewing System" for i in found.items)  # bundle contents are not repeated
    assert found.postcode == "12345"  # the shipment's destination before the billing address


async def test_bigcommerce_order_without_shipments_answers_204(sleeps):
    with serving(Store([p.bc_order()])) as server:
        found = await connector(server, sleeps).find_by_order_id("218")
    assert found.fulfilments == () and found.items == () and found.status is OrderStatus.PENDING
    assert found.created_at.isoformat() == "2019-03-05T21:40:11+00:00"
    assert {r.headers["x-auth-token"] for r in server.requests} == {TOKEN}


async def test_bigcommerce_unknown_order_is_none(sleeps):
    with serving(Store([p.bc_order()])) as server:
        assert await connector(server, sleeps).find_by_order_id("999") is None
    assert len(server.requests) == 1


async def test_bigcommerce_find_by_email(sleeps):
    orders = [p.bc_order(id=218), p.bc_order(id=219, date_created="Wed, 06 Mar 2019 10:00:00 +0000")]
    with serving(Store(orders)) as server:
        found = await connector(server, sleeps).find_by_email("janedoe@example.com")
    assert [o.order_id for o in found] == ["219", "218"]
    assert server.requests[0].query == {
        "email": "janedoe@example.com",
        "sort": "date_created:desc",
        "limit": "5",
    }


async def test_bigcommerce_find_by_email_empty_204_is_empty_list(sleeps):
    with serving(Store([])) as server:
        assert await connector(server, sleeps).find_by_email("nobody@example.com") == []


@pytest.mark.parametrize(
    ("status_id", "expected"),
    [(11, OrderStatus.PROCESSING), (10, OrderStatus.SHIPPED), (5, OrderStatus.CANCELLED), (4, OrderStatus.REFUNDED),
     (13, OrderStatus.EXCEPTION), (7, OrderStatus.PENDING)],
)  # fmt: skip
async def test_bigcommerce_status_ids_map_to_vocabulary(sleeps, status_id, expected):
    with serving(Store([p.bc_order(status_id=status_id)])) as server:
        assert (await connector(server, sleeps).find_by_order_id("218")).status is expected


async def test_bigcommerce_401_names_the_token_variable(sleeps):
    with serving(Store([])) as server:
        env = {"WISMO_BIGCOMMERCE_TOKEN": "wrong-token-value", "WISMO_BIGCOMMERCE_STORE_HASH": HASH}
        bad = build_connector({"type": "bigcommerce", "base_url": server.url, **FAST}, env=env, sleep=sleeps)
        with pytest.raises(
            ConnectorAuthError, match=r"^401 from BigCommerce: check WISMO_BIGCOMMERCE_TOKEN"
        ) as info:
            await bad.find_by_order_id("218")
    assert "wrong-token-value" not in str(info.value)


async def test_bigcommerce_429_with_long_reset_is_rate_limited(sleeps):
    with (
        serving(
            lambda r: Response(429, [{"status": 429, "message": "Too many requests"}], {"Retry-After": "60"})
        ) as server,
        pytest.raises(ConnectorRateLimited),
    ):
        await connector(server, sleeps).find_by_order_id("218")


async def test_bigcommerce_500_on_shipments_fails_the_lookup(sleeps):
    def handle(request):
        if request.path.endswith("/shipments"):
            return Response(500, [{"status": 500, "message": "Internal Server Error"}])
        return Store([p.bc_order()])(request)

    with serving(handle) as server, pytest.raises(ConnectorUnavailable):
        await connector(server, sleeps).find_by_order_id("218")
