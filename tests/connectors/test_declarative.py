"""The declarative HTTP connector: mapping, auth, not-found rules, secrets from the environment."""

from __future__ import annotations

import copy
import logging

import pytest

from dialogue.connectors import (
    ConnectorAuthError,
    ConnectorBadResponse,
    ConnectorConfigError,
    build_connector,
)
from dialogue.orders import OrderStatus

from .conftest import FAST
from .fake_server import Response, serving

pytestmark = pytest.mark.anyio

API_KEY = "acme-key-9d8c7b6a"
ORDER = {
    "order": {
        "id": "ord_77", "number": "A1001", "state": "dispatched", "placed": "2026-03-01T10:00:00Z",
        "customer": {"email": "jane@example.com"}, "shipping_address": {"zip": "75011"},
        "lines": [{"title": "Linen shirt", "qty": 2}],
        "shipments": [{"carrier": "Colissimo", "tracking": "6A123", "url": "https://www.laposte.fr/x", "state": "moving",
                       "sent": "2026-03-02"}],
    }
}  # fmt: skip


def config(url, **changes):
    base = {
        "type": "http", "name": "acme", "base_url": url, **FAST,
        "auth": {"type": "header", "header": "X-Api-Key", "value": "${ACME_KEY}"},
        "order": {"url": "/orders/{order_id}", "result": "$.order", "not_found": {"status": [404]}},
        "by_email": {"url": "/orders", "query": {"email": "{email}", "limit": "{limit}"}, "result": "$.orders[*]",
                     "not_found": {"empty": "$.orders"}},
        "fields": {
            "order_id": "$.number", "internal_id": "$.id", "email": "$.customer.email", "status": "$.state",
            "created_at": "$.placed", "postcode": "$.shipping_address.zip",
            "items": {"path": "$.lines[*]", "name": "$.title", "quantity": "$.qty"},
            "fulfilments": {"path": "$.shipments[*]", "carrier": "$.carrier", "tracking_number": "$.tracking",
                            "tracking_url": "$.url", "shipped_at": "$.sent", "status": "$.state"},
        },
        "statuses": {"dispatched": "shipped", "moving": "in_transit"},
    }  # fmt: skip
    base.update(changes)
    return base


def api(request):
    if request.headers.get("x-api-key") != API_KEY:
        return Response(401, {"error": "bad key"})
    if request.path == "/orders/A1001":
        return Response(200, ORDER)
    if request.path == "/orders":
        return Response(
            200, {"orders": [ORDER["order"]] if request.query.get("email") == "jane@example.com" else []}
        )
    return Response(404, {"error": "not found"})


def build(url, sleeps, env=None, **changes):
    return build_connector(config(url, **changes), env=env or {"ACME_KEY": API_KEY}, sleep=sleeps)


async def test_http_connector_maps_fields_from_json_paths(sleeps):
    with serving(api) as server:
        order = await build(server.url, sleeps).find_by_order_id("A1001")
    assert (order.order_id, order.internal_id, order.email) == ("A1001", "ord_77", "jane@example.com")
    assert order.status is OrderStatus.SHIPPED and order.postcode == "75011"
    assert order.items[0].name == "Linen shirt" and order.items[0].quantity == 2
    parcel = order.fulfilments[0]
    assert (parcel.carrier, parcel.tracking_number, parcel.status) == (
        "Colissimo",
        "6A123",
        OrderStatus.IN_TRANSIT,
    )


async def test_http_connector_404_is_not_found(sleeps):
    with serving(api) as server:
        assert await build(server.url, sleeps).find_by_order_id("B2") is None


async def test_http_connector_find_by_email_fills_query(sleeps):
    with serving(api) as server:
        orders = await build(server.url, sleeps).find_by_email("jane@example.com", limit=3)
    assert [o.order_id for o in orders] == ["A1001"]
    assert server.requests[0].query == {"email": "jane@example.com", "limit": "3"}


async def test_http_connector_empty_path_is_not_found(sleeps):
    with serving(api) as server:
        assert await build(server.url, sleeps).find_by_email("nobody@example.com") == []


async def test_http_connector_without_email_endpoint_returns_empty(sleeps):
    with serving(api) as server:
        cfg = config(server.url)
        del cfg["by_email"]
        connector = build_connector(cfg, env={"ACME_KEY": API_KEY}, sleep=sleeps)
        assert await connector.find_by_email("jane@example.com") == []
    assert server.requests == []


@pytest.mark.parametrize(
    ("auth", "header", "expected"),
    [
        ({"type": "bearer", "token": "${ACME_KEY}"}, "authorization", f"Bearer {API_KEY}"),
        ({"type": "basic", "username": "wismo", "password": "${ACME_KEY}"}, "authorization", "Basic d2lzbW86YWNtZS1rZXktOWQ4YzdiNmE="),
        ({"type": "header", "header": "X-Api-Key", "value": "${ACME_KEY}"}, "x-api-key", API_KEY),
    ],
)  # fmt: skip
async def test_http_connector_sends_configured_auth(sleeps, auth, header, expected):
    with serving(lambda r: Response(404, {})) as server:
        await build(server.url, sleeps, auth=auth).find_by_order_id("A1001")
    assert server.requests[0].headers[header] == expected


async def test_http_connector_missing_env_var_names_it(sleeps):
    with pytest.raises(
        ConnectorConfigError, match=r"connector\.auth\.value: environment variable ACME_KEY is not set"
    ):
        build("http://127.0.0.1:9", sleeps, env={"OTHER": "x"})


async def test_http_connector_401_names_the_variable_not_its_value(sleeps, caplog):
    caplog.set_level(logging.DEBUG)
    with serving(api) as server:
        connector = build(server.url, sleeps, env={"ACME_KEY": "wrong-key-123456"})
        with pytest.raises(ConnectorAuthError, match=r"^401 from acme: check ACME_KEY$") as info:
            await connector.find_by_order_id("A1001")
    assert "wrong-key-123456" not in str(info.value) + caplog.text + repr(connector)


async def test_http_connector_unmapped_status_is_bad_response(sleeps):
    with serving(api) as server, pytest.raises(ConnectorBadResponse, match="'dispatched' is not mapped"):
        await build(server.url, sleeps, statuses={}).find_by_order_id("A1001")


async def test_http_connector_default_status_covers_unmapped_values(sleeps):
    with serving(api) as server:
        order = await build(server.url, sleeps, statuses={}, default_status="processing").find_by_order_id(
            "A1001"
        )
    assert order.status is OrderStatus.PROCESSING


async def test_http_connector_missing_order_id_field_is_bad_response(sleeps):
    with (
        serving(lambda r: Response(200, {"order": {"state": "dispatched"}})) as server,
        pytest.raises(ConnectorBadResponse, match=r"fields.order_id"),
    ):
        await build(server.url, sleeps).find_by_order_id("A1001")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fields": {"status": "$.state"}}, r"connector\.fields\.order_id: required"),
        ({"fields": {"order_id": "$.[", "status": "$.s"}}, r"connector\.fields\.order_id: invalid JSON path"),
        ({"order": {"url": "/o/{order_id}", "verb": "GET"}}, r"connector\.order\.verb: unknown key"),
        ({"auth": {"type": "oauth"}}, r"connector\.auth\.type: expected bearer, basic or header"),
        ({"statuses": {"sent": "teleported"}}, r"connector\.statuses\.sent: 'teleported' is not one of"),
        ({"timeout": -1}, r"connector\.timeout: expected a non-negative number"),
    ],
)
def test_http_connector_config_errors_name_the_key(sleeps, changes, message):
    with pytest.raises(ConnectorConfigError, match=message):
        build("http://127.0.0.1:9", sleeps, **changes)


async def test_http_connector_docs_worked_example_runs(sleeps):
    import re
    from pathlib import Path

    import yaml

    docs = (Path(__file__).resolve().parents[2] / "docs" / "connectors.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", docs, re.S) if "name: acme" in b)
    with serving(api) as server:
        section = {**yaml.safe_load(block)["connector"], "base_url": server.url, **FAST}
        connector = build_connector(section, env={"ACME_API_KEY": API_KEY}, sleep=sleeps)
        order = await connector.find_by_order_id("A1001")
        await connector.aclose()
    assert order.status is OrderStatus.SHIPPED and order.fulfilments[0].status is OrderStatus.IN_TRANSIT


async def test_http_connector_finds_an_order_by_tracking_number_when_configured(sleeps):
    parcel = "6A12345678901"
    order = copy.deepcopy(ORDER["order"])
    order["shipments"][0]["tracking"] = parcel

    def shipments(request):
        if request.path == "/shipments":
            return Response(200, {"orders": [order] if request.query.get("tracking") == parcel else []})
        return api(request)

    by_tracking = {
        "url": "/shipments",
        "query": {"tracking": "{tracking_number}"},
        "result": "$.orders[*]",
        "not_found": {"empty": "$.orders"},
    }
    with serving(shipments) as server:
        connector = build(server.url, sleeps, by_tracking=by_tracking)
        found = await connector.find_by_tracking("6a1234 5678901")  # as typed: normalised before the call
        missing = await connector.find_by_tracking("6A00000000000")
        plain = build(server.url, sleeps)
        unconfigured = await plain.find_by_tracking(parcel)
        asked = [r.query.get("tracking") for r in server.requests if r.path == "/shipments"]
    assert connector.finds_by_tracking and not plain.finds_by_tracking
    assert found is not None and found.order_id == "A1001"
    assert missing is None and unconfigured is None
    assert asked == [parcel, "6A00000000000"]  # nothing asked without `by_tracking`


def test_shop_apis_without_tracking_search_say_so():
    shopify = build_connector(
        {"type": "shopify", "base_url": "http://127.0.0.1:9"},
        env={"WISMO_SHOPIFY_TOKEN": "t", "WISMO_SHOPIFY_SHOP": "s"},
    )
    assert not shopify.finds_by_tracking
