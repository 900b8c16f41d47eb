"""The declarative HTTP connector: any shop API described in YAML, no code (a "data connector").

The ``connector:`` section names the endpoints (URL templates with ``{order_id}``, ``{email}``, ``{limit}``),
where the order lies in the response and which JSON path holds each order field. ``docs/connectors.md`` has a
worked example. Paths use jsonpath-ng's extended syntax (filters such as ``$.meta[?key=="carrier"].value``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from jsonpath_ng.exceptions import JSONPathError
from jsonpath_ng.ext import parse as parse_path
from jsonpath_ng.jsonpath import JSONPath

from dialogue.connectors.errors import ConnectorBadResponse, ConnectorConfigError
from dialogue.connectors.fields import has_parcel, parse_timestamp
from dialogue.connectors.http_client import ResilientHttpClient
from dialogue.connectors.remote import RemoteConnector
from dialogue.connectors.settings import check_keys, require
from dialogue.orders import Fulfilment, LineItem, Order, OrderStatus

ENDPOINT_KEYS = frozenset({"method", "url", "query", "headers", "json", "result", "not_found"})
ORDER_FIELDS = ("order_id", "internal_id", "email", "status", "created_at", "postcode")
ITEM_FIELDS = ("name", "quantity")
PARCEL_FIELDS = ("carrier", "tracking_number", "tracking_url", "shipped_at", "estimated_delivery",
                 "last_event_at", "status")  # fmt: skip
_DATES = frozenset({"created_at", "shipped_at", "estimated_delivery", "last_event_at"})


def _compile(text: Any, where: str) -> JSONPath:
    if not isinstance(text, str) or not text.strip():
        raise ConnectorConfigError(f"{where}: expected a JSON path such as $.order.id")
    try:
        return parse_path(text)
    except (JSONPathError, ValueError, TypeError) as exc:  # jsonpath-ng raises several kinds
        raise ConnectorConfigError(f"{where}: invalid JSON path {text!r} ({exc})") from None


def _first(path: JSONPath | None, data: Any) -> Any:
    if path is None:
        return None
    matches = path.find(data)
    return matches[0].value if matches else None


def _all(path: JSONPath, data: Any) -> list[Any]:
    values = [m.value for m in path.find(data)]
    if len(values) == 1 and isinstance(values[0], list):
        return list(values[0])
    return [v for v in values if v is not None]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One request: method, URL template, query, headers, JSON body, where the result lies, not-found rules."""

    method: str
    url: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    json: Any
    result: JSONPath | None
    not_found_statuses: frozenset[int]
    empty_means_not_found: JSONPath | None

    @classmethod
    def from_config(cls, section: Any, where: str) -> Endpoint:
        section = check_keys(section, ENDPOINT_KEYS, where)
        method = str(section.get("method", "GET")).upper()
        if method not in ("GET", "POST"):
            raise ConnectorConfigError(f"{where}.method: expected GET or POST, got {method!r}")
        not_found = check_keys(section.get("not_found") or {}, {"status", "empty"}, f"{where}.not_found")
        statuses = not_found.get("status", [404])
        if not isinstance(statuses, list) or not all(isinstance(s, int) for s in statuses):
            raise ConnectorConfigError(f"{where}.not_found.status: expected a list of HTTP statuses")
        for key in ("query", "headers"):
            if not isinstance(section.get(key) or {}, Mapping):
                raise ConnectorConfigError(f"{where}.{key}: expected a mapping of names to values")
        return cls(
            method=method,
            url=str(require(section, "url", where)),
            query={str(k): str(v) for k, v in (section.get("query") or {}).items()},
            headers={str(k): str(v) for k, v in (section.get("headers") or {}).items()},
            json=section.get("json"),
            result=_compile(section["result"], f"{where}.result") if section.get("result") else None,
            not_found_statuses=frozenset(statuses),
            empty_means_not_found=_compile(not_found["empty"], f"{where}.not_found.empty")
            if not_found.get("empty")
            else None,
        )


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """Compiled JSON paths from a response object to the order fields (items and parcels are nested)."""

    order: Mapping[str, JSONPath]
    items: tuple[JSONPath, Mapping[str, JSONPath]] | None
    parcels: tuple[JSONPath, Mapping[str, JSONPath]] | None

    @classmethod
    def from_config(cls, section: Any, where: str) -> FieldMapping:
        section = check_keys(section, {*ORDER_FIELDS, "items", "fulfilments"}, where)
        for key in ("order_id", "status"):
            require(section, key, where)
        order = {k: _compile(section[k], f"{where}.{k}") for k in ORDER_FIELDS if section.get(k)}
        return cls(order, cls._nested(section, "items", ITEM_FIELDS, where),
                   cls._nested(section, "fulfilments", PARCEL_FIELDS, where))  # fmt: skip

    @staticmethod
    def _nested(section: Mapping[str, Any], key: str, names: tuple[str, ...], where: str) -> Any:
        if not section.get(key):
            return None
        sub = check_keys(section[key], {"path", *names}, f"{where}.{key}")
        path = _compile(require(sub, "path", f"{where}.{key}"), f"{where}.{key}.path")
        return path, {k: _compile(sub[k], f"{where}.{key}.{k}") for k in names if sub.get(k)}


class HttpConnector(RemoteConnector):
    """A connector entirely described by configuration (``type: http``); see ``docs/connectors.md``.

    Args:
        client: Carries the base URL, auth and default headers.
        order: How to fetch one order by id.
        by_email: How to fetch a customer's orders, or ``None`` when the API cannot.
        by_tracking: How to fetch the order of a tracking number, or ``None`` when the API cannot.
        mapping: Where each order field lies in a response object.
        statuses: Platform status value -> status; values already in the vocabulary map to themselves.
        default_status: The status of unmapped values; ``None`` makes them a :class:`ConnectorBadResponse`.
    """

    name = "http"

    def __init__(
        self,
        client: ResilientHttpClient,
        *,
        order: Endpoint,
        by_email: Endpoint | None,
        mapping: FieldMapping,
        by_tracking: Endpoint | None = None,
        statuses: Mapping[str, OrderStatus],
        default_status: OrderStatus | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(client, **kwargs)
        self.name = client.connector
        self.order, self.by_email, self.by_tracking, self.mapping = order, by_email, by_tracking, mapping
        self._statuses = {str(k).lower(): v for k, v in statuses.items()}
        self._default = default_status

    async def _fetch_order(self, order_id: str) -> Order | None:
        found = [
            self._order(raw) for raw in await self._call(self.order, {"order_id": order_id}, "order by id")
        ]
        if len(found) == 1:  # the API was asked for this very order
            return found[0]
        return next((o for o in found if o.order_id == order_id), None)

    async def _fetch_by_email(self, email: str, limit: int) -> list[Order]:
        if self.by_email is None:
            return []
        values = {"email": email, "limit": str(limit)}
        return [self._order(raw) for raw in await self._call(self.by_email, values, "orders by email")]

    @property
    def finds_by_tracking(self) -> bool:
        return self.by_tracking is not None

    async def _fetch_by_tracking(self, tracking_number: str) -> Order | None:
        assert self.by_tracking is not None  # find_by_tracking asks only when finds_by_tracking
        values = {"tracking_number": tracking_number}
        found = [self._order(raw) for raw in await self._call(self.by_tracking, values, "order by tracking")]
        matching = [o for o in found if has_parcel(o, tracking_number)]
        return (
            matching[0] if matching else found[0] if len(found) == 1 else None
        )  # the API was asked for this very parcel

    async def _call(self, endpoint: Endpoint, values: Mapping[str, str], label: str) -> list[Any]:
        url = _fill(endpoint.url, {k: quote(v, safe="") for k, v in values.items()})
        response = await self.client.request(
            endpoint.method,
            url,
            label=label,
            params={k: _fill(v, values) for k, v in endpoint.query.items()} or None,
            json=_fill_json(endpoint.json, values),
            accept=endpoint.not_found_statuses,
        )
        if response.status_code in endpoint.not_found_statuses:
            return []
        body = self.client.decode_json(response, label)
        if body is None:
            return []
        if endpoint.empty_means_not_found is not None and not _all(endpoint.empty_means_not_found, body):
            return []
        found = _all(endpoint.result, body) if endpoint.result is not None else [body]
        return [f for f in found if isinstance(f, dict)]

    def _order(self, raw: Mapping[str, Any]) -> Order:
        values = {k: _first(p, raw) for k, p in self.mapping.order.items()}
        if values.get("order_id") in (None, ""):
            raise ConnectorBadResponse(
                f"{self.name}: no order_id at the mapped JSON path (connector.fields.order_id)",
                connector=self.name,
            )
        for key in _DATES & values.keys():
            values[key] = parse_timestamp(values[key])
        return Order(
            order_id=str(values["order_id"]).lstrip("#"),
            internal_id=None if values.get("internal_id") is None else str(values["internal_id"]),
            email=str(values.get("email") or ""),
            status=self._status(values.get("status")),
            created_at=values.get("created_at"),
            fulfilments=tuple(self._parcel(p) for p in self._nested(self.mapping.parcels, raw)),
            items=tuple(self._item(i) for i in self._nested(self.mapping.items, raw)),
            postcode=None if values.get("postcode") is None else str(values["postcode"]),
        )

    @staticmethod
    def _nested(spec: tuple[JSONPath, Mapping[str, JSONPath]] | None, raw: Any) -> list[Any]:
        return [] if spec is None else [v for v in _all(spec[0], raw) if isinstance(v, dict)]

    def _item(self, raw: Any) -> LineItem:
        assert self.mapping.items is not None
        paths = self.mapping.items[1]
        return LineItem(
            str(_first(paths.get("name"), raw) or "item"), int(_first(paths.get("quantity"), raw) or 1)
        )

    def _parcel(self, raw: Any) -> Fulfilment:
        assert self.mapping.parcels is not None
        v = {k: _first(p, raw) for k, p in self.mapping.parcels[1].items()}
        text = {
            k: None if v.get(k) in (None, "") else str(v[k])
            for k in ("carrier", "tracking_number", "tracking_url")
        }
        return Fulfilment(
            **text,
            shipped_at=parse_timestamp(v.get("shipped_at")),
            estimated_delivery=parse_timestamp(v.get("estimated_delivery")),
            last_event_at=parse_timestamp(v.get("last_event_at")),
            status=self._status(v["status"]) if v.get("status") not in (None, "") else None,
        )

    def _status(self, value: Any) -> OrderStatus:
        key = str(value).strip().lower()
        if key in self._statuses:
            return self._statuses[key]
        if key in OrderStatus._value2member_map_:
            return OrderStatus(key)
        if self._default is not None:
            return self._default
        raise ConnectorBadResponse(
            f"{self.name}: status {key[:40]!r} is not mapped: add it under connector.statuses",
            connector=self.name,
        )


def _fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with ``{order_id}``, ``{email}``, ``{limit}`` or ``{tracking_number}`` filled in (other braces
    stay as they are)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _fill_json(body: Any, values: Mapping[str, str]) -> Any:
    if isinstance(body, str):
        return _fill(body, values)
    if isinstance(body, Mapping):
        return {k: _fill_json(v, values) for k, v in body.items()}
    if isinstance(body, list):
        return [_fill_json(v, values) for v in body]
    return body
