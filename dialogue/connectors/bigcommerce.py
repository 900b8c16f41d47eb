"""BigCommerce, through the Orders v2 API (``/stores/{hash}/v2``) with header ``X-Auth-Token``.

An order needs three calls: the order, its shipments (tracking) and its products (line items); the last two run
concurrently. ``/shipments`` (and, in practice, an empty ``/orders`` search) answer **204 with no body**.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from dialogue.connectors.errors import ConnectorBadResponse
from dialogue.connectors.fields import parse_timestamp
from dialogue.connectors.http_client import ResilientHttpClient
from dialogue.connectors.remote import RemoteConnector
from dialogue.orders import Fulfilment, LineItem, Order, OrderStatus

STORE_HASH_ENV = "WISMO_BIGCOMMERCE_STORE_HASH"
TOKEN_ENV = "WISMO_BIGCOMMERCE_TOKEN"

# status_id -> status (names as BigCommerce shows them).
STATUSES: dict[int, OrderStatus] = {
    0: OrderStatus.PENDING,  # Incomplete
    1: OrderStatus.PENDING,  # Pending
    2: OrderStatus.SHIPPED,  # Shipped
    3: OrderStatus.SHIPPED,  # Partially Shipped
    4: OrderStatus.REFUNDED,  # Refunded
    5: OrderStatus.CANCELLED,  # Cancelled
    6: OrderStatus.CANCELLED,  # Declined
    7: OrderStatus.PENDING,  # Awaiting Payment
    8: OrderStatus.OUT_FOR_DELIVERY,  # Awaiting Pickup
    9: OrderStatus.PROCESSING,  # Awaiting Shipment
    10: OrderStatus.SHIPPED,  # Completed
    11: OrderStatus.PROCESSING,  # Awaiting Fulfillment
    12: OrderStatus.PENDING,  # Manual Verification Required
    13: OrderStatus.EXCEPTION,  # Disputed
    14: OrderStatus.REFUNDED,  # Partially Refunded
}


class BigCommerceConnector(RemoteConnector):
    """Orders from a BigCommerce store.

    Args:
        client: A client whose base URL is ``https://api.bigcommerce.com/stores/{hash}/v2`` (or a test server)
            and which sends ``X-Auth-Token``.
        statuses: Overrides keyed by ``status_id`` (as text) or by the status name in lower case.
    """

    name = "bigcommerce"

    def __init__(
        self, client: ResilientHttpClient, *, statuses: Mapping[str, OrderStatus] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(client, **kwargs)
        self._overrides = {k.lower(): v for k, v in (statuses or {}).items()}

    async def _fetch_order(self, order_id: str) -> Order | None:
        if not order_id.isdigit():
            return None
        response = await self.client.request("GET", f"/orders/{order_id}", label="order by id")
        if response.status_code == 404:
            return None
        data = self.client.decode_json(response, "order by id")
        if not isinstance(data, dict):
            raise ConnectorBadResponse("BigCommerce answered a non-object order", connector=self.name)
        return await self._complete(data)

    async def _fetch_by_email(self, email: str, limit: int) -> list[Order]:
        params = {"email": email, "sort": "date_created:desc", "limit": limit}
        response = await self.client.request("GET", "/orders", label="orders by email", params=params)
        data = self.client.decode_json(response, "orders by email") or []
        if response.status_code == 404:
            return []
        if not isinstance(data, list):
            raise ConnectorBadResponse(
                "BigCommerce answered a non-list to an order search", connector=self.name
            )
        return list(await asyncio.gather(*(self._complete(o) for o in data[:limit])))

    async def _complete(self, data: dict[str, Any]) -> Order:
        order_id = int(data["id"])
        shipments, products = await asyncio.gather(
            self._sub_list(f"/orders/{order_id}/shipments", "shipments"),
            self._sub_list(f"/orders/{order_id}/products", "products"),
        )
        return self._order(data, shipments, products)

    async def _sub_list(self, url: str, label: str) -> list[dict[str, Any]]:
        response = await self.client.request("GET", url, label=label)
        data = self.client.decode_json(response, label)
        if response.status_code == 404 or data is None:
            return []
        if not isinstance(data, list):
            raise ConnectorBadResponse(f"BigCommerce answered a non-list for {label}", connector=self.name)
        return data

    def _order(
        self, data: dict[str, Any], shipments: list[dict[str, Any]], products: list[dict[str, Any]]
    ) -> Order:
        billing = data.get("billing_address") or {}
        shipped_to = (
            next((s.get("shipping_address") for s in shipments if s.get("shipping_address")), None) or {}
        )
        return Order(
            order_id=str(data["id"]),
            internal_id=str(data["id"]),
            email=str(billing.get("email") or ""),
            status=self._status(data),
            created_at=parse_timestamp(data.get("date_created")),
            fulfilments=tuple(self._parcel(s) for s in shipments),
            items=tuple(
                LineItem(str(p["name"]), int(p.get("quantity") or 1))
                for p in products
                if p.get("parent_order_product_id") is None  # bundle contents repeat their parent
            ),
            postcode=shipped_to.get("zip") or billing.get("zip") or None,
        )

    def _status(self, data: dict[str, Any]) -> OrderStatus:
        status_id, name = data.get("status_id"), str(data.get("status") or "")
        for key in (str(status_id), name.lower()):
            if key in self._overrides:
                return self._overrides[key]
        if isinstance(status_id, int) and status_id in STATUSES:
            return STATUSES[status_id]
        raise ConnectorBadResponse(
            f"BigCommerce status_id {status_id!r} ({name[:40]!r}) is not mapped: add it under connector.statuses",
            connector=self.name,
        )

    @staticmethod
    def _parcel(shipment: dict[str, Any]) -> Fulfilment:
        carrier = (
            shipment.get("shipping_provider_display_name")
            or shipment.get("tracking_carrier")
            or shipment.get("shipping_provider")
            or None
        )
        return Fulfilment(
            carrier=carrier,
            tracking_number=shipment.get("tracking_number") or None,
            tracking_url=shipment.get("tracking_link") or shipment.get("generated_tracking_link") or None,
            shipped_at=parse_timestamp(shipment.get("date_created")),
        )
