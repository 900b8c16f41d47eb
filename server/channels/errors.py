"""Errors of the helpdesk channel adapters: one base class, leaves that also inherit a builtin."""

from __future__ import annotations


class ChannelError(Exception):
    """Base class of every error raised by :mod:`server.channels`."""


class ChannelConfigError(ChannelError, ValueError):
    """The ``channels:`` section or a ``WISMO_*`` variable is wrong; the message names the key."""


class BadPayload(ChannelError, ValueError):
    """A webhook body is not what the helpdesk documents; ``field`` names the offending field (HTTP 400)."""

    status = 400

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
