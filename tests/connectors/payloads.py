"""Platform-shaped payloads for the fake servers.

When ``../shared/specs`` is present the base documents come from the vendors' own examples (Shopify's client
fixtures, WooCommerce's API docs, BigCommerce's OpenAPI examples); otherwise from the small copies below, written
in the same shape, so the tests still run without the shared folder.
"""

from __future__ import annotations

import copy
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

SPECS = Path(os.environ.get("WISMO_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared")) / "specs"

_WOO_ORDER = {
    "id": 727, "parent_id": 0, "number": "727", "status": "processing", "currency": "USD",
    "date_created": "2017-03-22T16:28:02", "date_created_gmt": "2017-03-22T19:28:02",
    "customer_id": 0,
    "billing": {"first_name": "John", "last_name": "Doe", "postcode": "94103", "country": "US",
                "email": "john.doe@example.com", "phone": "(555) 555-5555"},
    "shipping": {"first_name": "John", "last_name": "Doe", "postcode": "94103", "country": "US"},
    "meta_data": [{"id": 13106, "key": "_download_permissions_granted", "value": "yes"}],
    "line_items": [{"id": 315, "name": "Woo Single #1", "product_id": 93, "quantity": 2},
                   {"id": 316, "name": "Ship Your Idea", "product_id": 22, "quantity": 1}],
    "shipping_lines": [{"id": 317, "method_title": "Flat Rate", "method_id": "flat_rate"}],
}  # fmt: skip
_BC_ORDER = {
    "id": 218, "customer_id": 11, "date_created": "Tue, 05 Mar 2019 21:40:11 +0000", "date_shipped": "",
    "status_id": 7, "status": "Awaiting Payment", "items_total": 4, "items_shipped": 0,
    "billing_address": {"first_name": "Jane", "last_name": "Doe", "zip": "78751", "country": "United States",
                        "email": "janedoe@example.com"},
}  # fmt: skip
_BC_SHIPMENT = {
    "id": 6, "order_id": 225, "customer_id": 11, "order_address_id": 127,
    "date_created": "Mon, 11 Mar 2019 17:22:08 +0000", "tracking_number": "EJ958083578US",
    "shipping_method": "None", "shipping_provider": "usps", "tracking_carrier": "", "tracking_link": "",
    "shipping_address": {"first_name": "Trishy", "zip": "12345", "country_iso2": "US", "email": "elsie@example.com"},
    "items": [{"order_product_id": 188, "product_id": 0, "quantity": 1}],
    "shipping_provider_display_name": "USPS",
    "generated_tracking_link": "https://trkcnfrm1.smi.usps.com/PTSInternetWeb/InterLabelInquiry.do?strOrigTrackNum=EJ958083578US",
}  # fmt: skip
_BC_PRODUCT = {"id": 65, "order_id": 149, "product_id": 77, "name": "Fog Linen Chambray Towel - Beige Stripe",
               "quantity": 1, "parent_order_product_id": None}  # fmt: skip
_SHOPIFY_REST_ORDER = {"id": 450789469, "name": "#1001", "email": "bob.norman@hostmail.com",
                       "created_at": "2008-01-10T11:00:00-05:00", "financial_status": "authorized",
                       "line_items": [{"name": "IPod Nano - 8gb - green", "quantity": 1}]}  # fmt: skip


def have_specs() -> bool:
    return SPECS.is_dir()


@cache
def _bigcommerce_examples() -> dict[str, Any]:
    import yaml

    spec = yaml.safe_load((SPECS / "bigcommerce" / "orders.v2.oas2.yml").read_text())
    responses = spec["components"]["responses"]

    def example(name: str) -> Any:
        return next(iter(responses[name]["content"]["application/json"]["examples"].values()))["value"]

    return {
        "order": example("order_Resp"),
        "shipments": example("orderShipmentCollection_Resp"),
        "products": example("orderProductsCollection_Resp"),
    }


@cache
def _woo_example() -> dict[str, Any]:
    text = (SPECS / "woocommerce" / "docs" / "wp-api-v3_orders.md").read_text()
    section = text[text.index("## Retrieve an order ##") :]
    match = re.search(r"```json\n(.*?)```", section, re.S)
    assert match is not None
    return dict(json.loads(match[1]))


def woo_order(**changes: Any) -> dict[str, Any]:
    """A WooCommerce order (doc example when available) with ``changes`` applied."""
    order = copy.deepcopy(_woo_example() if have_specs() else _WOO_ORDER)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(order.get(key), dict):
            order[key] = {**order[key], **value}
        else:
            order[key] = value
    return order


def bc_order(**changes: Any) -> dict[str, Any]:
    base = _bigcommerce_examples()["order"] if have_specs() else _BC_ORDER
    return {**copy.deepcopy(base), **changes}


def bc_shipments() -> list[dict[str, Any]]:
    """Two shipments (the spec example has two); the local copy duplicates one with another number."""
    if have_specs():
        return copy.deepcopy(list(_bigcommerce_examples()["shipments"]))
    second = {**copy.deepcopy(_BC_SHIPMENT), "id": 7, "tracking_number": "EJ958083578UK"}
    return [copy.deepcopy(_BC_SHIPMENT), second]


def bc_products() -> list[dict[str, Any]]:
    if have_specs():
        return copy.deepcopy(list(_bigcommerce_examples()["products"]))
    return [copy.deepcopy(_BC_PRODUCT)]


def shopify_rest_order() -> dict[str, Any]:
    if have_specs():
        return dict(json.loads((SPECS / "shopify" / "fixtures" / "order.json").read_text())["order"])
    return copy.deepcopy(_SHOPIFY_REST_ORDER)


def shopify_node(fulfillments: list[dict[str, Any]] | None = None, **changes: Any) -> dict[str, Any]:
    """A GraphQL ``Order`` node built from Shopify's REST fixture order (same ids, name, e-mail)."""
    rest = shopify_rest_order()
    node = {
        "id": f"gid://shopify/Order/{rest['id']}",
        "name": rest["name"],
        "email": rest["email"],
        "createdAt": rest["created_at"],
        "cancelledAt": rest.get("cancelled_at"),
        "displayFinancialStatus": "PAID",
        "displayFulfillmentStatus": "FULFILLED" if fulfillments else "UNFULFILLED",
        "shippingAddress": {"zip": "K2P 1L4"},
        "lineItems": {"nodes": [{"name": i["name"], "quantity": i["quantity"]} for i in rest["line_items"]]},
        "fulfillments": fulfillments or [],
    }
    node.update(changes)
    return node


def shopify_event(happened_at: str) -> dict[str, Any]:
    """A GraphQL ``FulfillmentEvent`` node from Shopify's REST fixture event, moved to ``happened_at``."""
    rest = {"status": "label_printed", "happened_at": "2021-01-25T16:32:23-05:00"}
    if have_specs():
        rest = json.loads((SPECS / "shopify" / "fixtures" / "fulfillment_event.json").read_text())
        rest = rest["fulfillment_event"]
    return {"happenedAt": happened_at, "status": str(rest["status"]).upper()}


def shopify_fulfillment(
    display: str = "IN_TRANSIT",
    number: str = "1Z2345",
    company: str = "UPS",
    events: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "status": "SUCCESS",
        "displayStatus": display,
        "createdAt": "2026-03-01T08:00:00Z",
        "updatedAt": "2026-03-02T10:00:00Z",
        "inTransitAt": "2026-03-01T09:12:00Z",
        "deliveredAt": "2026-03-03T15:00:00Z" if display == "DELIVERED" else None,
        "estimatedDeliveryAt": "2026-03-04T00:00:00Z",
        "trackingInfo": [
            {"company": company, "number": number, "url": f"https://www.ups.com/track?tracknum={number}"}
        ],
        "events": {"nodes": events or []},
    }


def shopify_body(nodes: list[dict[str, Any]], available: float = 1992) -> dict[str, Any]:
    return {
        "data": {"orders": {"nodes": nodes}},
        "extensions": {"cost": {"requestedQueryCost": 32, "actualQueryCost": 8,
                                "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": available,
                                                   "restoreRate": 100.0}}},
    }  # fmt: skip


def shopify_throttled() -> dict[str, Any]:
    body = shopify_body([], available=12)
    body.pop("data")
    body["errors"] = [
        {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
        }
    ]
    return body
