"""``server.console``: the demo-orders listing behind the console's orders panel (no browser)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from dialogue.connectors.base import InMemoryConnector
from dialogue.connectors.demo_shop import DemoShopConnector, create_demo_shop
from dialogue.connectors.order_import import import_orders
from server.console import DemoOrderRow, console_blueprint, demo_shop_path, read_demo_orders, shown_orders
from tests.server.console.conftest import API_TOKEN, start_console_server
from tests.server.live import LiveServer

ORDERS_PATH = "/api/v1/demo/orders"


def test_read_demo_orders_lists_every_seeded_order_in_number_order(tmp_path: Path) -> None:
    orders = read_demo_orders(create_demo_shop(tmp_path / "shop.sqlite3"))

    ids = [o.order_id for o in orders]
    assert ids == sorted(ids, key=int)
    assert DemoOrderRow("1004", "jane@example.com", "shipped", ("UPS", "FedEx")) in orders
    assert DemoOrderRow("1003", "jane@example.com", "processing", ()) in orders


def test_read_demo_orders_of_an_empty_shop_is_empty(tmp_path: Path) -> None:
    assert read_demo_orders(create_demo_shop(tmp_path / "shop.sqlite3", seed=False)) == []


def test_read_demo_orders_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(sqlite3.Error):
        read_demo_orders(tmp_path / "absent.sqlite3")


@pytest.mark.parametrize(
    ("connector", "expected"),
    [
        (DemoShopConnector("shop.sqlite3"), Path("shop.sqlite3")),
        (InMemoryConnector(), None),
        (None, None),
    ],
)
def test_demo_shop_path_only_for_the_embedded_demo_shop(connector: Any, expected: Path | None) -> None:
    assert demo_shop_path(connector) == expected


def test_imported_orders_show_masked_emails_without_a_token(tmp_path: Path) -> None:
    """Regression (server audit): after ``--orders real.csv`` the open panel listed real customers' emails."""
    orders = [*read_demo_orders(create_demo_shop(tmp_path / "shop.sqlite3")),
              DemoOrderRow("5001", "real.customer@gmail.com", "shipped")]  # fmt: skip

    open_panel = {o.order_id: o.email for o in shown_orders(orders, token_set=False)}
    behind_token = {o.order_id: o.email for o in shown_orders(orders, token_set=True)}

    assert open_panel["5001"] == "r***@g***.com" and open_panel["1005"] == "marie.dupont@exemple.fr"
    assert behind_token["5001"] == "real.customer@gmail.com"


@pytest.mark.parametrize(
    ("token", "shown"), [(None, "r***@g***.com"), (API_TOKEN, "real.customer@gmail.com")]
)
def test_demo_orders_endpoint_masks_imported_emails_unless_behind_the_token(
    default_model_dir: Path, tmp_path: Path, token: str | None, shown: str
) -> None:
    live = start_console_server(default_model_dir, tmp_path, api_token=token)
    try:
        orders = tmp_path / "orders.csv"
        orders.write_text("order_id,email,status\n5001,real.customer@gmail.com,shipped\n")
        import_orders(tmp_path / "demo_shop.sqlite3", orders)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        listed = httpx.get(live.url + ORDERS_PATH, headers=headers).json()["orders"]
    finally:
        live.stop()
    assert {o["order_id"]: o["email"] for o in listed}["5001"] == shown


def test_console_blueprint_is_fresh_per_call() -> None:
    assert console_blueprint() is not console_blueprint()


def test_demo_orders_endpoint_lists_orders(console_server: LiveServer) -> None:
    response = httpx.get(console_server.url + ORDERS_PATH)

    assert response.status_code == 200
    body = response.json()
    assert body["connector"] == "demo"
    assert {"order_id": "1005", "email": "marie.dupont@exemple.fr", "status": "delivered",
            "carriers": ["Colissimo"]} in body["orders"]  # fmt: skip


def test_demo_orders_endpoint_is_404_for_another_connector(
    console_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console_server.app.ctx, "connector", InMemoryConnector())

    response = httpx.get(console_server.url + ORDERS_PATH)

    assert response.status_code == 404
    assert response.json()["field"] == "connector"


@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({"Authorization": f"Bearer {API_TOKEN}"}, 200)])
def test_demo_orders_endpoint_needs_the_token_when_set(
    secured_server: LiveServer, headers: dict[str, str], status: int
) -> None:
    assert httpx.get(secured_server.url + ORDERS_PATH, headers=headers).status_code == status


def test_console_page_and_static_files_are_served(console_server: LiveServer) -> None:
    page = httpx.get(console_server.url + "/")
    assert page.status_code == 200
    assert '<script src="/static/app.js"' in page.text
    for name in ("app.js", "widget.js", "style.css", "widget-demo.html"):
        assert httpx.get(f"{console_server.url}/static/{name}").status_code == 200, name
