"""Helpdesk channel adapters (Intercom, Zendesk, Chatwoot): one thin blueprint each, translating payloads only.

The server mounts :func:`channel_blueprints` and provides ``app.ctx.service`` (``handle``/``release``),
``app.ctx.settings`` and ``app.ctx.http`` (a shared ``httpx.AsyncClient``). Set-up: ``docs/channels.md``.
"""

from __future__ import annotations

import os
from typing import Any

from sanic import Blueprint

from server.channels.base import Channel, channel_blueprint
from server.channels.chatwoot import ChatwootChannel
from server.channels.errors import BadPayload, ChannelConfigError, ChannelError
from server.channels.intercom import IntercomChannel
from server.channels.outbound import Outbox
from server.channels.settings import ChannelSettings
from server.channels.zendesk import ZendeskChannel

__all__ = [
    "BadPayload",
    "ChannelConfigError",
    "ChannelError",
    "ChannelSettings",
    "build_channels",
    "channel_blueprints",
    "channel_settings",
]


def build_channels(settings: ChannelSettings) -> list[Channel]:
    """The adapters of the enabled channels, in a fixed order (Intercom, Zendesk, Chatwoot)."""
    channels: list[Channel] = []
    if settings.intercom.enabled:
        channels.append(IntercomChannel(settings.intercom, settings.outbound))
    if settings.zendesk.enabled:
        channels.append(ZendeskChannel(settings.zendesk, settings.outbound))
    if settings.chatwoot.enabled:
        channels.append(ChatwootChannel(settings.chatwoot, settings.outbound))
    return channels


def channel_settings(settings: ChannelSettings | Any) -> ChannelSettings:
    """The :class:`ChannelSettings` of ``settings``: itself, its ``.channels``, or its raw ``.channels``
    mapping validated with its ``.env`` (the server's ``Settings``; falls back to ``os.environ``).

    Raises:
        ChannelConfigError: naming the bad key or missing variable.
    """
    if isinstance(settings, ChannelSettings):
        return settings
    channels = getattr(settings, "channels", None)
    if isinstance(channels, ChannelSettings):
        return channels
    env = getattr(settings, "env", None) or os.environ
    return ChannelSettings.from_dict(channels or {}, env)


def channel_blueprints(settings: ChannelSettings | Any) -> list[Blueprint]:
    """One blueprint per enabled channel, mounted at ``POST /webhooks/<channel>``, sharing one outbox.

    The app puts the outbox on ``app.ctx.channel_outbox``, drains it before stopping and wires its failure hook.

    Args:
        settings: The :class:`ChannelSettings`, or the app settings (see :func:`channel_settings`).

    >>> channel_blueprints(ChannelSettings())
    []
    """
    outbox = Outbox()
    return [channel_blueprint(channel, outbox) for channel in build_channels(channel_settings(settings))]
