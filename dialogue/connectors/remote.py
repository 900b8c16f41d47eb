"""What every HTTP connector shares: input normalisation, the TTL cache, and turning bad payloads into errors.

Subclasses implement two fetches against their platform; this class gives them the
:class:`~dialogue.connectors.base.OrderConnector` interface.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from dialogue.connectors.cache import TtlCache
from dialogue.connectors.errors import ConnectorBadResponse, ConnectorError
from dialogue.connectors.fields import mask, normalise_email, normalise_order_id, normalise_tracking_number
from dialogue.connectors.http_client import ResilientHttpClient
from dialogue.orders import Order

logger = logging.getLogger(__name__)

T = TypeVar("T")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class RemoteConnector(ABC):
    """Base of the HTTP connectors. Never raises anything but :class:`ConnectorError`."""

    name = "remote"

    @property
    def finds_by_tracking(self) -> bool:
        """Whether this API can search by tracking number (see ``OrderConnector.finds_by_tracking``)."""
        return False

    def __init__(self, client: ResilientHttpClient, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        settings = client.settings
        self._negative_ttl = settings.cache_negative_ttl
        self._cache: TtlCache[Any] = TtlCache(
            ttl=settings.cache_ttl, max_entries=settings.cache_size, clock=clock
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client={self.client!r})"

    @abstractmethod
    async def _fetch_order(self, order_id: str) -> Order | None:
        """The order numbered ``order_id`` (already normalised), or ``None``."""

    @abstractmethod
    async def _fetch_by_email(self, email: str, limit: int) -> list[Order]:
        """Up to ``limit`` orders of ``email`` (lower-cased), in any order."""

    async def find_by_order_id(self, order_id: str) -> Order | None:
        key = normalise_order_id(order_id)
        return None if key is None else await self._find_one("order_id", key, self._fetch_order)

    async def _fetch_by_tracking(self, tracking_number: str) -> Order | None:
        """The order with a parcel of this tracking number (upper-cased, no spaces), or ``None``."""
        return None

    async def find_by_tracking(self, tracking_number: str) -> Order | None:
        key = normalise_tracking_number(tracking_number)
        if key is None or not self.finds_by_tracking:
            return None
        return await self._find_one("tracking", key, self._fetch_by_tracking)

    async def _find_one(
        self, kind: str, key: str, fetch: Callable[[str], Awaitable[Order | None]]
    ) -> Order | None:
        """One order by ``kind`` (``order_id``, ``tracking``) through the cache; "not found" is cached briefly."""
        hit, cached = self._cache.get((kind, key))
        if hit:
            return cast(Order | None, cached)
        order = await self._guard(fetch(key))
        self._cache.put((kind, key), order, None if order else self._negative_ttl)
        logger.debug("connectors.lookup connector=%s %s=%s found=%s", self.name, kind, mask(key), bool(order))
        return order

    async def find_by_email(self, email: str, limit: int = 5) -> list[Order]:
        key = normalise_email(email)
        if key is None or limit < 1:
            return []
        hit, cached = self._cache.get(("email", key, limit))
        if hit:
            return list(cast(tuple[Order, ...], cached))
        orders = await self._guard(self._fetch_by_email(key, limit))
        orders = sorted(orders, key=lambda o: o.created_at or _EPOCH, reverse=True)[:limit]
        self._cache.put(("email", key, limit), tuple(orders), None if orders else self._negative_ttl)
        logger.debug("connectors.lookup connector=%s email=%s found=%d", self.name, mask(key), len(orders))
        return orders

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _guard(self, call: Awaitable[T]) -> T:
        """Await ``call``, turning a payload we cannot map into :class:`ConnectorBadResponse`."""
        try:
            return await call
        except ConnectorError:
            raise
        except KeyError as exc:
            raise self._bad(f"missing field {exc}") from None
        except (TypeError, ValueError, AttributeError, IndexError) as exc:
            raise self._bad(str(exc)) from None

    def _bad(self, detail: str) -> ConnectorBadResponse:
        message = self.client.redactor.redact(f"unexpected response from {self.client.display}: {detail}")
        return ConnectorBadResponse(message, connector=self.name)
