"""The web console's own routes: what the page at ``/`` needs beyond the public conversation API.

``GET /api/v1/demo/orders`` lists the embedded demo shop's orders (order number, email, status, carriers) so a
tester can try real order numbers. It answers 404 when the connector is anything but the embedded demo shop:
a real shop's orders are never listed. It sits under ``/api/`` and so behind the bearer token when one is set;
without a token, the emails of orders that are not the bundled sample are masked.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import json

from dialogue.connectors.demo_shop import DemoShopConnector, connect, seed_orders
from nlu.masking import mask_email
from server.errors import HTTPError, NotFound

logger = logging.getLogger(__name__)

_ORDERS_SQL = "SELECT order_id, email, status FROM orders"
_CARRIERS_SQL = (
    "SELECT order_id, carrier FROM fulfilments WHERE carrier IS NOT NULL ORDER BY order_id, position"
)


@dataclass(frozen=True, slots=True)
class DemoOrderRow:
    """One line of the console's demo-orders panel.

    Attributes:
        order_id: The order number a customer would type.
        email: The order's email address (demo data only).
        status: The order status value (``in_transit``, ``delivered``, ...).
        carriers: The carriers of its parcels, in parcel order (empty before shipping).
    """

    order_id: str
    email: str
    status: str
    carriers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form.

        >>> DemoOrderRow("1002", "jane@example.com", "in_transit", ("DHL",)).to_dict()["carriers"]
        ['DHL']
        """
        return {
            "order_id": self.order_id,
            "email": self.email,
            "status": self.status,
            "carriers": list(self.carriers),
        }


def order_sort_key(order_id: str) -> tuple[int, str]:
    """Numbers in numeric order, then anything else alphabetically.

    >>> sorted(["1010", "A-7", "999", "1002"], key=order_sort_key)
    ['999', '1002', '1010', 'A-7']
    """
    return (len(order_id), order_id) if order_id.isdigit() else (1 << 30, order_id)


def read_demo_orders(path: str | Path) -> list[DemoOrderRow]:
    """Every order of the demo-shop file at ``path``, sorted by order number.

    Raises:
        sqlite3.Error: The file is missing or is not a demo shop.
    """
    conn = connect(Path(path))
    try:
        rows = conn.execute(_ORDERS_SQL).fetchall()
        carriers: dict[str, list[str]] = {}
        for order_id, carrier in conn.execute(_CARRIERS_SQL):
            carriers.setdefault(order_id, []).append(str(carrier))
    finally:
        conn.close()
    orders = [
        DemoOrderRow(str(order_id), str(email), str(status), tuple(carriers.get(order_id, ())))
        for order_id, email, status in rows
    ]
    return sorted(orders, key=lambda o: order_sort_key(o.order_id))


def demo_shop_path(connector: Any) -> Path | None:
    """The demo-shop file behind ``connector``, or ``None`` when it is not the embedded demo shop."""
    return connector.path if isinstance(connector, DemoShopConnector) else None


async def demo_orders(request: Request) -> HTTPResponse:
    """The embedded demo shop's orders: ``{"connector": "demo", "orders": [...]}``; 404 for any other shop."""
    connector = getattr(request.app.ctx, "connector", None)
    path = demo_shop_path(connector)
    if path is None:
        name = getattr(connector, "name", "none")
        raise NotFound(
            f"no demo shop: the connector is {name!r}, whose orders are not listed", field="connector"
        )
    try:
        orders = await asyncio.to_thread(read_demo_orders, path)
    except sqlite3.Error as exc:
        logger.warning("console.demo_orders.failed error=%s", type(exc).__name__)
        raise HTTPError(
            "the demo shop is unreadable; recreate it with `wismo shop import`", status=503
        ) from exc
    token_set = bool(request.app.ctx.settings.api_token)
    return json({"connector": "demo", "orders": [o.to_dict() for o in shown_orders(orders, token_set)]})


def shown_orders(orders: list[DemoOrderRow], token_set: bool) -> list[DemoOrderRow]:
    """The rows as the panel may show them: the bundled sample orders in full; orders imported with
    ``wismo shop import`` / ``--orders`` (real customers, perhaps) with masked emails unless the API is behind
    ``WISMO_API_TOKEN``.

    >>> rows = [DemoOrderRow("1001", "jane@example.com", "delivered"), DemoOrderRow("77", "bob@shop.io", "pending")]
    >>> [o.email for o in shown_orders(rows, token_set=False)]
    ['jane@example.com', 'b***@s***.io']
    """
    if token_set:
        return orders
    sample = _sample_pairs()
    return [o if (o.order_id, o.email) in sample else replace(o, email=mask_email(o.email)) for o in orders]


@lru_cache(maxsize=1)
def _sample_pairs() -> frozenset[tuple[str, str]]:
    return frozenset((o.order_id, o.email) for o in seed_orders(datetime(2025, 1, 1, tzinfo=UTC)))


def console_blueprint() -> Blueprint:
    """A fresh blueprint with the console's routes (one per app: Sanic names must be unique per app)."""
    blueprint = Blueprint("console_api", url_prefix="/api/v1/demo")
    blueprint.add_route(demo_orders, "/orders", methods=["GET"], name="demo_orders")
    return blueprint
