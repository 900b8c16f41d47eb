"""The embedded demo shop: orders in a SQLite file, so the bot runs with no shop set up.

SQLite calls are blocking, so each look-up runs in a worker thread with its own connection.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from dialogue.connectors.errors import ConnectorUnavailable
from dialogue.connectors.fields import normalise_email, normalise_order_id, normalise_tracking_number
from dialogue.orders import Fulfilment, LineItem, Order, OrderStatus

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY, internal_id TEXT, email TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT, postcode TEXT, items TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS orders_email ON orders (email, created_at);
CREATE TABLE IF NOT EXISTS fulfilments (
    order_id TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE, position INTEGER NOT NULL,
    carrier TEXT, tracking_number TEXT, tracking_url TEXT, shipped_at TEXT, estimated_delivery TEXT,
    last_event_at TEXT, status TEXT, PRIMARY KEY (order_id, position)
);
"""


def connect(path: Path, *, create: bool = False) -> sqlite3.Connection:
    """A connection to the demo-shop file; without ``create`` a missing file is an error, not a new shop."""
    if create:
        conn = sqlite3.connect(path)
    else:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
    conn.execute("PRAGMA foreign_keys = ON")
    # tracking numbers are stored as carriers print them and compared the way customers' are read
    conn.create_function("tracking_key", 1, normalise_tracking_number, deterministic=True)
    return conn


def save_orders(conn: sqlite3.Connection, orders: Iterable[Order]) -> int:
    """Insert or replace ``orders`` (with their parcels) on ``conn``; the caller owns the transaction."""
    count = 0
    for order in orders:
        conn.execute("DELETE FROM orders WHERE order_id = ?", (order.order_id,))
        items = json.dumps([i.to_dict() for i in order.items], ensure_ascii=False)
        conn.execute(
            "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?)",
            (order.order_id, order.internal_id, order.email.lower(), order.status.value,
             _iso(order.created_at), order.postcode, items),
        )  # fmt: skip
        for position, parcel in enumerate(order.fulfilments):
            row = parcel.to_dict()
            conn.execute(
                "INSERT INTO fulfilments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (order.order_id, position, row["carrier"], row["tracking_number"], row["tracking_url"],
                 row["shipped_at"], row["estimated_delivery"], row["last_event_at"], row["status"]),
            )  # fmt: skip
        count += 1
    return count


def seed_orders(now: datetime) -> list[Order]:
    """The demo orders, dated relative to ``now`` (offsets in ``demo_data/orders.json`` are days)."""
    raw = json.loads(
        resources.files("dialogue.connectors.demo_data").joinpath("orders.json").read_text("utf-8")
    )

    def at(days: float | None) -> datetime | None:
        return None if days is None else now + timedelta(days=days)

    orders = []
    for entry in raw["orders"]:
        parcels = tuple(
            Fulfilment(
                carrier=p["carrier"],
                tracking_number=p["tracking_number"],
                tracking_url=p["tracking_url"],
                shipped_at=at(p["shipped"]),
                estimated_delivery=at(p["eta"]),
                last_event_at=at(p["last_event"]),
                status=OrderStatus(p["status"]),
            )
            for p in entry["parcels"]
        )
        orders.append(
            Order(
                order_id=entry["order_id"],
                internal_id=f"demo-{entry['order_id']}",
                email=entry["email"],
                status=OrderStatus(entry["status"]),
                created_at=at(entry["created"]),
                fulfilments=parcels,
                items=tuple(LineItem(name, qty) for name, qty in entry["items"]),
                postcode=entry["postcode"],
            )
        )
    return orders


def create_demo_shop(path: str | Path, *, now: datetime | None = None, seed: bool = True) -> Path:
    """Create a fresh demo shop at ``path`` (any orders already there are deleted) and return its path.

    Args:
        path: The SQLite file; parent folders are created.
        now: The moment the seed's relative dates count from (pass one for deterministic tests);
            defaults to the current time, to the minute.
        seed: Fill the shop with the sample orders; ``False`` leaves it empty (for ``wismo serve --orders``).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    moment = now or datetime.now(UTC).replace(second=0, microsecond=0)
    with connect(target, create=True) as conn:
        conn.executescript(SCHEMA)
        conn.execute("DELETE FROM orders")
        if seed:
            save_orders(conn, seed_orders(moment))
    conn.close()
    logger.info("connectors.demo_shop.created seeded=%s", seed)
    return target


class DemoShopConnector:
    """An :class:`~dialogue.connectors.base.OrderConnector` over a demo-shop SQLite file."""

    name = "demo"
    finds_by_tracking = True

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"DemoShopConnector(path={str(self.path)!r})"

    async def find_by_order_id(self, order_id: str) -> Order | None:
        key = normalise_order_id(order_id)
        if key is None:
            return None
        found = await asyncio.to_thread(self._select, "o.order_id = ?", (key,), 1)
        return found[0] if found else None

    async def find_by_email(self, email: str, limit: int = 5) -> list[Order]:
        key = normalise_email(email)
        if key is None:
            return []
        return await asyncio.to_thread(self._select, "o.email = ?", (key,), limit)

    async def find_by_tracking(self, tracking_number: str) -> Order | None:
        key = normalise_tracking_number(tracking_number)
        if key is None:
            return None
        parcels = "o.order_id IN (SELECT order_id FROM fulfilments WHERE tracking_key(tracking_number) = ?)"
        found = await asyncio.to_thread(self._select, parcels, (key,), 1)
        return found[0] if found else None

    async def aclose(self) -> None:
        return None

    def _select(self, where: str, params: Sequence[Any], limit: int) -> list[Order]:
        try:
            conn = connect(self.path)
            try:
                conn.row_factory = sqlite3.Row
                rows = conn.execute(
                    f"SELECT * FROM orders o WHERE {where} ORDER BY created_at DESC LIMIT ?", (*params, limit)
                ).fetchall()
                return [self._order(conn, row) for row in rows]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            logger.warning("connectors.demo_shop.failed error=%s", type(exc).__name__)
            raise ConnectorUnavailable(
                f"demo shop {self.path} is unreadable ({exc}); run `wismo shop import` or recreate it",
                connector=self.name,
            ) from exc

    @staticmethod
    def _order(conn: sqlite3.Connection, row: sqlite3.Row) -> Order:
        parcels = conn.execute(
            "SELECT * FROM fulfilments WHERE order_id = ? ORDER BY position", (row["order_id"],)
        ).fetchall()
        return Order.from_dict(
            {
                **dict(row),
                "items": json.loads(row["items"]),
                "fulfilments": [_parcel_dict(p) for p in parcels],
            }
        )


def _parcel_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {k: v for k, v in dict(row).items() if k not in ("order_id", "position")}


def _iso(value: datetime | None) -> str | None:
    # One format for every stored date, so ORDER BY created_at sorts chronologically.
    return value.astimezone(UTC).isoformat() if value else None
