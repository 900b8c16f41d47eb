"""Typed errors of the order connectors. All share :class:`ConnectorError`.

The dialogue turns any :class:`ConnectorError` into a ``lookup_failed`` handoff: an outage must never read as
"order not found". Messages say what to fix and never contain secrets (see :mod:`dialogue.connectors.secrets`).
"""

from __future__ import annotations


class ConnectorError(Exception):
    """A look-up that failed for a reason other than "no such order".

    Attributes:
        connector: The connector's name (``shopify``, ``demo``...), for operators.
        status: The HTTP status that caused the failure, when there was one.
    """

    kind = "error"

    def __init__(self, message: str, *, connector: str = "", status: int | None = None) -> None:
        self.connector = connector
        self.status = status
        super().__init__(message)


class ConnectorTimeout(ConnectorError):
    """The back end did not answer within the configured time-outs."""

    kind = "timeout"


class ConnectorUnavailable(ConnectorError):
    """The back end is unreachable or failing (connection refused, 5xx, database unreadable)."""

    kind = "unavailable"


class CircuitOpen(ConnectorUnavailable):
    """Too many consecutive failures: calls are refused until the cool-down ends."""

    kind = "circuit_open"


class ConnectorAuthError(ConnectorError):
    """The back end refused our credentials (401/403); the message names the variable to check."""

    kind = "auth"


class ConnectorRateLimited(ConnectorError):
    """The back end kept throttling us (429, or Shopify's ``THROTTLED``) beyond the retry budget."""

    kind = "rate_limited"


class ConnectorBadResponse(ConnectorError):
    """The back end answered something we cannot use: malformed JSON, a missing field, an unknown status."""

    kind = "bad_response"


class ConnectorConfigError(ConnectorError, ValueError):
    """The ``connector:`` configuration is invalid; the message names the key or environment variable."""

    kind = "config"
