"""The protocol every order connector implements and an in-memory fake for tests.

:class:`ConnectorError` lives in :mod:`dialogue.connectors.errors` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from dialogue.connectors.errors import ConnectorError
from dialogue.connectors.fields import has_parcel
from dialogue.orders import Order

__all__ = ["ConnectorError", "InMemoryConnector", "OrderConnector"]


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

    @property
    def finds_by_tracking(self) -> bool:
        """Whether :meth:`find_by_tracking` can find anything: most shop APIs have no search by tracking number
        (the demo shop and an ``http`` connector with ``by_tracking`` do; Shopify, WooCommerce, BigCommerce
        do not), and the dialogue then asks for the order number instead."""
        ...

    async def find_by_tracking(self, tracking_number: str) -> Order | None:
        """The order one of whose parcels has ``tracking_number``, or ``None`` (always, where unsupported)."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


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
        return next((o for o in self._orders.values() if has_parcel(o, tracking_number)), None)

    async def aclose(self) -> None:
        return None
