"""WooCommerceConnector against a fake REST v3 store answering with the documented order shape and errors."""

from __future__ import annotations

import base64

import pytest

from dialogue.connectors import (
    ConnectorAuthError,
    ConnectorBadResponse,
    ConnectorUnavailable,
    build_connector,
)
from dialogue.orders import OrderStatus

from . import payloads as p
from .conftest import FAST
from .fake_server import Response, serving

pytestmark = pytest.mark.anyio

KEY, SECRET = "ck_1234567890abcdef", "cs_fedcba0987654321"
NOT_FOUND = {
    "code": "woocommerce_rest_shop_order_invalid_id",
    "message": "Invalid ID.",
    "data": {"status": 404},
}
NO_ROUTE = {"code": "rest_no_route", "message": "No route was found matching the URL and request method.", "data": {"status": 404}}  # fmt: skip
UNAUTHORIZED = {"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources.", "data": {"status": 401}}  # fmt: skip
TRACKING = [{"tracking_id": "a1b2", "tracking_provider": "Colissimo", "tracking_link": "https://www.laposte.fr/outils/suivre-vos-envois?code=6A1",
             "tracking_number": "6A1", "date_shipped": "2026-03-01"}]  # fmt: skip


class Store:
    """Routes of a small WooCommerce store: orders by id, search, customers, shipment tracking."""

    def __init__(self, orders, customers=(), tracking_route=True):
        self.orders = {o["id"]: o for o in orders}
        self.customers = list(customers)
        self.tracking_route = tracking_route

    def __call__(self, request):
        expected = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
        if (
            request.headers.get("authorization") != expected
            and request.query.get("consumer_secret") != SECRET
        ):
            return Response(401, UNAUTHORIZED)
        parts = request.path.removeprefix("/wp-json/").split("/")
        if parts[:3] == ["wc", "v3", "orders"] and len(parts) == 4:
            order = self.orders.get(int(parts[3])) if parts[3].isdigit() else None
            return Response(200, order) if order else Response(404, NOT_FOUND)
        if parts == ["wc", "v3", "orders"]:
            found = list(self.orders.values())
            if "customer" in request.query:
                found = [o for o in found if str(o["customer_id"]) == request.query["customer"]]
            if "search" in request.query:
                term = request.query["search"].lower()
                found = [
                    o for o in found if term in (o["billing"]["email"].lower(), str(o["number"]).lower())
                ]
            return Response(200, found[: int(request.query.get("per_page", 10))])
        if parts == ["wc", "v3", "customers"]:
            return Response(200, [c for c in self.customers if c["email"] == request.query.get("email")])
        if parts[0] == "wc-shipment-tracking" and self.tracking_route:
            return Response(200, TRACKING if int(parts[3]) in self.orders else [])
        return Response(404, NO_ROUTE)


def connector(server, sleeps, **extra):
    env = {"WISMO_WOOCOMMERCE_KEY": KEY, "WISMO_WOOCOMMERCE_SECRET": SECRET}
    return build_connector({"type": "woocommerce", "url": server.url, **FAST, **extra}, env=env, sleep=sleeps)


async def test_woocommerce_find_by_order_id_maps_documented_order(sleeps):
    with serving(Store([p.woo_order(status="processing")])) as server:
        order = await connector(server, sleeps).find_by_order_id("727")
    assert (order.order_id, order.internal_id, order.email) == ("727", "727", "john.doe@example.com")
    assert order.status is OrderStatus.PROCESSING
    assert order.created_at.isoformat() == "2017-03-22T19:28:02+00:00"  # the _gmt field, as UTC
    assert order.items[0].name == "Woo Single #1" and order.items[0].quantity == 2
    assert order.postcode == "94103"


async def test_woocommerce_reads_shipment_tracking_route(sleeps):
    with serving(Store([p.woo_order(status="completed")])) as server:
        order = await connector(server, sleeps).find_by_order_id("727")
    assert order.status is OrderStatus.SHIPPED
    assert [(f.carrier, f.tracking_number) for f in order.fulfilments] == [("Colissimo", "6A1")]
    assert server.requests[-1].path == "/wp-json/wc-shipment-tracking/v3/orders/727/shipment-trackings"


async def test_woocommerce_reads_tracking_meta_without_extra_call(sleeps):
    meta = [{"id": 1, "key": "_wc_shipment_tracking_items", "value": [
        {"tracking_provider": "UPS", "tracking_number": "1Z1", "date_shipped": "1772323200"},
        {"tracking_provider": "DHL", "tracking_number": "JD2", "date_shipped": "1772409600"}]}]  # fmt: skip
    with serving(Store([p.woo_order(status="completed", meta_data=meta)])) as server:
        order = await connector(server, sleeps).find_by_order_id("727")
    assert [f.carrier for f in order.fulfilments] == ["UPS", "DHL"] and len(server.requests) == 1


async def test_woocommerce_store_without_tracking_extension_has_no_parcels(sleeps):
    with serving(Store([p.woo_order(status="completed")], tracking_route=False)) as server:
        order = await connector(server, sleeps).find_by_order_id("727")
    assert order.fulfilments == () and order.status is OrderStatus.SHIPPED


async def test_woocommerce_unknown_order_is_none(sleeps):
    with serving(Store([p.woo_order()])) as server:
        assert await connector(server, sleeps).find_by_order_id("728") is None


async def test_woocommerce_missing_rest_route_is_a_configuration_error(sleeps):
    with (
        serving(lambda r: Response(404, NO_ROUTE)) as server,
        pytest.raises(ConnectorBadResponse, match="check WISMO_WOOCOMMERCE_URL"),
    ):
        await connector(server, sleeps).find_by_order_id("727")


async def test_woocommerce_find_by_email_via_customer(sleeps):
    orders = [
        p.woo_order(id=727, number="727", customer_id=5),
        p.woo_order(id=728, number="728", customer_id=6),
    ]
    with serving(Store(orders, customers=[{"id": 5, "email": "john.doe@example.com"}])) as server:
        found = await connector(server, sleeps).find_by_email("john.doe@example.com")
    assert [o.order_id for o in found] == ["727"]
    assert server.requests[1].query["customer"] == "5"


async def test_woocommerce_find_by_email_for_guest_uses_search(sleeps):
    with serving(Store([p.woo_order()])) as server:
        found = await connector(server, sleeps).find_by_email("john.doe@example.com")
    assert [o.order_id for o in found] == ["727"]
    assert server.requests[1].query["search"] == "john.doe@example.com"


async def test_woocommerce_sequential_numbers_use_search(sleeps):
    with serving(Store([p.woo_order(id=900, number="A-1001")])) as server:
        order = await connector(server, sleeps, order_number="search").find_by_order_id("A-1001")
    assert (order.order_id, order.internal_id) == ("A-1001", "900")


async def test_woocommerce_query_string_auth(sleeps):
    with serving(Store([p.woo_order()])) as server:
        assert await connector(server, sleeps, auth="query").find_by_order_id("727") is not None
    assert (
        server.requests[0].query["consumer_key"] == KEY and "authorization" not in server.requests[0].headers
    )


async def test_woocommerce_401_names_the_variables_and_hides_them(sleeps):
    with (
        serving(lambda r: Response(401, UNAUTHORIZED)) as server,
        pytest.raises(
            ConnectorAuthError, match=r"^401 from WooCommerce: check WISMO_WOOCOMMERCE_KEY"
        ) as info,
    ):
        await connector(server, sleeps, auth="query").find_by_order_id("727")
    assert KEY not in str(info.value) and SECRET not in str(info.value)


async def test_woocommerce_unmapped_status_is_bad_response(sleeps):
    with (
        serving(Store([p.woo_order(status="awaiting-shipment")])) as server,
        pytest.raises(ConnectorBadResponse, match="'awaiting-shipment' is not mapped"),
    ):
        await connector(server, sleeps).find_by_order_id("727")


async def test_woocommerce_custom_status_mapped_in_config(sleeps):
    with serving(Store([p.woo_order(status="awaiting-shipment")])) as server:
        order = await connector(
            server, sleeps, statuses={"awaiting-shipment": "processing"}
        ).find_by_order_id("727")
    assert order.status is OrderStatus.PROCESSING


async def test_woocommerce_500_is_unavailable(sleeps):
    with (
        serving(
            lambda r: Response(
                500, {"code": "internal_server_error", "message": "error", "data": {"status": 500}}
            )
        ) as server,
        pytest.raises(ConnectorUnavailable),
    ):
        await connector(server, sleeps).find_by_order_id("727")
    assert len(server.requests) == 3
