"""Small pure parsers shared by the connectors and the demo-shop importer.

Every shop platform spells dates, order numbers and e-mail addresses its own way; these turn them into the
normalised values of :mod:`dialogue.orders`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dialogue.orders import Order

_EMAIL = re.compile(r"^[^@\s\"'<>(),;:\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
_ORDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def parse_timestamp(value: Any) -> datetime | None:
    """An aware datetime from ISO 8601, RFC 2822 (BigCommerce) or a Unix timestamp; naive means UTC.

    Raises:
        ValueError: ``value`` is not empty and is none of those forms.

    >>> parse_timestamp("2026-03-01T09:12:00Z").isoformat()
    '2026-03-01T09:12:00+00:00'
    >>> parse_timestamp("Tue, 05 Mar 2019 21:40:11 +0000").isoformat()
    '2019-03-05T21:40:11+00:00'
    >>> parse_timestamp("2026-03-04").isoformat()
    '2026-03-04T00:00:00+00:00'
    >>> parse_timestamp(1700000000).isoformat()
    '2023-11-14T22:13:20+00:00'
    >>> parse_timestamp("") is None
    True
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        parsed = datetime.fromtimestamp(value, UTC)
    elif isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            parsed = datetime.fromtimestamp(int(text), UTC)
        else:
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError:
                try:
                    parsed = parsedate_to_datetime(text)
                except (TypeError, ValueError, IndexError):
                    raise ValueError(f"not a date: {text[:40]!r}") from None
    else:
        raise ValueError(f"not a date: {type(value).__name__}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def normalise_order_id(value: str) -> str | None:
    """The order id as shops store it (no ``#``, no spaces), or ``None`` when it cannot be one.

    Rejecting odd characters keeps customer text out of search queries (Shopify, WooCommerce ``search=``).

    >>> normalise_order_id(" #1001 ")
    '1001'
    >>> normalise_order_id("1001 OR name:*") is None
    True
    """
    text = value.strip().lstrip("#").strip()
    return text if _ORDER_ID.match(text) else None


_TRACKING = re.compile(r"^[A-Z0-9]{8,40}$")


def normalise_tracking_number(value: str) -> str | None:
    """A tracking number upper-cased without spaces or dashes, or ``None`` when it cannot be one.

    >>> normalise_tracking_number(" 1z999aa1 0123456784 ")
    '1Z999AA10123456784'
    >>> normalise_tracking_number("x' OR 1=1 --") is None
    True
    """
    text = re.sub(r"[\s-]", "", value).upper()
    return text if _TRACKING.match(text) else None


def has_parcel(order: Order, tracking_number: str) -> bool:
    """Whether one of ``order``'s parcels has ``tracking_number``, compared as :func:`normalise_tracking_number`
    writes them ("1z999 aa1..." is "1Z999AA1...")."""
    wanted = normalise_tracking_number(tracking_number)
    return wanted is not None and any(
        f.tracking_number and normalise_tracking_number(f.tracking_number) == wanted
        for f in order.fulfilments
    )


def normalise_email(value: str) -> str | None:
    """A lower-cased e-mail address, or ``None`` when ``value`` does not look like one.

    >>> normalise_email(" Jane@Example.COM ")
    'jane@example.com'
    >>> normalise_email("jane@example.com OR email:*") is None
    True
    """
    text = value.strip().lower()
    return text if _EMAIL.match(text) else None


def mask(value: str) -> str:
    """A log-safe form of an e-mail address or order id: first character and length only.

    >>> mask("jane@example.com")
    'j***(16)'
    >>> mask("")
    ''
    """
    return f"{value[0]}***({len(value)})" if value else ""
