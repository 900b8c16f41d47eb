"""Load orders into the demo shop from CSV or JSON Lines (``wismo shop import FILE``).

Columns: ``order_id,email,status,carrier,tracking_number,tracking_url,shipped_at,estimated_delivery,created_at,
items,postcode`` (optional extras: ``internal_id``, ``last_event_at``, ``fulfilment_status``). ``items`` reads
``name x qty; name x qty``. Several rows with one ``order_id`` give that order several parcels. Every bad row is
reported as ``file:line: message`` and nothing is imported unless every row is good.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dialogue.connectors.demo_shop import connect, save_orders
from dialogue.connectors.fields import normalise_email, normalise_order_id, parse_timestamp
from dialogue.orders import Fulfilment, LineItem, Order, OrderStatus

logger = logging.getLogger(__name__)

REQUIRED = ("order_id", "email", "status")
COLUMNS = (
    *REQUIRED,
    "carrier", "tracking_number", "tracking_url", "shipped_at", "estimated_delivery", "created_at", "items",
    "postcode", "internal_id", "last_event_at", "fulfilment_status",
)  # fmt: skip
_ORDER_LEVEL = ("email", "status", "created_at", "items", "postcode", "internal_id")
_LINE = re.compile(r":(\d+): ")
_ITEM = re.compile(r"^(?P<name>.+?)\s+[x×]\s*(?P<qty>\d+)$", re.IGNORECASE)


class OrderImportError(ValueError):
    """The file has bad rows; ``errors`` lists each as ``file:line: message``. Nothing was imported."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} bad row(s), nothing imported:\n" + "\n".join(errors))


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    values: dict[str, str]


def parse_items(text: str) -> tuple[LineItem, ...]:
    """Line items from ``name x qty; name x qty`` (a name alone means one).

    >>> parse_items("Linen shirt x 2; Tote bag")
    (LineItem(name='Linen shirt', quantity=2), LineItem(name='Tote bag', quantity=1))
    """
    items = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        match = _ITEM.match(part)
        name, qty = (match["name"].strip(), int(match["qty"])) if match else (part, 1)
        if qty < 1:
            raise ValueError(f"item {name!r}: quantity must be at least 1")
        items.append(LineItem(name, qty))
    return tuple(items)


def import_orders(path_to_db: str | Path, file: str | Path) -> int:
    """Import every order in ``file`` into the demo shop at ``path_to_db``, in one transaction.

    Orders whose id is already in the shop are replaced.

    Returns:
        The number of orders imported.

    Raises:
        OrderImportError: Some rows are bad (all are listed); the shop is unchanged.
        FileNotFoundError: ``file`` or the shop does not exist.
    """
    source, shop = Path(file), Path(path_to_db)
    if not shop.exists():
        raise FileNotFoundError(f"no demo shop at {shop}; create it first (create_demo_shop)")
    orders = read_orders(source)
    conn = connect(shop)
    try:
        with conn:  # one transaction: all or nothing
            count = save_orders(conn, orders)
    finally:
        conn.close()
    logger.info("connectors.import.done orders=%d", count)
    return count


def read_orders(source: Path) -> list[Order]:
    """Parse and validate every row of ``source`` into orders, or raise :class:`OrderImportError`."""
    errors: list[str] = []
    grouped: dict[str, list[_Row]] = {}
    for row in _rows(source, errors):
        problems = [f"missing {c}" for c in REQUIRED if not row.values.get(c)]
        if problems:
            errors.append(f"{source}:{row.line}: {', '.join(problems)}")
            continue
        order_id = normalise_order_id(row.values["order_id"])
        if order_id is None:
            errors.append(f"{source}:{row.line}: order_id {row.values['order_id'][:40]!r} is not a valid id")
            continue
        grouped.setdefault(order_id, []).append(row)
    orders = []
    for order_id, rows in grouped.items():
        try:
            orders.append(_order(order_id, rows, source))
        except ValueError as exc:
            errors.append(str(exc))
    if errors:
        raise OrderImportError(sorted(errors, key=_line_number))
    return orders


def _line_number(error: str) -> int:
    match = _LINE.search(error)
    return int(match[1]) if match else 0


def _rows(source: Path, errors: list[str]) -> Iterator[_Row]:
    text = source.read_text(encoding="utf-8-sig")
    if source.suffix.lower() in (".jsonl", ".ndjson", ".json") or text.lstrip().startswith("{"):
        yield from _json_lines(source, text, errors)
        return
    reader = csv.DictReader(text.splitlines(keepends=True))
    unknown = [c for c in reader.fieldnames or () if c.strip() not in COLUMNS]
    if unknown:
        errors.append(f"{source}:1: unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS)}")
        return
    for values in reader:
        if None in values:
            errors.append(f"{source}:{reader.line_num}: more fields than columns")
            continue
        yield _Row(reader.line_num, {k.strip(): (v or "").strip() for k, v in values.items()})


def _json_lines(source: Path, text: str, errors: list[str]) -> Iterator[_Row]:
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{source}:{line_no}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(data, dict):
            errors.append(f"{source}:{line_no}: expected a JSON object")
            continue
        unknown = [k for k in data if k not in COLUMNS]
        if unknown:
            errors.append(f"{source}:{line_no}: unknown key(s) {', '.join(unknown)}")
            continue
        yield _Row(line_no, {k: _text(k, v) for k, v in data.items()})


def _text(key: str, value: Any) -> str:
    if key == "items" and isinstance(value, list):
        return "; ".join(
            f"{i['name']} x {i.get('quantity', 1)}" if isinstance(i, dict) else str(i) for i in value
        )
    return "" if value is None else str(value).strip()


def _order(order_id: str, rows: list[_Row], source: Path) -> Order:
    first = rows[0]
    for row in rows[1:]:
        clash = [k for k in _ORDER_LEVEL if row.values.get(k) and row.values[k] != first.values.get(k)]
        if clash:
            raise ValueError(
                f"{source}:{row.line}: order {order_id} repeats with a different {', '.join(clash)} "
                f"than line {first.line}"
            )
    parcels = []
    for row in rows:
        try:
            parcel = _parcel(row.values)
        except ValueError as exc:
            raise ValueError(f"{source}:{row.line}: {exc}") from None
        if parcel is not None:
            parcels.append(parcel)
    v = first.values
    try:
        email = normalise_email(v["email"])
        if email is None:
            raise ValueError(f"email {v['email'][:60]!r} is not an e-mail address")
        return Order(
            order_id=order_id,
            internal_id=v.get("internal_id") or None,
            email=email,
            status=_status(v["status"], "status"),
            created_at=_date(v, "created_at"),
            fulfilments=tuple(parcels),
            items=parse_items(v.get("items", "")),
            postcode=v.get("postcode") or None,
        )
    except ValueError as exc:
        raise ValueError(f"{source}:{first.line}: {exc}") from None


def _parcel(values: dict[str, str]) -> Fulfilment | None:
    keys = ("carrier", "tracking_number", "tracking_url", "shipped_at", "estimated_delivery", "last_event_at")
    if not any(values.get(k) for k in keys):
        return None
    raw_status = values.get("fulfilment_status")
    return Fulfilment(
        carrier=values.get("carrier") or None,
        tracking_number=values.get("tracking_number") or None,
        tracking_url=_web_address(values.get("tracking_url") or None),
        shipped_at=_date(values, "shipped_at"),
        estimated_delivery=_date(values, "estimated_delivery"),
        last_event_at=_date(values, "last_event_at"),
        status=_status(raw_status, "fulfilment_status") if raw_status else None,
    )


def _web_address(value: str | None) -> str | None:
    """A tracking link customers will click: only ``http(s)://`` addresses (never ``javascript:``).

    >>> _web_address("https://track.example/1Z9"), _web_address(None)
    ('https://track.example/1Z9', None)
    """
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or any(c.isspace() for c in value.strip())
    ):
        raise ValueError(f"tracking_url {value[:60]!r} is not an http(s) address")
    return value.strip()


def _status(value: str, key: str) -> OrderStatus:
    try:
        return OrderStatus(value.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(s.value for s in OrderStatus)
        raise ValueError(f"{key} {value[:30]!r} is not one of {allowed}") from None


def _date(values: dict[str, str], key: str) -> Any:
    try:
        return parse_timestamp(values.get(key))
    except ValueError as exc:
        raise ValueError(f"{key}: {exc}") from None
