"""``wismo connector check``: call the configured back end once and show what the bot would see."""

from __future__ import annotations

import json
from dataclasses import dataclass

from dialogue.connectors.base import OrderConnector
from dialogue.orders import Order

PROBE_ORDER_ID = "0"  # an id no shop uses: proves connectivity and credentials without reading real data


def format_order(order: Order) -> str:
    """The normalised order as indented JSON, without the postcode (verification data is never shown)."""
    return json.dumps(order.to_dict(), indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class CheckReport:
    """What a check found: ``ok`` is false when an order asked for by number is not in the back end."""

    text: str
    ok: bool


async def check_connector(connector: OrderConnector, order_id: str | None = None) -> CheckReport:
    """Look one order up (``order_id``, or a probe id) and report what the bot would see.

    Returns:
        The normalised order as JSON; without ``order_id``, a line saying the back end answered; with an
        ``order_id`` the back end does not have, a line saying so and ``ok`` false (a wrong number, or a
        connector that maps the wrong field).

    Raises:
        ConnectorError: The precise failure, e.g. ``401 from Shopify: check WISMO_SHOPIFY_TOKEN``.
    """
    wanted = order_id or PROBE_ORDER_ID
    order = await connector.find_by_order_id(wanted)
    if order is not None:
        return CheckReport(f"{connector.name}: OK, order {order.order_id} found\n{format_order(order)}", True)
    if order_id is None:
        return CheckReport(
            f"{connector.name}: OK, the back end answered (probe order {PROBE_ORDER_ID} not found, as expected)",
            True,
        )
    return CheckReport(f"{connector.name}: the back end answered, but has no order {order_id}", False)
