"""Build the order connector named by the ``connector:`` configuration section.

One plain registry maps ``type`` to a builder. Each builder validates its keys (an unknown key is an error that
names it), reads secrets from ``WISMO_*`` environment variables and wires the shared HTTP client.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from dialogue.connectors import bigcommerce, shopify, woocommerce
from dialogue.connectors.base import OrderConnector
from dialogue.connectors.declarative import Endpoint, FieldMapping, HttpConnector
from dialogue.connectors.demo_shop import DemoShopConnector, create_demo_shop
from dialogue.connectors.errors import ConnectorConfigError
from dialogue.connectors.http_client import ResilientHttpClient, Sleep
from dialogue.connectors.secrets import Redactor
from dialogue.connectors.settings import (
    RESILIENCE_KEYS,
    check_keys,
    env_value,
    expand_env,
    http_settings,
    require,
)
from dialogue.orders import OrderStatus

DEFAULT_DEMO_PATH = Path(".wismo/demo_shop.sqlite3")
_SHOP_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ENV_NAME = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True, slots=True)
class Runtime:
    """What builders need besides the configuration; tests inject a fast ``sleep`` and a fake ``clock``."""

    env: Mapping[str, str]
    sleep: Sleep = asyncio.sleep
    clock: Callable[[], float] = time.monotonic
    transport: httpx.AsyncBaseTransport | None = None


def build_connector(
    config: Mapping[str, Any],
    *,
    env: Mapping[str, str] = os.environ,
    sleep: Sleep = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
    transport: httpx.AsyncBaseTransport | None = None,
) -> OrderConnector:
    """The connector described by ``config`` (the ``connector:`` section of ``wismo.yml``).

    Raises:
        ConnectorConfigError: A key is unknown or invalid, or a needed environment variable is not set;
            the message names it.
    """
    if not isinstance(config, Mapping):
        raise ConnectorConfigError(f"connector: expected a mapping, got {type(config).__name__}")
    section = config or {"type": "demo"}
    kind = section.get("type", "demo")
    if kind not in BUILDERS:
        raise ConnectorConfigError(f"connector.type: {kind!r} is not one of {', '.join(BUILDERS)}")
    check_keys(section, _KEYS[kind] | {"type"}, "connector")
    return BUILDERS[kind](section, Runtime(env, sleep, clock, transport))


def _statuses(section: Mapping[str, Any], where: str = "connector.statuses") -> dict[str, OrderStatus]:
    raw = section.get("statuses") or {}
    if not isinstance(raw, Mapping):
        raise ConnectorConfigError(f"{where}: expected a mapping of platform values to statuses")
    out = {}
    for key, value in raw.items():
        if str(value) not in OrderStatus._value2member_map_:
            allowed = ", ".join(s.value for s in OrderStatus)
            raise ConnectorConfigError(f"{where}.{key}: {value!r} is not one of {allowed}")
        out[str(key)] = OrderStatus(str(value))
    return out


def _client(section: Mapping[str, Any], rt: Runtime, **kwargs: Any) -> ResilientHttpClient:
    return ResilientHttpClient(
        settings=http_settings(section), sleep=rt.sleep, clock=rt.clock, transport=rt.transport, **kwargs
    )


def _build_demo(section: Mapping[str, Any], rt: Runtime) -> OrderConnector:
    section = expand_env(section, rt.env, "connector")
    path = Path(section.get("path") or DEFAULT_DEMO_PATH)
    seed = section.get("seed_if_missing", True)
    if not isinstance(seed, bool):
        raise ConnectorConfigError("connector.seed_if_missing: expected true or false")
    if not path.exists():
        if not seed:
            raise ConnectorConfigError(f"connector.path: demo shop {path} does not exist")
        create_demo_shop(path)
    return DemoShopConnector(path)


def _build_shopify(section: Mapping[str, Any], rt: Runtime) -> OrderConnector:
    section = expand_env(section, rt.env, "connector")
    token = env_value(rt.env, shopify.TOKEN_ENV, purpose="Shopify Admin API access token")
    base_url = section.get("base_url")
    if not base_url:
        shop = str(section.get("shop") or env_value(rt.env, "WISMO_SHOPIFY_SHOP", purpose="the shop's name"))
        shop = shop.removeprefix("https://").removesuffix("/").removesuffix(".myshopify.com")
        if not _SHOP_NAME.match(shop):
            raise ConnectorConfigError("connector.shop: expected the shop's myshopify name, e.g. my-shop")
        base_url = f"https://{shop}.myshopify.com"
    version = str(section.get("api_version") or shopify.DEFAULT_API_VERSION)
    if not re.fullmatch(r"\d{4}-\d{2}|unstable", version):
        raise ConnectorConfigError(
            f"connector.api_version: expected a version such as 2025-10, got {version!r}"
        )
    client = _client(
        section, rt, connector="shopify", display="Shopify", base_url=str(base_url),
        headers={"X-Shopify-Access-Token": token, "Content-Type": "application/json"},
        redactor=Redactor([token]), auth_hint=f"check {shopify.TOKEN_ENV}",
    )  # fmt: skip
    return shopify.ShopifyConnector(
        client,
        api_version=version,
        order_name_prefix=str(section.get("order_name_prefix", "#")),
        statuses=_statuses(section),
        clock=rt.clock,
    )


def _build_woocommerce(section: Mapping[str, Any], rt: Runtime) -> OrderConnector:
    section = expand_env(section, rt.env, "connector")
    url = str(section.get("url") or env_value(rt.env, woocommerce.URL_ENV, purpose="the store's address"))
    key = env_value(rt.env, woocommerce.KEY_ENV, purpose="WooCommerce consumer key")
    secret = env_value(rt.env, woocommerce.SECRET_ENV, purpose="WooCommerce consumer secret")
    mode = section.get("auth", "basic")
    if mode not in ("basic", "query"):
        raise ConnectorConfigError("connector.auth: expected basic or query")
    order_number = section.get("order_number", "id")
    if order_number not in ("id", "search"):
        raise ConnectorConfigError("connector.order_number: expected id or search")
    tracking = section.get("tracking", True)
    if not isinstance(tracking, bool):
        raise ConnectorConfigError("connector.tracking: expected true or false")
    creds = {"consumer_key": key, "consumer_secret": secret}
    client = _client(
        section, rt, connector="woocommerce", display="WooCommerce", base_url=url.rstrip("/") + "/wp-json",
        auth=httpx.BasicAuth(key, secret) if mode == "basic" else None,
        params=creds if mode == "query" else None, redactor=Redactor([key, secret]),
        auth_hint=f"check {woocommerce.KEY_ENV} and {woocommerce.SECRET_ENV} (read access)",
    )  # fmt: skip
    return woocommerce.WooCommerceConnector(
        client, order_number=order_number, tracking=tracking, statuses=_statuses(section), clock=rt.clock
    )


def _build_bigcommerce(section: Mapping[str, Any], rt: Runtime) -> OrderConnector:
    section = expand_env(section, rt.env, "connector")
    token = env_value(rt.env, bigcommerce.TOKEN_ENV, purpose="BigCommerce API account access token")
    store = str(
        section.get("store_hash") or env_value(rt.env, bigcommerce.STORE_HASH_ENV, purpose="the store hash")
    )
    if not re.fullmatch(r"[A-Za-z0-9]+", store):
        raise ConnectorConfigError("connector.store_hash: expected letters and digits only")
    base = str(section.get("base_url") or "https://api.bigcommerce.com").rstrip("/")
    client = _client(
        section, rt, connector="bigcommerce", display="BigCommerce", base_url=f"{base}/stores/{store}/v2",
        headers={"X-Auth-Token": token}, redactor=Redactor([token]),
        auth_hint=f"check {bigcommerce.TOKEN_ENV} (scope store_v2_orders_read_only)",
    )  # fmt: skip
    return bigcommerce.BigCommerceConnector(client, statuses=_statuses(section), clock=rt.clock)


def _build_http(section: Mapping[str, Any], rt: Runtime) -> OrderConnector:
    redactor = Redactor()
    # The variables an operator should check after a 401: those the credentials come from.
    referenced = sorted(set(_ENV_NAME.findall(repr((section.get("auth"), section.get("headers"))))))
    section = expand_env(section, rt.env, "connector", redactor)
    name = str(section.get("name") or "http")
    headers, auth = _auth(section.get("auth"), redactor)
    default = section.get("default_status")
    if default is not None and default not in OrderStatus._value2member_map_:
        raise ConnectorConfigError(f"connector.default_status: {default!r} is not a status")
    client = _client(
        section, rt, connector=name, display=name, base_url=str(section.get("base_url") or ""),
        headers={**{str(k): str(v) for k, v in (section.get("headers") or {}).items()}, **headers},
        auth=auth, redactor=redactor,
        auth_hint=f"check {', '.join(referenced)}" if referenced else "check connector.auth",
    )  # fmt: skip
    return HttpConnector(
        client,
        order=Endpoint.from_config(require(section, "order", "connector"), "connector.order"),
        by_email=Endpoint.from_config(section["by_email"], "connector.by_email")
        if section.get("by_email")
        else None,
        by_tracking=Endpoint.from_config(section["by_tracking"], "connector.by_tracking")
        if section.get("by_tracking")
        else None,
        mapping=FieldMapping.from_config(require(section, "fields", "connector"), "connector.fields"),
        statuses=_statuses(section),
        default_status=OrderStatus(default) if default else None,
        clock=rt.clock,
    )


def _auth(section: Any, redactor: Redactor) -> tuple[dict[str, str], httpx.Auth | None]:
    """Headers and httpx auth for ``connector.auth`` (bearer, basic or a header key)."""
    if not section:
        return {}, None
    kind = check_keys(section, {"type", "token", "username", "password", "header", "value"}, "connector.auth")
    kind_name = section.get("type")
    if kind_name == "bearer":
        check_keys(section, {"type", "token"}, "connector.auth")
        token = str(require(section, "token", "connector.auth"))
        redactor.add(token)
        return {"Authorization": f"Bearer {token}"}, None
    if kind_name == "basic":
        check_keys(section, {"type", "username", "password"}, "connector.auth")
        user, password = (str(require(kind, k, "connector.auth")) for k in ("username", "password"))
        redactor.add(password)
        return {}, httpx.BasicAuth(user, password)
    if kind_name == "header":
        check_keys(section, {"type", "header", "value"}, "connector.auth")
        value = str(require(section, "value", "connector.auth"))
        redactor.add(value)
        return {str(require(section, "header", "connector.auth")): value}, None
    raise ConnectorConfigError("connector.auth.type: expected bearer, basic or header")


BUILDERS: dict[str, Callable[[Mapping[str, Any], Runtime], OrderConnector]] = {
    "demo": _build_demo,
    "http": _build_http,
    "shopify": _build_shopify,
    "woocommerce": _build_woocommerce,
    "bigcommerce": _build_bigcommerce,
}

_KEYS: dict[str, frozenset[str]] = {
    "demo": frozenset({"path", "seed_if_missing"}),
    "http": RESILIENCE_KEYS | {"name", "base_url", "headers", "auth", "order", "by_email", "by_tracking", "fields", "statuses",
                               "default_status"},
    "shopify": RESILIENCE_KEYS | {"shop", "api_version", "base_url", "order_name_prefix", "statuses"},
    "woocommerce": RESILIENCE_KEYS | {"url", "auth", "order_number", "tracking", "statuses"},
    "bigcommerce": RESILIENCE_KEYS | {"store_hash", "base_url", "statuses"},
}  # fmt: skip
