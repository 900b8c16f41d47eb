"""build_connector's validation, the demo default, and check_connector's report."""

from __future__ import annotations

import pytest

from dialogue.connectors import (
    ConnectorAuthError,
    ConnectorConfigError,
    DemoShopConnector,
    OrderConnector,
    build_connector,
    check_connector,
    create_demo_shop,
)
from dialogue.connectors.cache import TtlCache
from dialogue.connectors.circuit_breaker import CircuitBreaker, CircuitState
from dialogue.connectors.errors import CircuitOpen

from .conftest import NOW
from .fake_server import Response, serving

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("config", "env", "message"),
    [
        ({"type": "magento"}, {}, r"connector\.type: 'magento' is not one of demo, http"),
        ({"type": "shopify", "shop": "x", "colour": 1}, {}, r"connector\.colour: unknown key"),
        ({"type": "demo", "api_version": "2025-10"}, {}, r"connector\.api_version: unknown key"),
        ({"type": "shopify", "shop": "x"}, {}, r"WISMO_SHOPIFY_TOKEN is not set"),
        ({"type": "shopify"}, {"WISMO_SHOPIFY_TOKEN": "t"}, r"WISMO_SHOPIFY_SHOP is not set"),
        ({"type": "shopify", "shop": "a b"}, {"WISMO_SHOPIFY_TOKEN": "t"}, r"connector\.shop"),
        ({"type": "shopify", "shop": "x", "api_version": "latest"}, {"WISMO_SHOPIFY_TOKEN": "t"}, r"api_version"),
        ({"type": "woocommerce", "url": "https://s"}, {"WISMO_WOOCOMMERCE_KEY": "k"}, r"WISMO_WOOCOMMERCE_SECRET"),
        ({"type": "woocommerce", "url": "https://s", "auth": "oauth"},
         {"WISMO_WOOCOMMERCE_KEY": "k", "WISMO_WOOCOMMERCE_SECRET": "s"}, r"connector\.auth: expected basic or query"),
        ({"type": "bigcommerce"}, {"WISMO_BIGCOMMERCE_TOKEN": "t"}, r"WISMO_BIGCOMMERCE_STORE_HASH"),
        ({"type": "bigcommerce", "store_hash": "x", "retries": 1.5}, {"WISMO_BIGCOMMERCE_TOKEN": "t"}, r"retries"),
    ],
)  # fmt: skip
def test_build_connector_rejects_bad_config_naming_the_key(config, env, message):
    with pytest.raises(ConnectorConfigError, match=message):
        build_connector(config, env=env)


def test_build_connector_secret_value_never_in_config_errors():
    env = {"WISMO_SHOPIFY_TOKEN": "shpat_secret_value", "WISMO_SHOPIFY_SHOP": "not a shop"}
    with pytest.raises(ConnectorConfigError) as info:
        build_connector({"type": "shopify"}, env=env)
    assert "shpat_secret_value" not in str(info.value)


def test_build_connector_shop_from_env_sets_myshopify_url():
    connector = build_connector(
        {"type": "shopify"}, env={"WISMO_SHOPIFY_TOKEN": "tok1", "WISMO_SHOPIFY_SHOP": "my-shop"}
    )
    assert "https://my-shop.myshopify.com" in repr(connector) and "tok1" not in repr(connector)


async def test_build_connector_demo_creates_seeded_shop(tmp_path):
    connector = build_connector({"type": "demo", "path": str(tmp_path / "d" / "shop.sqlite3")})
    assert isinstance(connector, DemoShopConnector) and isinstance(connector, OrderConnector)
    assert await connector.find_by_order_id("1001") is not None


def test_build_connector_demo_without_seed_needs_the_file(tmp_path):
    with pytest.raises(ConnectorConfigError, match="does not exist"):
        build_connector({"type": "demo", "path": str(tmp_path / "x.sqlite3"), "seed_if_missing": False})


async def test_check_connector_prints_the_order_without_postcode(tmp_path):
    connector = DemoShopConnector(create_demo_shop(tmp_path / "s.sqlite3", now=NOW))
    report = (await check_connector(connector, "1005")).text
    assert report.startswith("demo: OK, order 1005 found") and '"carrier": "Colissimo"' in report
    assert "75011" not in report


async def test_check_connector_without_order_probes_the_back_end(tmp_path):
    connector = DemoShopConnector(create_demo_shop(tmp_path / "s.sqlite3", now=NOW))
    report = await check_connector(connector)
    assert report.ok and "the back end answered" in report.text


async def test_check_connector_unknown_order_says_so(tmp_path):
    connector = DemoShopConnector(create_demo_shop(tmp_path / "s.sqlite3", now=NOW))
    report = await check_connector(connector, "42")
    assert not report.ok and report.text == "demo: the back end answered, but has no order 42"


async def test_check_connector_raises_the_precise_error():
    with serving(lambda r: Response(401, {"errors": "[API] Invalid API key or access token"})) as server:
        connector = build_connector(
            {"type": "shopify", "base_url": server.url}, env={"WISMO_SHOPIFY_TOKEN": "tok"}
        )
        with pytest.raises(ConnectorAuthError, match=r"^401 from Shopify: check WISMO_SHOPIFY_TOKEN$"):
            await check_connector(connector)
        await connector.aclose()


def test_circuit_breaker_failed_trial_reopens(fake_clock):
    breaker = CircuitBreaker("s", failure_threshold=1, cooldown=10, clock=fake_clock)
    breaker.record_failure()
    fake_clock.now = 10
    breaker.before_call()
    with pytest.raises(CircuitOpen):
        breaker.before_call()  # only one trial at a time
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN


def test_circuit_breaker_success_resets_the_count(fake_clock):
    breaker = CircuitBreaker("s", failure_threshold=2, cooldown=10, clock=fake_clock)
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED


def test_ttl_cache_evicts_least_recently_used(fake_clock):
    cache: TtlCache[int] = TtlCache(ttl=10, max_entries=2, clock=fake_clock)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    assert [cache.get(k)[0] for k in "abc"] == [True, False, True]


def test_ttl_cache_remembers_not_found_for_its_own_ttl(fake_clock):
    cache: TtlCache[None] = TtlCache(ttl=60, clock=fake_clock)
    cache.put("x", None, ttl=5)
    assert cache.get("x") == (True, None)
    fake_clock.now = 5
    assert cache.get("x") == (False, None)
