"""Validation helpers for the ``connector:`` configuration section: known keys, ``${ENV}`` secrets, time-outs.

Every error is a :class:`ConnectorConfigError` whose message names the key (``connector.auth.token``) or the
environment variable; the value of a secret is never shown.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import fields
from typing import Any

from dialogue.connectors.errors import ConnectorConfigError
from dialogue.connectors.http_client import HttpSettings
from dialogue.connectors.secrets import Redactor

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
RESILIENCE_KEYS = frozenset(f.name for f in fields(HttpSettings))


def check_keys(section: Any, allowed: Collection[str], where: str) -> Mapping[str, Any]:
    """``section`` as a mapping, or an error naming the first unknown key.

    >>> check_keys({"type": "demo"}, {"type", "path"}, "connector")
    {'type': 'demo'}
    """
    if not isinstance(section, Mapping):
        raise ConnectorConfigError(f"{where}: expected a mapping, got {type(section).__name__}")
    for key in section:
        if key not in allowed:
            raise ConnectorConfigError(
                f"{where}.{key}: unknown key; expected one of {', '.join(sorted(allowed))}"
            )
    return section


def require(section: Mapping[str, Any], key: str, where: str) -> Any:
    """``section[key]``, or an error naming ``where.key`` when it is missing or empty."""
    value = section.get(key)
    if value in (None, ""):
        raise ConnectorConfigError(f"{where}.{key}: required")
    return value


def expand_env(value: Any, env: Mapping[str, str], where: str, redactor: Redactor | None = None) -> Any:
    """``value`` with every ``${VAR}`` in its strings replaced from ``env``, recursively.

    Expanded values are registered with ``redactor`` as secrets when one is given.

    >>> expand_env({"token": "Bearer ${T}"}, {"T": "abc"}, "connector.headers")
    {'token': 'Bearer abc'}
    """
    if isinstance(value, str):

        def lookup(match: re.Match[str]) -> str:
            name = match[1]
            if name not in env or env[name] == "":
                raise ConnectorConfigError(f"{where}: environment variable {name} is not set")
            if redactor is not None:
                redactor.add(env[name])
            return env[name]

        return _ENV_REF.sub(lookup, value)
    if isinstance(value, Mapping):
        return {k: expand_env(v, env, f"{where}.{k}", redactor) for k, v in value.items()}
    if isinstance(value, list):
        return [expand_env(v, env, f"{where}[{i}]", redactor) for i, v in enumerate(value)]
    return value


def env_value(env: Mapping[str, str], name: str, *, purpose: str) -> str:
    """The value of environment variable ``name``, or an error saying what it is for."""
    value = env.get(name, "")
    if not value:
        raise ConnectorConfigError(f"environment variable {name} is not set ({purpose})")
    return value


def http_settings(section: Mapping[str, Any], where: str = "connector") -> HttpSettings:
    """The :class:`HttpSettings` from the resilience keys of ``section`` (defaults for the rest)."""
    values: dict[str, Any] = {}
    defaults = HttpSettings()
    for key in RESILIENCE_KEYS & section.keys():
        raw, default = section[key], getattr(defaults, key)
        kind = int if isinstance(default, int) else float
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw < 0:
            raise ConnectorConfigError(f"{where}.{key}: expected a non-negative number, got {raw!r}")
        if kind is int and not isinstance(raw, int):
            raise ConnectorConfigError(f"{where}.{key}: expected a whole number, got {raw!r}")
        values[key] = kind(raw)
    if values.get("jitter", 0) > 1:
        raise ConnectorConfigError(
            f"{where}.jitter: expected a fraction from 0 to 1, got {values['jitter']!r}"
        )
    if values.get("timeout", defaults.timeout) <= 0 or values.get("connect_timeout", 1) <= 0:
        raise ConnectorConfigError(f"{where}.timeout: time-outs must be above zero")
    return HttpSettings(**values)
