"""NLU configuration: defaults in code, behaviour in ``wismo.yml`` (section ``nlu:``), validated at load.

:func:`from_mapping` builds any frozen dataclass from a mapping and names the bad key on error; the dialogue and
server configurations use it too.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from nlu.classifier import ClassifierParams
from nlu.dense import DenseParams, check_params
from nlu.errors import InvalidConfig
from nlu.features import FeatureParams

T = TypeVar("T")
DEFAULT_CONFIG_FILE = Path("wismo.yml")


@dataclass(frozen=True)
class LanguageParams:
    C: float = 4.0
    random_state: int = 42
    default: str = "en"


@dataclass(frozen=True)
class GateParams:
    """The accuracy gate that the test suite enforces on the default training data."""

    min_intent_f1: float = 0.75
    min_macro_f1: float = 0.85
    folds: int = 5


@dataclass(frozen=True)
class NLUConfig:
    languages: tuple[str, ...] = ("en", "fr")
    threshold: float = 0.4
    ranking_size: int = 5
    features: FeatureParams = field(default_factory=FeatureParams)
    dense: DenseParams = field(default_factory=DenseParams)
    classifier: ClassifierParams = field(default_factory=ClassifierParams)
    language_id: LanguageParams = field(default_factory=LanguageParams)
    entities: dict[str, Any] = field(default_factory=dict)
    gate: GateParams = field(default_factory=GateParams)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> NLUConfig:
        config = from_mapping(cls, data or {}, "nlu")
        if not 0.0 <= config.threshold <= 1.0:
            raise InvalidConfig(f"nlu.threshold must be between 0 and 1, got {config.threshold}")
        unknown = set(config.languages) - {"en", "fr"}
        if unknown:
            raise InvalidConfig(f"nlu.languages: unsupported language(s) {sorted(unknown)}; use en, fr")
        check_params(config.dense)
        return config

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def load_config_file(path: str | Path | None) -> dict[str, Any]:
    """The whole YAML configuration as a dict; an absent default file is an empty config."""
    target = Path(path) if path else DEFAULT_CONFIG_FILE
    if not target.exists():
        if path:
            raise InvalidConfig(f"config file {target} does not exist")
        return {}
    try:
        data = yaml.safe_load(target.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise InvalidConfig(f"{target}: YAML syntax error: {err}") from err
    if not isinstance(data, dict):
        raise InvalidConfig(f"{target}: top level must be a mapping")
    return data


def from_mapping(cls: type[T], data: Mapping[str, Any], prefix: str) -> T:
    """Build the frozen dataclass ``cls`` from ``data``; unknown keys and wrong types name their key.

    >>> from_mapping(LanguageParams, {"C": 2}, "nlu.language_id").C
    2.0
    >>> from_mapping(LanguageParams, {"c": 2}, "nlu.language_id")
    Traceback (most recent call last):
    ...
    nlu.errors.InvalidConfig: nlu.language_id.c: unknown key (known: C, default, random_state)
    """
    if not isinstance(data, Mapping):
        raise InvalidConfig(f"{prefix}: expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key not in fields:
            raise InvalidConfig(f"{prefix}.{key}: unknown key (known: {', '.join(sorted(fields))})")
        values[key] = _coerce(hints[key], raw, f"{prefix}.{key}")
    return cls(**values)


def _coerce(hint: Any, raw: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if raw is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], raw, key)
    if dataclasses.is_dataclass(hint):
        return from_mapping(hint, raw, key)  # type: ignore[arg-type]
    if origin is tuple:
        if not isinstance(raw, list | tuple):
            raise InvalidConfig(f"{key}: expected a list, got {raw!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(args[0], v, key) for v in raw)
        if len(raw) != len(args):
            raise InvalidConfig(f"{key}: expected {len(args)} values, got {len(raw)}")
        return tuple(_coerce(a, v, key) for a, v in zip(args, raw, strict=True))
    if origin in (dict, Mapping):
        if not isinstance(raw, Mapping):
            raise InvalidConfig(f"{key}: expected a mapping, got {raw!r}")
        return dict(raw)
    if hint is Any:
        return raw
    if hint is bool:
        if not isinstance(raw, bool):
            raise InvalidConfig(f"{key}: expected true or false, got {raw!r}")
        return raw
    if hint in (int, float):
        if (
            isinstance(raw, bool)
            or not isinstance(raw, int | float)
            or (hint is int and not float(raw).is_integer())
        ):
            raise InvalidConfig(f"{key}: expected a number, got {raw!r}")
        return hint(raw)
    if hint is str:
        if not isinstance(raw, str):
            raise InvalidConfig(f"{key}: expected text, got {raw!r}")
        return raw
    return raw
