"""Errors of the server package: one base class; HTTP errors carry their status and the field at fault.

Customers and API clients see only ``message`` (and ``field``), never exception text from deeper layers.
"""

from __future__ import annotations


class ServerError(Exception):
    """Base class of every error the server package raises on purpose."""


class InvalidSettings(ServerError, ValueError):
    """The server configuration (YAML or a ``WISMO_*`` variable) is wrong; the message names the key."""


class StoreError(ServerError):
    """A conversation store could not answer (unreachable, corrupt record, lock not acquired in time)."""


class LockTimeout(StoreError, TimeoutError):
    """The per-conversation lock was not acquired in time (another worker holds it too long)."""


class HTTPError(ServerError):
    """An error answered to an HTTP client as ``{"error": message, "field": field}`` with ``status``."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class BadRequest(HTTPError):
    status = 400


class Unauthorized(HTTPError):
    status = 401


class NotFound(HTTPError):
    status = 404


class PayloadTooLarge(HTTPError):
    status = 413


class UnsupportedMediaType(HTTPError):
    status = 415


class TooManyRequests(HTTPError):
    status = 429

    def __init__(self, message: str, *, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after
