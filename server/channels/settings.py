"""The ``channels:`` config section: which helpdesks are on, where handoffs go, and secrets from the environment.

Behaviour (enabled, team ids, tags, windows) comes from YAML; URLs and secrets only from ``WISMO_*`` variables,
so a committed config file never holds a credential. Every problem names the key or variable to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from server.channels.errors import ChannelConfigError

_ROUTING_KEYS = {"enabled", "teams", "default_team", "tags"}


@dataclass(frozen=True)
class HandoffRouting:
    """Where a handoff goes in one helpdesk.

    Attributes:
        teams: Helpdesk team (Zendesk: group) id per handoff reason or per dialogue team name.
        default_team: The id used when neither the reason nor the team name is in ``teams``.
        tags: Tags added to every handed-off conversation, besides the handoff's own tags.
    """

    teams: Mapping[str, str] = field(default_factory=dict)
    default_team: str | None = None
    tags: tuple[str, ...] = ()

    def team_for(self, reason: str, team: str) -> str | None:
        """The helpdesk id for a handoff: by reason first, then by the dialogue's team name, then the default.

        >>> HandoffRouting({"not_found": "7", "billing": "9"}, "1").team_for("not_found", "billing")
        '7'
        >>> HandoffRouting({"billing": "9"}, "1").team_for("requested_human", "support")
        '1'
        """
        return self.teams.get(reason) or self.teams.get(team) or self.default_team

    def tags_for(self, handoff_tags: tuple[str, ...]) -> tuple[str, ...]:
        """The handoff's tags then the configured ones, without duplicates.

        >>> HandoffRouting(tags=("wismo",)).tags_for(("not_found", "wismo"))
        ('not_found', 'wismo')
        """
        return tuple(dict.fromkeys((*handoff_tags, *self.tags)))


@dataclass(frozen=True)
class OutboundSettings:
    """Time-outs and retries of the calls to the helpdesk APIs (seconds)."""

    timeout: float = 10.0
    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 30.0
    jitter: float = 0.5


@dataclass(frozen=True)
class IntercomSettings:
    """Intercom: REST API 2.16 as the bot admin, webhooks signed with the app's client secret."""

    enabled: bool = False
    base_url: str = "https://api.intercom.io"
    token: str = field(default="", repr=False)
    client_secret: str = field(default="", repr=False)
    admin_id: str = ""
    version: str = "2.16"
    trust_user_email: bool = True
    routing: HandoffRouting = field(default_factory=HandoffRouting)


@dataclass(frozen=True)
class ZendeskSettings:
    """Zendesk Support: ticket updates over the API, webhooks signed with the webhook's signing secret."""

    enabled: bool = False
    base_url: str = ""
    email: str = field(default="", repr=False)
    token: str = field(default="", repr=False)
    webhook_secret: str = field(default="", repr=False)
    timestamp_tolerance: int = 300
    bot_user_id: str | None = None
    handoff_status: str = "open"
    routing: HandoffRouting = field(default_factory=HandoffRouting)


@dataclass(frozen=True)
class ChatwootSettings:
    """Chatwoot Agent Bot: replies with the bot's access token; webhooks carry a secret token in the URL."""

    enabled: bool = False
    base_url: str = ""
    token: str = field(default="", repr=False)
    account_id: str = ""
    webhook_token: str = field(default="", repr=False)
    webhook_secret: str = field(default="", repr=False)
    timestamp_tolerance: int = 300
    trust_contact_email: bool = False
    routing: HandoffRouting = field(default_factory=HandoffRouting)


@dataclass(frozen=True)
class ChannelSettings:
    """The validated ``channels:`` section plus the channel secrets from the environment."""

    intercom: IntercomSettings = field(default_factory=IntercomSettings)
    zendesk: ZendeskSettings = field(default_factory=ZendeskSettings)
    chatwoot: ChatwootSettings = field(default_factory=ChatwootSettings)
    outbound: OutboundSettings = field(default_factory=OutboundSettings)

    @property
    def enabled(self) -> tuple[str, ...]:
        """Names of the enabled channels, e.g. ``('intercom',)``."""
        flags = {"intercom": self.intercom.enabled, "zendesk": self.zendesk.enabled}
        flags["chatwoot"] = self.chatwoot.enabled
        return tuple(name for name, on in flags.items() if on)

    @classmethod
    def from_dict(cls, section: Mapping[str, Any] | None, env: Mapping[str, str]) -> ChannelSettings:
        """Validate the ``channels:`` mapping and read the secrets of the enabled channels from ``env``.

        Raises:
            ChannelConfigError: naming the bad key (``channels.zendesk.teams``) or the missing variable.

        >>> ChannelSettings.from_dict({}, {}).enabled
        ()
        """
        data = _mapping(section, "channels")
        _known(data, {"intercom", "zendesk", "chatwoot", "outbound"}, "channels")
        return cls(
            intercom=_intercom(_mapping(data.get("intercom"), "channels.intercom"), env),
            zendesk=_zendesk(_mapping(data.get("zendesk"), "channels.zendesk"), env),
            chatwoot=_chatwoot(_mapping(data.get("chatwoot"), "channels.chatwoot"), env),
            outbound=_outbound(_mapping(data.get("outbound"), "channels.outbound")),
        )


def _intercom(data: Mapping[str, Any], env: Mapping[str, str]) -> IntercomSettings:
    _known(data, _ROUTING_KEYS | {"version", "trust_user_email"}, "channels.intercom")
    enabled = _bool(data, "enabled", "channels.intercom", False)
    version = str(data.get("version", "2.16"))
    if enabled:
        _require(env, "WISMO_INTERCOM_TOKEN", "WISMO_INTERCOM_CLIENT_SECRET", "WISMO_INTERCOM_ADMIN_ID")
    return IntercomSettings(
        enabled=enabled,
        base_url=_url(env.get("WISMO_INTERCOM_URL") or "https://api.intercom.io", "WISMO_INTERCOM_URL"),
        token=env.get("WISMO_INTERCOM_TOKEN", ""),
        client_secret=env.get("WISMO_INTERCOM_CLIENT_SECRET", ""),
        admin_id=env.get("WISMO_INTERCOM_ADMIN_ID", ""),
        version=version,
        trust_user_email=_bool(data, "trust_user_email", "channels.intercom", True),
        routing=_routing(data, "channels.intercom"),
    )


def _zendesk(data: Mapping[str, Any], env: Mapping[str, str]) -> ZendeskSettings:
    where = "channels.zendesk"
    _known(data, _ROUTING_KEYS | {"timestamp_tolerance", "bot_user_id", "handoff_status"}, where)
    enabled = _bool(data, "enabled", where, False)
    routing = _routing(data, where)
    for key, value in [*routing.teams.items(), ("default_team", routing.default_team or "0")]:
        if not value.isdigit():
            raise ChannelConfigError(f"{where}.teams.{key}: Zendesk group ids are numbers, got {value!r}")
    status = str(data.get("handoff_status", "open"))
    if status not in ("new", "open", "pending", "hold"):
        raise ChannelConfigError(f"{where}.handoff_status: one of new, open, pending, hold; got {status!r}")
    url = env.get("WISMO_ZENDESK_URL") or ""
    if not url and env.get("WISMO_ZENDESK_SUBDOMAIN"):
        url = f"https://{env['WISMO_ZENDESK_SUBDOMAIN']}.zendesk.com"
    if enabled:
        if not url:
            raise ChannelConfigError(
                "WISMO_ZENDESK_SUBDOMAIN (or WISMO_ZENDESK_URL): required when channels.zendesk.enabled"
            )
        _require(env, "WISMO_ZENDESK_EMAIL", "WISMO_ZENDESK_TOKEN", "WISMO_ZENDESK_WEBHOOK_SECRET")
    bot_user = data.get("bot_user_id")
    if bot_user is not None and not str(bot_user).isdigit():
        raise ChannelConfigError(f"{where}.bot_user_id: expected the bot agent's numeric user id")
    return ZendeskSettings(
        enabled=enabled,
        base_url=_url(url, "WISMO_ZENDESK_URL") if url else "",
        email=env.get("WISMO_ZENDESK_EMAIL", ""),
        token=env.get("WISMO_ZENDESK_TOKEN", ""),
        webhook_secret=env.get("WISMO_ZENDESK_WEBHOOK_SECRET", ""),
        timestamp_tolerance=_seconds(data, "timestamp_tolerance", where),
        bot_user_id=str(bot_user) if bot_user is not None else None,
        handoff_status=status,
        routing=routing,
    )


def _chatwoot(data: Mapping[str, Any], env: Mapping[str, str]) -> ChatwootSettings:
    where = "channels.chatwoot"
    # No tags: Chatwoot's labels endpoint refuses agent-bot tokens (spec: userApiKey only).
    _known(data, (_ROUTING_KEYS - {"tags"}) | {"timestamp_tolerance", "trust_contact_email"}, where)
    enabled = _bool(data, "enabled", where, False)
    routing = _routing(data, where)
    for key, value in [*routing.teams.items(), ("default_team", routing.default_team or "0")]:
        if not value.isdigit():
            raise ChannelConfigError(f"{where}.teams.{key}: Chatwoot team ids are numbers, got {value!r}")
    if enabled:
        _require(
            env,
            "WISMO_CHATWOOT_URL",
            "WISMO_CHATWOOT_TOKEN",
            "WISMO_CHATWOOT_ACCOUNT_ID",
            "WISMO_CHATWOOT_WEBHOOK_TOKEN",
        )
        if not env["WISMO_CHATWOOT_ACCOUNT_ID"].isdigit():
            raise ChannelConfigError("WISMO_CHATWOOT_ACCOUNT_ID: expected the numeric account id")
    url = env.get("WISMO_CHATWOOT_URL", "")
    return ChatwootSettings(
        enabled=enabled,
        base_url=_url(url, "WISMO_CHATWOOT_URL") if url else "",
        token=env.get("WISMO_CHATWOOT_TOKEN", ""),
        account_id=env.get("WISMO_CHATWOOT_ACCOUNT_ID", ""),
        webhook_token=env.get("WISMO_CHATWOOT_WEBHOOK_TOKEN", ""),
        webhook_secret=env.get("WISMO_CHATWOOT_WEBHOOK_SECRET", ""),
        timestamp_tolerance=_seconds(data, "timestamp_tolerance", where),
        trust_contact_email=_bool(data, "trust_contact_email", where, False),
        routing=routing,
    )


def _outbound(data: Mapping[str, Any]) -> OutboundSettings:
    where = "channels.outbound"
    _known(data, {"timeout", "retries", "backoff", "max_backoff", "max_retry_after", "jitter"}, where)
    values: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ChannelConfigError(f"{where}.{key}: expected a number >= 0, got {value!r}")
        if key == "jitter" and value > 1:
            raise ChannelConfigError(f"{where}.jitter: expected a fraction from 0 to 1, got {value!r}")
        values[key] = int(value) if key == "retries" else float(value)
    return OutboundSettings(**values)


def _routing(data: Mapping[str, Any], where: str) -> HandoffRouting:
    teams = _mapping(data.get("teams"), f"{where}.teams")
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        raise ChannelConfigError(f"{where}.tags: expected a list of tag names")
    default = data.get("default_team")
    return HandoffRouting(
        teams={str(k): str(v) for k, v in teams.items() if v not in (None, "")},
        default_team=str(default) if default not in (None, "") else None,
        tags=tuple(tags),
    )


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ChannelConfigError(f"{where}: expected a mapping")
    return value


def _known(data: Mapping[str, Any], known: set[str], where: str) -> None:
    for key in data:
        if key not in known:
            raise ChannelConfigError(
                f"{where}.{key}: unknown key (known: {', '.join(sorted(known))}; secrets go in WISMO_* variables)"
            )


def _bool(data: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ChannelConfigError(f"{where}.{key}: expected true or false, got {value!r}")
    return value


def _seconds(data: Mapping[str, Any], key: str, where: str) -> int:
    value = data.get(key, 300)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ChannelConfigError(f"{where}.{key}: expected a whole number of seconds >= 1, got {value!r}")
    return value


def _require(env: Mapping[str, str], *names: str) -> None:
    for name in names:
        if not env.get(name):
            raise ChannelConfigError(f"{name}: required when its channel is enabled (set the variable)")


def _url(value: str, name: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise ChannelConfigError(f"{name}: expected an http(s) URL")
    return value.rstrip("/")
