"""The ``dialogue:`` section of ``wismo.yml``: defaults in code, validated at load, bad keys named.

>>> DialogueConfig.from_dict({"max_attempts": 2}).max_attempts
2
>>> parse_duration("90m")
5400
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from dialogue.errors import InvalidDialogueConfig
from dialogue.handoff import HANDOFF_REASONS

VERIFICATIONS = ("none", "email", "postcode")
AFTER_CONFIRM = ("handoff", "resolve")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any, key: str = "session_ttl") -> int:
    """Seconds in ``value``: a number of seconds or a string such as ``30m``, ``24h``, ``2d``.

    Raises:
        InvalidDialogueConfig: naming ``key`` when the value is not a duration.
    """
    match = _DURATION.match(str(value)) if not isinstance(value, bool) else None
    if not match:
        raise InvalidDialogueConfig(
            f"dialogue.{key}: expected seconds or a duration like '24h', got {value!r}"
        )
    return int(float(match.group(1)) * _UNIT_SECONDS[match.group(2)])


@dataclass(frozen=True, slots=True)
class Route:
    """Send handoffs that match (reason, language, topic; ``None`` matches anything) to ``team``."""

    team: str
    reason: str | None = None
    language: str | None = None
    topic: str | None = None

    def matches(self, reason: str, language: str, topic: str | None) -> bool:
        return (
            self.reason in (None, reason)
            and self.language in (None, language)
            and (self.topic is None or self.topic == topic)
        )


@dataclass(frozen=True)
class DialogueConfig:
    """Behaviour of the WISMO policy. See ``docs/dialogue.md`` for every key."""

    verification: str = "email"
    max_attempts: int = 3
    max_not_understood: int = 2
    after_confirm: str = "handoff"
    stale_after_hours: float = 72.0
    session_ttl: int = 86400
    max_actions_per_turn: int = 10
    max_orders_listed: int = 3
    fuzzy_threshold: int = 80
    languages: tuple[str, ...] = ("en", "fr")
    default_language: str = "en"
    team_language: str = "en"
    default_team: str = "support"
    routes: tuple[Route, ...] = ()
    templates_dir: str = "training_data"
    lookup_by_tracking: bool = True

    @property
    def verification_slot(self) -> str | None:
        """The slot that proves ownership (``email``/``postcode``), or ``None`` without verification."""
        return None if self.verification == "none" else self.verification

    def team_for(self, reason: str, language: str, topic: str | None = None) -> str:
        """The team a handoff goes to: the first matching route, else ``default_team``.

        >>> DialogueConfig(routes=(Route("fr-team", language="fr"),)).team_for("not_found", "fr")
        'fr-team'
        """
        return next((r.team for r in self.routes if r.matches(reason, language, topic)), self.default_team)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> DialogueConfig:
        """Validate the ``dialogue:`` mapping. Raises :class:`InvalidDialogueConfig` naming the bad key."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise InvalidDialogueConfig(
                    f"dialogue.{key}: unknown key (known: {', '.join(sorted(known))})"
                )
        values: dict[str, Any] = {}
        for key in ("verification", "after_confirm"):
            if key in data:
                allowed = VERIFICATIONS if key == "verification" else AFTER_CONFIRM
                if data[key] not in allowed:
                    raise InvalidDialogueConfig(
                        f"dialogue.{key}: must be one of {allowed}, got {data[key]!r}"
                    )
                values[key] = data[key]
        for key in ("max_attempts", "max_not_understood", "max_actions_per_turn", "max_orders_listed"):
            if key in data:
                values[key] = _positive_int(data[key], key)
        if "fuzzy_threshold" in data:
            values["fuzzy_threshold"] = _positive_int(data["fuzzy_threshold"], "fuzzy_threshold", upper=100)
        if "stale_after_hours" in data:
            value = data["stale_after_hours"]
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise InvalidDialogueConfig(
                    f"dialogue.stale_after_hours: expected a positive number, got {value!r}"
                )
            values["stale_after_hours"] = float(value)
        if "session_ttl" in data:
            values["session_ttl"] = parse_duration(data["session_ttl"])
        languages = tuple(data.get("languages", cls.languages))
        if not languages or not all(isinstance(x, str) for x in languages):
            raise InvalidDialogueConfig("dialogue.languages: expected a list of language codes")
        values["languages"] = languages
        for key in ("default_language", "team_language"):
            if key in data:
                if data[key] not in languages:
                    raise InvalidDialogueConfig(
                        f"dialogue.{key}: {data[key]!r} is not in languages {languages}"
                    )
                values[key] = data[key]
        for key in ("default_team", "templates_dir"):
            if key in data:
                if not isinstance(data[key], str) or not data[key]:
                    raise InvalidDialogueConfig(f"dialogue.{key}: expected a non-empty string")
                values[key] = data[key]
        if "routes" in data:
            values["routes"] = _routes(data["routes"], languages)
        if "lookup_by_tracking" in data:
            if not isinstance(data["lookup_by_tracking"], bool):
                raise InvalidDialogueConfig(
                    f"dialogue.lookup_by_tracking: expected true or false, got {data['lookup_by_tracking']!r}"
                )
            values["lookup_by_tracking"] = data["lookup_by_tracking"]
        return cls(**values)


def _positive_int(value: Any, key: str, upper: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or (upper and value > upper):
        limit = f" and <= {upper}" if upper else ""
        raise InvalidDialogueConfig(f"dialogue.{key}: expected an integer >= 1{limit}, got {value!r}")
    return value


def _routes(raw: Any, languages: tuple[str, ...]) -> tuple[Route, ...]:
    if not isinstance(raw, list):
        raise InvalidDialogueConfig("dialogue.routes: expected a list of {reason, language, topic, team}")
    routes = []
    for i, item in enumerate(raw):
        key = f"dialogue.routes[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("team"), str):
            raise InvalidDialogueConfig(f"{key}.team: every route needs a team name")
        unknown = set(item) - {"team", "reason", "language", "topic"}
        if unknown:
            raise InvalidDialogueConfig(f"{key}.{sorted(unknown)[0]}: unknown key")
        if item.get("reason") is not None and item["reason"] not in HANDOFF_REASONS:
            raise InvalidDialogueConfig(f"{key}.reason: must be one of {HANDOFF_REASONS}")
        if item.get("language") is not None and item["language"] not in languages:
            raise InvalidDialogueConfig(f"{key}.language: {item['language']!r} is not in languages")
        routes.append(Route(item["team"], item.get("reason"), item.get("language"), item.get("topic")))
    return tuple(routes)


def load_dialogue_config(path: str | Path = "wismo.yml") -> DialogueConfig:
    """The validated ``dialogue:`` section of a config file (defaults when the section is absent)."""
    path = Path(path)
    if not path.exists():
        raise InvalidDialogueConfig(f"{path}: config file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InvalidDialogueConfig(f"{path}: not valid YAML ({exc})") from exc
    section = data.get("dialogue") if isinstance(data, dict) else None
    if section is not None and not isinstance(section, dict):
        raise InvalidDialogueConfig(f"{path}: dialogue: expected a mapping")
    return DialogueConfig.from_dict(section)
