"""Order details as template variables: plain-word statuses, dates per language, items in short.

>>> format_date(datetime(2025, 3, 12), "fr"), format_date(datetime(2025, 3, 1), "fr")
('12 mars 2025', '1er mars 2025')
>>> format_date(datetime(2025, 3, 12), "en")
'March 12, 2025'
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from dialogue.orders import Fulfilment, Order, OrderStatus
from dialogue.templates import Templates

_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
}


def format_date(value: datetime | None, language: str) -> str | None:
    """A date in words for ``language`` (English otherwise), or ``None``."""
    if value is None:
        return None
    if language == "fr":
        # French writes the first of the month as an ordinal
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {_MONTHS['fr'][value.month - 1]} {value.year}"
    return f"{_MONTHS['en'][value.month - 1]} {value.day}, {value.year}"


_AND = {"en": " and ", "fr": " et "}


def items_in_short(order: Order, language: str = "en", limit: int = 2) -> str:
    """The first items of an order: ``2 x Mug and Tee``, ``Mug, Tee (+1)``.

    Names that hold a comma themselves ("Linen shirt, blue, M") are kept apart with "; ".

    >>> from dialogue.orders import LineItem, OrderStatus
    >>> items_in_short(Order("1", "a@b.c", OrderStatus.SHIPPED, items=(LineItem("Mug", 2), LineItem("Tee"))), "fr")
    '2 x Mug et Tee'
    >>> items_in_short(Order("1", "a@b.c", OrderStatus.SHIPPED, items=(LineItem("Shirt, blue, M"), LineItem("Bag"))))
    'Shirt, blue, M; Bag'
    """
    parts = [f"{i.quantity} x {i.name}" if i.quantity > 1 else i.name for i in order.items[:limit]]
    extra = len(order.items) - limit
    if any("," in part for part in parts):
        text = "; ".join(parts)
    elif extra > 0 or len(parts) < 2:
        text = ", ".join(parts)  # an incomplete list: "and" would say these are all
    else:
        text = ", ".join(parts[:-1]) + _AND.get(language, _AND["en"]) + parts[-1]
    return text + (f" (+{extra})" if extra > 0 else "")


def delivery_date(order: Order, parcel: Fulfilment | None) -> datetime | None:
    """When a delivered parcel arrived: its last tracking event, else its estimated delivery."""
    if parcel is None:
        return None
    delivered = OrderStatus.DELIVERED in (order.status, parcel.status)
    return (parcel.last_event_at or parcel.estimated_delivery) if delivered else None


def main_fulfilment(order: Order) -> Fulfilment | None:
    """The parcel to talk about: the latest one with tracking, else the latest one."""
    tracked = [f for f in order.fulfilments if f.tracking_number]
    pool = tracked or list(order.fulfilments)
    return pool[-1] if pool else None


def order_variables(order: Order, language: str, templates: Templates, seed: str) -> dict[str, Any]:
    """Every variable of the ``order_found_*`` and ``order_stuck`` templates for one order."""
    unknown = templates.render("part_unknown", language, {}, seed)
    parcel = main_fulfilment(order)
    carrier = parcel.carrier if parcel and parcel.carrier else unknown
    if parcel and parcel.tracking_number:
        tracking = templates.render(
            "part_tracking",
            language,
            {
                "carrier": carrier,
                "tracking_number": parcel.tracking_number,
                "tracking_url": parcel.tracking_url or "",
            },
            seed,
        ).rstrip(": ")
    else:
        tracking = templates.render("part_no_tracking", language, {}, seed)
    eta = format_date(parcel.estimated_delivery if parcel else None, language)
    last = (parcel.last_event_at or parcel.shipped_at) if parcel else None
    return {
        "order_id": order.order_id,
        "status_text": templates.render(f"part_status_{order.status.value}", language, {}, seed),
        "carrier": carrier,
        "tracking": tracking,
        "tracking_number": parcel.tracking_number if parcel and parcel.tracking_number else unknown,
        "tracking_url": parcel.tracking_url if parcel and parcel.tracking_url else "",
        "shipped_date": format_date(parcel.shipped_at if parcel else None, language) or unknown,
        "eta": eta or templates.render("part_eta_unknown", language, {}, seed),
        "items": items_in_short(order, language) or unknown,
        "delivered_date": format_date(delivery_date(order, parcel), language) or unknown,
        "order_date": format_date(order.created_at, language) or unknown,
        "last_update": format_date(last, language) or unknown,
    }


def order_lines(orders: Sequence[Order], language: str, templates: Templates, seed: str) -> str:
    """One numbered line per order (number, date, first item) for the ``choose_order`` question."""
    unknown = templates.render("part_unknown", language, {}, seed)
    lines = [
        templates.render(
            "part_order_line",
            language,
            {
                "index": i,
                "order_id": o.order_id,
                "order_date": format_date(o.created_at, language) or unknown,
                "first_item": o.items[0].name if o.items else unknown,
            },
            seed,
        )
        for i, o in enumerate(orders, start=1)
    ]
    return "\n".join(lines)
