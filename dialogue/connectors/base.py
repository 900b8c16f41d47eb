"""The protocol every order connector implements and an in-memory fake for tests.

:class:`ConnectorError` lives in :mod:`dialogue.connectors.errors` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from dialogue.connectors.errors import ConnectorError
from dialogue.connectors.fields import normalise_tracking_number
from dialogue.orders import Fulfilment, Order

__all__ = ["ConnectorError", "InMemoryConnector", "OrderConnector", "finds_by_tracking"]


@runtime_checkable
class OrderConnector(Protocol):
    """Finds orders in a shop back end. Implementations never raise anything but :class:`ConnectorError`."""

    name: str

    async def find_by_order_id(self, order_id: str) -> Order | None:
        """The order the customer calls ``order_id`` (as normalised by the NLU), or ``None``."""
        ...

    async def find_by_email(self, email: str, limit: int = 5) -> list[Order]:
        """The customer's most recent orders, newest first; empty when there are none."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


def finds_by_tracking(connector: object) -> bool:
    """Whether ``connector`` can look an order up by tracking number.

    That is an optional capability: a connector that has it sets ``finds_by_tracking = True`` and implements
    ``async find_by_tracking(tracking_number) -> Order | None``. The demo shop has it; Shopify, WooCommerce and
    BigCommerce offer no search by tracking number.
    """
    return bool(getattr(connector, "finds_by_tracking", False)) and callable(
        getattr(connector, "find_by_tracking", None)
    )


class InMemoryConnector:
    """A connector over a fixed list of orders, for tests and examples."""

    name = "memory"
    finds_by_tracking = True

    def __init__(self, orders: Iterable[Order] = (), *, fail_with: ConnectorError | None = None) -> None:
        self._orders = {o.order_id: o for o in orders}
        self.fail_with = fail_with
        self.calls: list[tuple[str, str]] = []

    async def find_by_order_id(self, order_id: str) -> Order | None:
        self.calls.append(("order_id", order_id))
        if self.fail_with:
            raise self.fail_with
        return self._orders.get(order_id.lstrip("#").strip())

    async def find_by_email(self, email: str, limit: int = 5) -> list[Order]:
        self.calls.append(("email", email))
        if self.fail_with:
            raise self.fail_with
        found = [o for o in self._orders.values() if o.email.lower() == email.lower()]
        found.sort(key=lambda o: o.created_at.timestamp() if o.created_at else 0.0, reverse=True)
        return found[:limit]

    async def find_by_tracking(self, tracking_number: str) -> Order | None:
        self.calls.append(("tracking_number", tracking_number))
        if self.fail_with:
            raise self.fail_with
        key = normalise_tracking_number(tracking_number)
        return next(
            (o for o in self._orders.values() if key and any(_tracking_key(f) == key for f in o.fulfilments)),
            None,
        )

    async def aclose(self) -> None:
        return None


def _tracking_key(parcel: Fulfilment) -> str | None:
    return normalise_tracking_number(parcel.tracking_number) if parcel.tracking_number else None
