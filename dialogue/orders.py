"""The one normalised order model every connector maps into.

Statuses use one vocabulary whatever the shop platform; each connector documents its own mapping
(see ``docs/connectors.md``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class OrderStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_dt(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


@dataclass(frozen=True, slots=True)
class LineItem:
    name: str
    quantity: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "quantity": self.quantity}


@dataclass(frozen=True, slots=True)
class Fulfilment:
    """One parcel: who carries it and where it is."""

    carrier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    shipped_at: datetime | None = None
    estimated_delivery: datetime | None = None
    last_event_at: datetime | None = None
    status: OrderStatus | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier,
            "tracking_number": self.tracking_number,
            "tracking_url": self.tracking_url,
            "shipped_at": _iso(self.shipped_at),
            "estimated_delivery": _iso(self.estimated_delivery),
            "last_event_at": _iso(self.last_event_at),
            "status": self.status.value if self.status else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fulfilment:
        return cls(
            carrier=data.get("carrier"),
            tracking_number=data.get("tracking_number"),
            tracking_url=data.get("tracking_url"),
            shipped_at=_parse_dt(data.get("shipped_at")),
            estimated_delivery=_parse_dt(data.get("estimated_delivery")),
            last_event_at=_parse_dt(data.get("last_event_at")),
            status=OrderStatus(data["status"]) if data.get("status") else None,
        )


@dataclass(frozen=True, slots=True)
class Order:
    """An order as the customer knows it.

    ``postcode`` is used for verification only and is never shown to anyone.
    """

    order_id: str
    email: str
    status: OrderStatus
    internal_id: str | None = None
    created_at: datetime | None = None
    fulfilments: tuple[Fulfilment, ...] = ()
    items: tuple[LineItem, ...] = ()
    postcode: str | None = field(default=None, repr=False)

    def to_dict(self, *, include_private: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "order_id": self.order_id,
            "internal_id": self.internal_id,
            "email": self.email,
            "status": self.status.value,
            "created_at": _iso(self.created_at),
            "fulfilments": [f.to_dict() for f in self.fulfilments],
            "items": [i.to_dict() for i in self.items],
        }
        if include_private:
            data["postcode"] = self.postcode
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Order:
        return cls(
            order_id=str(data["order_id"]),
            email=str(data.get("email", "")),
            status=OrderStatus(data["status"]),
            internal_id=data.get("internal_id"),
            created_at=_parse_dt(data.get("created_at")),
            fulfilments=tuple(Fulfilment.from_dict(f) for f in data.get("fulfilments", [])),
            items=tuple(LineItem(str(i["name"]), int(i.get("quantity", 1))) for i in data.get("items", [])),
            postcode=data.get("postcode"),
        )


# How far a parcel has got; an order with several parcels is only as far as its slowest one.
_PROGRESS = (
    OrderStatus.SHIPPED,
    OrderStatus.IN_TRANSIT,
    OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.DELIVERED,
)


def aggregate_status(parcels: Iterable[OrderStatus | None]) -> OrderStatus | None:
    """The order-level status implied by its parcels' statuses, or ``None`` when there are none.

    Any parcel in ``exception`` makes the order an exception (a human should look); otherwise the order is as
    far as its least advanced parcel. Unknown parcel statuses count as ``shipped``.

    >>> aggregate_status([OrderStatus.DELIVERED, OrderStatus.IN_TRANSIT]).value
    'in_transit'
    >>> aggregate_status([OrderStatus.DELIVERED, OrderStatus.EXCEPTION]).value
    'exception'
    >>> aggregate_status([None]).value
    'shipped'
    >>> aggregate_status([]) is None
    True
    """
    statuses = [p if p in _PROGRESS or p is OrderStatus.EXCEPTION else OrderStatus.SHIPPED for p in parcels]
    if not statuses:
        return None
    if OrderStatus.EXCEPTION in statuses:
        return OrderStatus.EXCEPTION
    return min(statuses, key=_PROGRESS.index)
