from __future__ import annotations

import json

import pytest

from dialogue.connectors import DemoShopConnector, OrderImportError, create_demo_shop, import_orders
from dialogue.connectors.order_import import parse_items
from dialogue.orders import LineItem, OrderStatus

from .conftest import NOW

pytestmark = pytest.mark.anyio

HEADER = "order_id,email,status,carrier,tracking_number,tracking_url,shipped_at,estimated_delivery,created_at,items,postcode"
GOOD_CSV = f"""{HEADER}
2001,alice@example.com,in_transit,Colissimo,6A00000000001,https://www.laposte.fr/outils/suivre-vos-envois?code=6A00000000001,2026-03-01T10:00:00Z,2026-03-04,2026-02-28T09:00:00+01:00,Linen shirt x 2; Tote bag,75011
2002,bob@example.com,processing,,,,,,2026-03-02,Desk lamp x 1,SW1A 1AA
2001,alice@example.com,in_transit,UPS,1Z0001,,2026-03-02,,,,
"""


@pytest.fixture
def db(tmp_path):
    return create_demo_shop(tmp_path / "shop.sqlite3", seed=False)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_import_orders_csv_counts_orders_not_rows(tmp_path, db):
    assert import_orders(db, write(tmp_path, "orders.csv", GOOD_CSV)) == 2


async def test_import_orders_csv_repeated_id_adds_parcels(tmp_path, db):
    import_orders(db, write(tmp_path, "orders.csv", GOOD_CSV))
    order = await DemoShopConnector(db).find_by_order_id("2001")
    assert [f.carrier for f in order.fulfilments] == ["Colissimo", "UPS"]
    assert order.items == (LineItem("Linen shirt", 2), LineItem("Tote bag", 1))
    assert order.postcode == "75011"


async def test_import_orders_jsonl(tmp_path, db):
    rows = [
        {"order_id": "3001", "email": "Marie@Exemple.fr", "status": "delivered", "carrier": "Chronopost",
         "tracking_number": "XY1", "items": [{"name": "Vase", "quantity": 1}], "postcode": "69002"},
        {"order_id": "3002", "email": "marie@exemple.fr", "status": "pending", "created_at": "2026-03-01"},
    ]  # fmt: skip
    path = write(tmp_path, "orders.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    assert import_orders(db, path) == 2
    orders = await DemoShopConnector(db).find_by_email("marie@exemple.fr")
    assert {o.order_id: o.status for o in orders} == {
        "3001": OrderStatus.DELIVERED,
        "3002": OrderStatus.PENDING,
    }


async def test_import_orders_reports_every_bad_row_with_file_and_line(tmp_path, db):
    bad = f"""{HEADER}
4001,not-an-email,shipped,,,,,,,,
4002,ok@example.com,lost,,,,,,,,
4003,ok@example.com,shipped,UPS,1Z,,yesterday,,,,
,ok@example.com,shipped,,,,,,,,
"""
    path = write(tmp_path, "bad.csv", bad)
    with pytest.raises(OrderImportError) as info:
        import_orders(db, path)
    errors = info.value.errors
    assert [e.split(": ")[0] for e in errors] == [f"{path}:{n}" for n in (2, 3, 4, 5)]
    assert "email" in errors[0] and "status 'lost'" in errors[1] and "shipped_at" in errors[2]
    assert "missing order_id" in errors[3]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "track.example/1Z9", "https://", "ftp://x.example/1"])
async def test_import_orders_refuses_a_tracking_url_that_is_not_a_web_address(tmp_path, db, url):
    """Regression (connector audit): ``javascript:`` links were imported and then shown to customers."""
    path = write(tmp_path, "url.csv", f"{HEADER}\n4001,ok@example.com,shipped,UPS,1Z9,{url},,,,,\n")
    with pytest.raises(OrderImportError, match=r"url\.csv:2: tracking_url .* is not an http\(s\) address"):
        import_orders(db, path)


async def test_import_orders_bad_row_imports_nothing(tmp_path, db):
    text = GOOD_CSV + "2003,carol@example.com,teleported,,,,,,,,\n"
    with pytest.raises(OrderImportError):
        import_orders(db, write(tmp_path, "mixed.csv", text))
    assert await DemoShopConnector(db).find_by_order_id("2001") is None


async def test_import_orders_unknown_column_is_reported_on_line_one(tmp_path, db):
    path = write(tmp_path, "cols.csv", "order_id,email,status,colour\n1,a@example.com,pending,red\n")
    with pytest.raises(OrderImportError, match=r"cols\.csv:1: unknown column\(s\) colour"):
        import_orders(db, path)


async def test_import_orders_invalid_json_line_is_reported(tmp_path, db):
    path = write(
        tmp_path, "o.jsonl", '{"order_id": "1", "email": "a@example.com", "status": "pending"}\n{oops\n'
    )
    with pytest.raises(OrderImportError, match=r"o\.jsonl:2: not valid JSON"):
        import_orders(db, path)


async def test_import_orders_conflicting_repeat_is_reported(tmp_path, db):
    text = f"{HEADER}\n5001,a@example.com,shipped,,,,,,,,\n5001,b@example.com,shipped,,,,,,,,\n"
    with pytest.raises(OrderImportError, match=r":3: order 5001 repeats with a different email"):
        import_orders(db, write(tmp_path, "dup.csv", text))


async def test_import_orders_replaces_seeded_order(tmp_path):
    db = create_demo_shop(tmp_path / "seeded.sqlite3", now=NOW)
    import_orders(db, write(tmp_path, "o.csv", f"{HEADER}\n1001,new@example.com,cancelled,,,,,,,,\n"))
    order = await DemoShopConnector(db).find_by_order_id("1001")
    assert (order.email, order.status) == ("new@example.com", OrderStatus.CANCELLED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shirt x 2", (LineItem("Shirt", 2),)),
        ("Shirt × 3; Mug", (LineItem("Shirt", 3), LineItem("Mug", 1))),
        ("  ", ()),
        ("Box x4", (LineItem("Box", 4),)),
    ],
)
def test_parse_items_reads_name_and_quantity(text, expected):
    assert parse_items(text) == expected


def test_import_orders_missing_shop_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no demo shop"):
        import_orders(tmp_path / "absent.sqlite3", write(tmp_path, "o.csv", GOOD_CSV))
