from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from dialogue.connectors import ConnectorUnavailable, DemoShopConnector, create_demo_shop
from dialogue.orders import OrderStatus

from .conftest import NOW

pytestmark = pytest.mark.anyio


@pytest.fixture
def shop(tmp_path) -> DemoShopConnector:
    return DemoShopConnector(create_demo_shop(tmp_path / "demo.sqlite3", now=NOW))


async def test_demo_shop_seed_covers_every_status(shop):
    statuses = {(await shop.find_by_order_id(str(i))).status for i in range(1001, 1029)}
    assert statuses == set(OrderStatus)


async def test_demo_shop_seed_dates_are_relative_to_now(tmp_path):
    early = DemoShopConnector(create_demo_shop(tmp_path / "a.sqlite3", now=NOW))
    later = DemoShopConnector(create_demo_shop(tmp_path / "b.sqlite3", now=NOW + timedelta(days=3)))
    a, b = await early.find_by_order_id("1001"), await later.find_by_order_id("1001")
    assert b.created_at - a.created_at == timedelta(days=3)


async def test_demo_shop_find_by_email_returns_newest_first(shop):
    orders = await shop.find_by_email("Jane@Example.com")
    assert [o.order_id for o in orders] == ["1003", "1004", "1002", "1001"]


async def test_demo_shop_find_by_email_honours_limit(shop):
    assert len(await shop.find_by_email("jane@example.com", limit=2)) == 2


@pytest.mark.parametrize("typed", ["1004", "#1004", " 1004 "])
async def test_demo_shop_find_by_order_id_normalises_input(shop, typed):
    order = await shop.find_by_order_id(typed)
    assert order is not None and order.order_id == "1004"


async def test_demo_shop_order_with_two_parcels_keeps_both(shop):
    order = await shop.find_by_order_id("1004")
    assert [f.carrier for f in order.fulfilments] == ["UPS", "FedEx"]


async def test_demo_shop_stuck_order_has_old_last_event(shop):
    order = await shop.find_by_order_id("1008")
    assert order.status is OrderStatus.IN_TRANSIT
    assert NOW - order.fulfilments[0].last_event_at >= timedelta(days=10)


async def test_demo_shop_unshipped_order_has_no_parcels(shop):
    assert (await shop.find_by_order_id("1003")).fulfilments == ()


@pytest.mark.parametrize("typed", ["9999", "1001 OR 1=1", ""])
async def test_demo_shop_unknown_order_is_none(shop, typed):
    assert await shop.find_by_order_id(typed) is None


async def test_demo_shop_postcode_is_kept_but_not_in_repr(shop):
    order = await shop.find_by_order_id("1005")
    assert order.postcode == "75011" and "75011" not in repr(order)


async def test_demo_shop_without_seed_is_empty(tmp_path):
    shop = DemoShopConnector(create_demo_shop(tmp_path / "empty.sqlite3", seed=False))
    assert await shop.find_by_email("jane@example.com") == []


async def test_demo_shop_missing_file_is_unavailable_not_empty(tmp_path):
    with pytest.raises(ConnectorUnavailable):
        await DemoShopConnector(tmp_path / "nope.sqlite3").find_by_order_id("1001")
    assert not (tmp_path / "nope.sqlite3").exists()


async def test_demo_shop_recreate_replaces_previous_orders(tmp_path):
    path = tmp_path / "demo.sqlite3"
    create_demo_shop(path, now=NOW)
    create_demo_shop(path, seed=False)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 0


async def test_demo_shop_finds_an_order_by_its_tracking_number(shop):
    assert shop.finds_by_tracking
    order = await shop.find_by_tracking(" 1z999aa1-0123456784 ")  # as a customer may paste it
    assert order is not None and order.order_id == "1001"
    assert await shop.find_by_tracking("ZZ000000000000") is None
    assert await shop.find_by_tracking("1Z' OR 1=1 --") is None  # not a tracking number: no query at all
