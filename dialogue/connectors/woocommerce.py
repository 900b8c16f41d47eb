"""WooCommerce, through the REST API v3 (``/wp-json/wc/v3``) with a consumer key and secret.

Core WooCommerce has no tracking fields; the Shipment Tracking extension (and the AST plugin) add them, as
order meta ``_wc_shipment_tracking_items`` and the route ``/wc-shipment-tracking/v3/orders/{id}/shipment-trackings``.
Both are read when present; a store without them simply has parcels without tracking.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from dialogue.connectors.errors import ConnectorBadResponse
from dialogue.connectors.fields import parse_timestamp
from dialogue.connectors.http_client import ResilientHttpClient
from dialogue.connectors.remote import RemoteConnector
from dialogue.orders import Fulfilment, LineItem, Order, OrderStatus

logger = logging.getLogger(__name__)

URL_ENV = "WISMO_WOOCOMMERCE_URL"
KEY_ENV = "WISMO_WOOCOMMERCE_KEY"
SECRET_ENV = "WISMO_WOOCOMMERCE_SECRET"
TRACKING_META = "_wc_shipment_tracking_items"

STATUSES: dict[str, OrderStatus] = {
    "pending": OrderStatus.PENDING,
    "on-hold": OrderStatus.PENDING,
    "checkout-draft": OrderStatus.PENDING,
    "processing": OrderStatus.PROCESSING,
    "completed": OrderStatus.SHIPPED,
    "cancelled": OrderStatus.CANCELLED,
    "trash": OrderStatus.CANCELLED,
    "refunded": OrderStatus.REFUNDED,
    "failed": OrderStatus.EXCEPTION,
}


class WooCommerceConnector(RemoteConnector):
    """Orders from a WooCommerce store.

    Args:
        client: A client whose base URL is the store's ``.../wp-json`` and which carries the credentials.
        order_number: ``id`` looks orders up by id (WooCommerce's default, where number = id); ``search``
            searches by number, for stores with a sequential-order-number plugin.
        tracking: Ask the Shipment Tracking route when the order meta has no tracking.
        statuses: Extra or overriding status mappings (custom statuses added by plugins).
    """

    name = "woocommerce"

    def __init__(
        self,
        client: ResilientHttpClient,
        *,
        order_number: str = "id",
        tracking: bool = True,
        statuses: Mapping[str, OrderStatus] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(client, **kwargs)
        self.order_number = order_number
        self._tracking = tracking
        self._statuses = {**STATUSES, **{k.lower(): v for k, v in (statuses or {}).items()}}

    async def _fetch_order(self, order_id: str) -> Order | None:
        if self.order_number == "search":
            found = await self._list({"search": order_id, "per_page": 10}, "order by number")
            matches = [o for o in found if str(o.get("number")) == order_id]
            orders = await self._orders(matches[:1])
            return orders[0] if orders else None
        if not order_id.isdigit():
            return None
        response = await self.client.request("GET", f"/wc/v3/orders/{order_id}", label="order by id")
        data = self._json(response, "order by id")
        if data is None:
            return None
        if str(data.get("number", order_id)) != order_id:
            logger.info("connectors.woocommerce.number_differs hint=set order_number: search")
            return None
        return (await self._orders([data]))[0]

    async def _fetch_by_email(self, email: str, limit: int) -> list[Order]:
        response = await self.client.request(
            "GET", "/wc/v3/customers", label="customer by email", params={"email": email, "role": "all"}
        )
        customers = self._json(response, "customer by email") or []
        order = {"per_page": limit, "orderby": "date", "order": "desc"}
        if customers:
            found = await self._list({**order, "customer": customers[0]["id"]}, "orders by customer")
        else:  # guests have no customer record; search covers their billing e-mail (and other fields)
            found = await self._list({**order, "search": email}, "orders by e-mail search")
            found = [o for o in found if str((o.get("billing") or {}).get("email", "")).lower() == email]
        return await self._orders(found[:limit])

    async def _list(self, params: dict[str, Any], label: str) -> list[dict[str, Any]]:
        response = await self.client.request("GET", "/wc/v3/orders", label=label, params=params)
        data = self._json(response, label)
        if data is not None and not isinstance(data, list):
            raise ConnectorBadResponse(
                "WooCommerce answered a non-list to an order search", connector=self.name
            )
        return data or []

    def _json(self, response: Any, label: str) -> Any:
        """The body, or ``None`` for a 404 about a missing order; a missing route is a configuration error."""
        body = self.client.decode_json(response, label)
        if response.status_code == 404:
            if isinstance(body, dict) and body.get("code") == "rest_no_route":
                raise ConnectorBadResponse(
                    f"404 from WooCommerce: no REST route; check {URL_ENV} and that the REST API is enabled",
                    connector=self.name,
                    status=404,
                )
            return None
        return body

    async def _orders(self, raw: list[dict[str, Any]]) -> list[Order]:
        tracking = await asyncio.gather(*(self._tracking_items(o) for o in raw))
        return [self._order(o, t) for o, t in zip(raw, tracking, strict=True)]

    async def _tracking_items(self, order: dict[str, Any]) -> list[dict[str, Any]]:
        for meta in order.get("meta_data") or ():
            if meta.get("key") == TRACKING_META and isinstance(meta.get("value"), list):
                return list(meta["value"])
        if not self._tracking or order.get("status") not in ("completed", "processing"):
            return []
        url = f"/wc-shipment-tracking/v3/orders/{order['id']}/shipment-trackings"
        response = await self.client.request("GET", url, label="shipment tracking")
        body = self.client.decode_json(response, "shipment tracking")
        if response.status_code == 404:
            if isinstance(body, dict) and body.get("code") == "rest_no_route":
                self._tracking = False  # the extension is not installed: stop asking
                logger.info("connectors.woocommerce.no_tracking_extension")
            return []
        return list(body or [])

    def _order(self, data: dict[str, Any], tracking: list[dict[str, Any]]) -> Order:
        raw_status = str(data["status"]).lower()
        if raw_status not in self._statuses:
            raise ConnectorBadResponse(
                f"WooCommerce status {raw_status[:40]!r} is not mapped: add it under connector.statuses",
                connector=self.name,
            )
        shipping, billing = data.get("shipping") or {}, data.get("billing") or {}
        created = data.get("date_created_gmt") or data.get("date_created")
        return Order(
            order_id=str(data.get("number") or data["id"]),
            internal_id=str(data["id"]),
            email=str(billing.get("email") or ""),
            status=self._statuses[raw_status],
            created_at=parse_timestamp(created),
            fulfilments=tuple(self._parcel(t) for t in tracking),
            items=tuple(
                LineItem(str(i["name"]), int(i.get("quantity") or 1)) for i in data.get("line_items") or ()
            ),
            postcode=shipping.get("postcode") or billing.get("postcode") or None,
        )

    @staticmethod
    def _parcel(item: dict[str, Any]) -> Fulfilment:
        carrier = item.get("custom_tracking_provider") or item.get("tracking_provider") or None
        return Fulfilment(
            carrier=carrier,
            tracking_number=item.get("tracking_number") or None,
            tracking_url=item.get("tracking_link") or item.get("custom_tracking_link") or None,
            shipped_at=parse_timestamp(item.get("date_shipped")),
        )
