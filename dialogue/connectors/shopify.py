"""Shopify, through the Admin GraphQL API (the REST Admin API is legacy since 2024-10).

One query serves both look-ups: ``name:#1001`` for an order number, ``email:"..."`` for a customer's orders.
Shopify throttles GraphQL by query cost and answers **HTTP 200** with a ``THROTTLED`` error; the wait comes from
``extensions.cost.throttleStatus``. Without the ``read_all_orders`` scope only the last 60 days are visible.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from dialogue.connectors.errors import ConnectorAuthError, ConnectorBadResponse
from dialogue.connectors.fields import parse_timestamp
from dialogue.connectors.http_client import ResilientHttpClient
from dialogue.connectors.remote import RemoteConnector
from dialogue.orders import Fulfilment, LineItem, Order, OrderStatus, aggregate_status

logger = logging.getLogger(__name__)

DEFAULT_API_VERSION = "2025-10"
TOKEN_ENV = "WISMO_SHOPIFY_TOKEN"

ORDERS_QUERY = """
query WismoOrders($q: String!, $first: Int!) {
  orders(first: $first, query: $q, sortKey: CREATED_AT, reverse: true) {
    nodes {
      id name email createdAt cancelledAt
      displayFinancialStatus displayFulfillmentStatus
      shippingAddress { zip }
      lineItems(first: 20) { nodes { name quantity } }
      fulfillments(first: 10) {
        status displayStatus createdAt updatedAt inTransitAt deliveredAt estimatedDeliveryAt
        trackingInfo(first: 5) { company number url }
        events(first: 1, sortKey: HAPPENED_AT, reverse: true) { nodes { happenedAt status } }
      }
    }
  }
}
""".strip()

# Fulfillment.displayStatus (and Fulfillment.status for failures); None drops a cancelled parcel.
FULFILMENT_STATUSES: dict[str, OrderStatus | None] = {
    "LABEL_PRINTED": OrderStatus.SHIPPED,
    "LABEL_PURCHASED": OrderStatus.SHIPPED,
    "CONFIRMED": OrderStatus.SHIPPED,
    "FULFILLED": OrderStatus.SHIPPED,
    "MARKED_AS_FULFILLED": OrderStatus.SHIPPED,
    "SUBMITTED": OrderStatus.SHIPPED,
    "CARRIER_PICKED_UP": OrderStatus.IN_TRANSIT,
    "IN_TRANSIT": OrderStatus.IN_TRANSIT,
    "DELAYED": OrderStatus.IN_TRANSIT,
    "OUT_FOR_DELIVERY": OrderStatus.OUT_FOR_DELIVERY,
    "READY_FOR_PICKUP": OrderStatus.OUT_FOR_DELIVERY,
    "DELIVERED": OrderStatus.DELIVERED,
    "PICKED_UP": OrderStatus.DELIVERED,
    "ATTEMPTED_DELIVERY": OrderStatus.EXCEPTION,
    "NOT_DELIVERED": OrderStatus.EXCEPTION,
    "FAILURE": OrderStatus.EXCEPTION,
    "ERROR": OrderStatus.EXCEPTION,
    "CANCELED": None,
    "CANCELLED": None,
    "LABEL_VOIDED": None,
}

# Order.displayFulfillmentStatus, used when the order has no live parcel.
ORDER_STATUSES: dict[str, OrderStatus] = {
    "UNFULFILLED": OrderStatus.PROCESSING,
    "OPEN": OrderStatus.PROCESSING,
    "IN_PROGRESS": OrderStatus.PROCESSING,
    "PENDING_FULFILLMENT": OrderStatus.PROCESSING,
    "SCHEDULED": OrderStatus.PROCESSING,
    "ON_HOLD": OrderStatus.PROCESSING,
    "REQUEST_DECLINED": OrderStatus.PROCESSING,
    "PARTIALLY_FULFILLED": OrderStatus.SHIPPED,
    "FULFILLED": OrderStatus.SHIPPED,
    "RESTOCKED": OrderStatus.CANCELLED,
}

# Order.displayFinancialStatus values that decide the status on their own.
FINANCIAL_STATUSES: dict[str, OrderStatus] = {
    "PENDING": OrderStatus.PENDING,
    "EXPIRED": OrderStatus.CANCELLED,
    "VOIDED": OrderStatus.CANCELLED,
    "REFUNDED": OrderStatus.REFUNDED,
}


def throttle_delay(response: httpx.Response) -> float | None:
    """Seconds to wait when a 200 response carries a ``THROTTLED`` error, else ``None``.

    The wait is the time the bucket needs to refill enough for the query's cost.
    """
    try:
        body = response.json()
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not any(
        isinstance(e, dict) and (e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors
    ):
        return None
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        missing = float(cost.get("requestedQueryCost", 0)) - float(status.get("currentlyAvailable", 0))
        return max(0.05, missing / float(status["restoreRate"]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return 1.0


class ShopifyConnector(RemoteConnector):
    """Orders from a Shopify store (Admin GraphQL API, header ``X-Shopify-Access-Token``).

    Build it with :func:`dialogue.connectors.factory.build_connector`; the client carries the token.

    Args:
        client: A client whose base URL is ``https://{shop}.myshopify.com`` (or a test server).
        api_version: The pinned Admin API version, e.g. ``2025-10``.
        order_name_prefix: What the store puts before order numbers (``#`` by default).
        statuses: Extra or overriding platform-value -> status mappings.
    """

    name = "shopify"

    def __init__(
        self,
        client: ResilientHttpClient,
        *,
        api_version: str = DEFAULT_API_VERSION,
        order_name_prefix: str = "#",
        statuses: Mapping[str, OrderStatus] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(client, **kwargs)
        self.path = f"/admin/api/{api_version}/graphql.json"
        self.prefix = order_name_prefix
        self._overrides = {k.upper(): v for k, v in (statuses or {}).items()}

    async def _fetch_order(self, order_id: str) -> Order | None:
        nodes = await self._query(f"name:{self.prefix}{order_id}", 5, "order by name")
        exact = [n for n in nodes if self._number(n["name"]).lower() == order_id.lower()]
        return self._order(exact[0]) if exact else None

    async def _fetch_by_email(self, email: str, limit: int) -> list[Order]:
        nodes = await self._query(f'email:"{email}"', limit, "orders by email")
        return [self._order(n) for n in nodes if str(n.get("email") or "").lower() == email]

    async def _query(self, search: str, first: int, label: str) -> list[dict[str, Any]]:
        payload = {"query": ORDERS_QUERY, "variables": {"q": search, "first": first}}
        response = await self.client.request(
            "POST", self.path, label=label, json=payload, throttle=throttle_delay
        )
        if response.status_code == 404:
            raise ConnectorBadResponse(
                "404 from Shopify: check WISMO_SHOPIFY_SHOP and the API version",
                connector=self.name,
                status=404,
            )
        body = self.client.decode_json(response, label)
        if not isinstance(body, dict):
            raise ConnectorBadResponse("Shopify answered a non-object body", connector=self.name)
        errors = body.get("errors")
        if errors:
            codes = {str((e.get("extensions") or {}).get("code")) for e in errors if isinstance(e, dict)}
            if "ACCESS_DENIED" in codes:
                raise ConnectorAuthError(
                    f"Shopify denied access: give the app the read_orders scope and check {TOKEN_ENV}",
                    connector=self.name,
                )
            detail = json.dumps(sorted(codes))[:200] if codes - {"None"} else "query rejected"
            raise ConnectorBadResponse(f"GraphQL error from Shopify: {detail}", connector=self.name)
        return list(body["data"]["orders"]["nodes"])

    def _number(self, name: str) -> str:
        return name[len(self.prefix) :] if self.prefix and name.startswith(self.prefix) else name.lstrip("#")

    def _order(self, node: dict[str, Any]) -> Order:
        parcels = tuple(p for f in node.get("fulfillments") or () for p in self._parcels(f))
        return Order(
            order_id=self._number(node["name"]),
            internal_id=node.get("id"),
            email=node.get("email") or "",
            status=self._status(node, parcels),
            created_at=parse_timestamp(node.get("createdAt")),
            fulfilments=parcels,
            items=tuple(
                LineItem(str(i["name"]), int(i.get("quantity") or 1))
                for i in (node.get("lineItems") or {}).get("nodes") or ()
            ),
            postcode=(node.get("shippingAddress") or {}).get("zip"),
        )

    def _parcels(self, fulfillment: dict[str, Any]) -> list[Fulfilment]:
        raw = str(fulfillment.get("displayStatus") or fulfillment.get("status") or "").upper()
        if str(fulfillment.get("status") or "").upper() in ("CANCELLED", "ERROR", "FAILURE"):
            raw = str(fulfillment["status"]).upper()
        status = self._overrides.get(raw, FULFILMENT_STATUSES.get(raw, OrderStatus.SHIPPED))
        if status is None:
            return []
        delivered = parse_timestamp(fulfillment.get("deliveredAt"))
        shipped = parse_timestamp(fulfillment.get("inTransitAt") or fulfillment.get("createdAt"))
        eta = parse_timestamp(fulfillment.get("estimatedDeliveryAt"))
        last_event = delivered or _last_event(fulfillment)
        return [
            Fulfilment(
                carrier=t.get("company"),
                tracking_number=t.get("number"),
                tracking_url=t.get("url"),
                shipped_at=shipped,
                estimated_delivery=eta,
                last_event_at=last_event,
                status=status,
            )
            for t in fulfillment.get("trackingInfo") or [{}]
        ]

    def _status(self, node: dict[str, Any], parcels: tuple[Fulfilment, ...]) -> OrderStatus:
        financial = str(node.get("displayFinancialStatus") or "").upper()
        fulfilment = str(node.get("displayFulfillmentStatus") or "").upper()
        if node.get("cancelledAt"):
            return OrderStatus.CANCELLED
        if financial in self._overrides:
            return self._overrides[financial]
        if financial in ("REFUNDED", "VOIDED", "EXPIRED") or (financial == "PENDING" and not parcels):
            return FINANCIAL_STATUSES[financial]
        by_parcels = aggregate_status(p.status for p in parcels)
        if by_parcels is not None:
            return by_parcels
        return self._overrides.get(fulfilment, ORDER_STATUSES.get(fulfilment, OrderStatus.PROCESSING))


def _last_event(fulfillment: dict[str, Any]) -> datetime | None:
    """When the carrier last reported the parcel: the newest fulfilment event, else the fulfilment's update.

    ``updatedAt`` also moves for changes that are not tracking news, so it is only the fallback (a shop whose
    carrier sends no events, or a token without access to them).

    >>> updated = {"updatedAt": "2026-03-05T00:00:00Z"}
    >>> _last_event({**updated, "events": {"nodes": [{"happenedAt": "2026-03-02T08:00:00Z"}]}}).isoformat()
    '2026-03-02T08:00:00+00:00'
    >>> _last_event({**updated, "events": {"nodes": []}}).isoformat()
    '2026-03-05T00:00:00+00:00'
    """
    events = (fulfillment.get("events") or {}).get("nodes") or ()
    happened = [t for t in (parse_timestamp(e.get("happenedAt")) for e in events) if t is not None]
    return max(happened) if happened else parse_timestamp(fulfillment.get("updatedAt"))
