"""Keeping secrets and customer data out of logs and error messages.

A :class:`Redactor` knows a connector's secret values and blanks them out of any text; every HTTP connector
passes its log lines and error messages through one. httpx logs each request URL at INFO (query strings can
hold WooCommerce keys, e-mail addresses and order ids), so :func:`install_httpx_log_filter` trims those URLs
to their origin.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import httpx

_MIN_SECRET_LENGTH = 4  # shorter values would blank out ordinary words


class Redactor:
    """Replaces known secret values with ``***``.

    >>> Redactor(["s3cr3t-token"]).redact("Authorization: Bearer s3cr3t-token")
    'Authorization: Bearer ***'
    >>> Redactor([])
    Redactor(<0 secrets>)
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._count = 0
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        """Remember ``secret`` (and its URL-encoded form) as something never to show."""
        if secret and len(secret) >= _MIN_SECRET_LENGTH and secret not in self._secrets:
            self._count += 1
            self._secrets.add(secret)
            self._secrets.add(str(httpx.QueryParams({"v": secret}))[2:])

    def redact(self, text: str) -> str:
        """``text`` with every known secret replaced by ``***`` (longest first, so overlaps go too)."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    def __repr__(self) -> str:
        return f"Redactor(<{self._count} secrets>)"


class _HttpxUrlFilter(logging.Filter):
    """Rewrites httpx's ``HTTP Request: METHOD URL ...`` records to show only the URL's origin."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 2:
            url = record.args[1]
            if isinstance(url, httpx.URL | str):
                parsed = httpx.URL(str(url))
                origin = f"{parsed.scheme}://{parsed.host}" + (f":{parsed.port}" if parsed.port else "")
                record.args = (record.args[0], f"{origin}/…", *record.args[2:])
        return True


_FILTER = _HttpxUrlFilter()


def install_httpx_log_filter() -> None:
    """Make httpx's request log lines safe (idempotent)."""
    for name in ("httpx", "httpcore"):
        log = logging.getLogger(name)
        if _FILTER not in log.filters:
            log.addFilter(_FILTER)
