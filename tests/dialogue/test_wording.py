"""Order wording: dates per language, items in short, the delivery date (regressions of the dialogue audit)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dialogue.orders import Fulfilment, LineItem, Order, OrderStatus
from dialogue.wording import delivery_date, format_date, items_in_short, order_variables
from tests.dialogue.helpers import NOW, shipped_order, templates


@pytest.mark.parametrize(
    ("day", "language", "expected"),
    [
        (1, "fr", "1er mars 2025"),
        (2, "fr", "2 mars 2025"),
        (1, "en", "March 1, 2025"),
        (21, "fr", "21 mars 2025"),
    ],
)
def test_format_date_french_first_of_month_is_ordinal(day: int, language: str, expected: str) -> None:
    assert format_date(datetime(2025, 3, day), language) == expected


def _order(*items: LineItem) -> Order:
    return Order("1", "a@b.c", OrderStatus.SHIPPED, items=items)


@pytest.mark.parametrize(
    ("items", "language", "expected"),
    [
        ((LineItem("Mug"),), "en", "Mug"),
        ((LineItem("Mug", 2), LineItem("Tee")), "en", "2 x Mug and Tee"),
        ((LineItem("Bol"), LineItem("Tasse")), "fr", "Bol et Tasse"),
        ((LineItem("Mug"), LineItem("Tee"), LineItem("Cap")), "en", "Mug, Tee (+1)"),
        ((LineItem("Linen shirt, blue, M"), LineItem("Canvas tote bag")), "en", "Linen shirt, blue, M; Canvas tote bag"),
        ((LineItem("Shirt, M"), LineItem("Bag"), LineItem("Cap")), "fr", "Shirt, M; Bag (+1)"),
    ],
)  # fmt: skip
def test_items_in_short_keeps_item_names_apart(
    items: tuple[LineItem, ...], language: str, expected: str
) -> None:
    assert items_in_short(_order(*items), language) == expected


def test_delivery_date_is_last_event_then_estimate_and_only_when_delivered() -> None:
    arrived, eta = NOW - timedelta(days=1), NOW + timedelta(days=1)
    parcel = Fulfilment(last_event_at=arrived, estimated_delivery=eta, status=OrderStatus.DELIVERED)
    delivered = shipped_order(status=OrderStatus.DELIVERED, fulfilments=(parcel,))
    assert delivery_date(delivered, parcel) == arrived
    no_event = Fulfilment(estimated_delivery=eta, status=OrderStatus.DELIVERED)
    assert delivery_date(delivered, no_event) == eta
    moving = Fulfilment(last_event_at=arrived, status=OrderStatus.IN_TRANSIT)
    assert delivery_date(shipped_order(fulfilments=(moving,)), moving) is None


def test_order_variables_give_the_delivered_date() -> None:
    parcel = Fulfilment(carrier="UPS", shipped_at=datetime(2025, 3, 1), last_event_at=datetime(2025, 3, 4),
                        status=OrderStatus.DELIVERED)  # fmt: skip
    order = shipped_order(status=OrderStatus.DELIVERED, fulfilments=(parcel,))
    variables = order_variables(order, "fr", templates(), "s")
    assert (variables["delivered_date"], variables["shipped_date"]) == ("4 mars 2025", "1er mars 2025")
