"""Configuration of the rule-based slot extractors: defaults in code, overridable from ``wismo.yml``.

Every key is validated at load; a bad one raises :class:`nlu.errors.InvalidConfig` naming the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from nlu.errors import InvalidConfig

DEFAULT_ORDER_ID_PATTERNS: tuple[str, ...] = (
    r"\b\d{3}-\d{7}-\d{7}\b",  # Amazon-style 112-1234567-1234567
    r"\b[A-Z]{2,5}-?\d{3,12}\b",  # ORD-12345, ORD12345, CMD-0042
    r"#\d{3,20}\b",  # #1001
    r"(?:order|purchase|commande)\d{3,20}\b",  # glued to its noun: order113542617735902
    r"\b\d{3,20}\b",  # 1001, 00123842, 113542617735902: accepted only with context
)

DEFAULT_ORDER_CONTEXT_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        "order",
        "orders",
        "order#",
        "ord",
        "ord.",
        "ref",
        "ref.",
        "reference",
        "purchase",
        "confirmation",
        "no.",
        "nr",
        "nr.",
        "#",
    ),
    "fr": (
        "commande",
        "commandes",
        "achat",
        "identifiant",
        "cde",
        "cmd",
        "n°",
        "nº",
        "n.",
        "no.",
        "numéro",
        "numero",
        "num",
        "num.",
        "réf",
        "réf.",
        "référence",
        "reference",
        "#",
    ),
}

DEFAULT_TRACKING_CONTEXT_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("tracking", "track", "trace", "waybill", "awb", "shipment", "fedex", "dhl", "parcel"),
    "fr": ("suivi", "colis", "expédition", "expedition", "fedex", "dhl", "bordereau"),
}

DEFAULT_CARRIERS: tuple[str, ...] = (
    "UPS",
    "USPS",
    "FedEx",
    "DHL",
    "Colissimo",
    "La Poste",
    "Chronopost",
    "Mondial Relay",
    "DPD",
    "GLS",
    "Royal Mail",
    "Amazon Logistics",
    "Canada Post",
    "TNT",
    "Relais Colis",
    "Hermes",
    "Evri",
    "Purolator",
    "PostNL",
    "Bpost",
)

# en: month first like dateutil's default (12/03 is December 3); fr: day first (12/03 is 12 March).
DEFAULT_DAY_FIRST: dict[str, bool] = {"en": False, "fr": True}


@dataclass(frozen=True)
class EntityConfig:
    """Settings of the rule extractors.

    Attributes:
        order_id_patterns: Shop order-number formats, compiled case-insensitively. A match made only of
            digits is a bare number and needs a context word (or a message that is just that number).
        order_context_words: Per language, words that announce an order number. All languages apply to
            every message, because language detection on a short message is the least reliable part.
        tracking_context_words: Per language, words that announce a tracking number (FedEx and DHL numbers
            are plain digits and are taken only next to one of these or a carrier name).
        carriers: Carrier names for the fuzzy carrier extractor (the value is the name as written here).
        carrier_min_score: Lowest rapidfuzz ratio (0-100) accepted for a misspelt carrier name.
        day_first: Per language, whether ``12/03`` means 12 March.
        max_scan_chars: Only this many leading characters are scanned; longer messages are junk or pasted.
    """

    order_id_patterns: tuple[str, ...] = DEFAULT_ORDER_ID_PATTERNS
    order_context_words: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_ORDER_CONTEXT_WORDS)
    )
    tracking_context_words: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_TRACKING_CONTEXT_WORDS)
    )
    carriers: tuple[str, ...] = DEFAULT_CARRIERS
    carrier_min_score: float = 88.0
    day_first: Mapping[str, bool] = field(default_factory=lambda: dict(DEFAULT_DAY_FIRST))
    max_scan_chars: int = 5_000

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> EntityConfig:
        """Build a config from a mapping such as the ``nlu.entities`` section of ``wismo.yml``.

        Missing keys keep their defaults.

        Raises:
            InvalidConfig: On an unknown key, a value of the wrong type or a regex that does not compile; the
                message names the key.

        >>> EntityConfig.from_dict({"day_first": {"en": True}}).day_first["en"]
        True
        >>> EntityConfig.from_dict({"colour": 1})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        nlu.errors.InvalidConfig: entities.colour: unknown key; known keys: carrier_min_score, ...
        """
        data = dict(data or {})
        known = sorted(f.name for f in fields(cls))
        for key in data:
            if key not in known:
                raise InvalidConfig(f"entities.{key}: unknown key; known keys: {', '.join(known)}")
        kwargs: dict[str, Any] = {}
        if "order_id_patterns" in data:
            kwargs["order_id_patterns"] = _patterns("order_id_patterns", data["order_id_patterns"])
        for key in ("order_context_words", "tracking_context_words"):
            if key in data:
                kwargs[key] = _words_by_language(key, data[key])
        if "carriers" in data:
            kwargs["carriers"] = _strings("carriers", data["carriers"])
        if "carrier_min_score" in data:
            kwargs["carrier_min_score"] = _number("carrier_min_score", data["carrier_min_score"], 50, 100)
        if "day_first" in data:
            kwargs["day_first"] = _day_first(data["day_first"])
        if "max_scan_chars" in data:
            kwargs["max_scan_chars"] = int(_number("max_scan_chars", data["max_scan_chars"], 100, 10**7))
        return cls(**kwargs)


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise InvalidConfig(f"entities.{key}: expected a list of strings")
    if not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidConfig(f"entities.{key}: expected a non-empty list of non-empty strings")
    return tuple(value)


def _patterns(key: str, value: Any) -> tuple[str, ...]:
    patterns = _strings(key, value)
    for index, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as err:
            raise InvalidConfig(f"entities.{key}[{index}]: regex does not compile: {err}") from err
    return patterns


def _words_by_language(key: str, value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise InvalidConfig(f"entities.{key}: expected a mapping of language to a list of words")
    return {str(lang): tuple(w.lower() for w in _strings(f"{key}.{lang}", v)) for lang, v in value.items()}


def _number(key: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise InvalidConfig(f"entities.{key}: expected a number between {low} and {high}")
    return float(value)


def _day_first(value: Any) -> dict[str, bool]:
    if not isinstance(value, Mapping) or not all(isinstance(v, bool) for v in value.values()):
        raise InvalidConfig("entities.day_first: expected a mapping of language to true/false")
    return {**DEFAULT_DAY_FIRST, **{str(k): v for k, v in value.items()}}
