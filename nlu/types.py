"""Typed values that cross the NLU boundary.

Every layer above the NLU (dialogue, server, simulation) consumes these and nothing else. JSON conversion lives
here, once per type, in the shape of Rasa's ``/model/parse`` response.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True, slots=True)
class Entity:
    """One slot value found in a message.

    Attributes:
        entity: Slot type in snake_case, such as ``order_id`` or ``email``.
        value: Normalised value (``1001`` for ``#1001``, an ISO date for ``le 12 mars``).
        text: The characters as written, ``text == message[start:end]``.
        start: Offset of the first character.
        end: Offset after the last character.
        extractor: Name of the component that found it.
        confidence: 1.0 for validated patterns, a probability for learned extractors.
    """

    entity: str
    value: str
    text: str
    start: int
    end: int
    extractor: str
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "value": self.value,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "extractor": self.extractor,
            "confidence": round(self.confidence, 4),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            entity=str(data["entity"]),
            value=str(data["value"]),
            text=str(data.get("text", data["value"])),
            start=int(data.get("start", 0)),
            end=int(data.get("end", 0)),
            extractor=str(data.get("extractor", "unknown")),
            confidence=float(data.get("confidence", 1.0)),
        )


@dataclass(frozen=True, slots=True)
class IntentScore:
    """An intent and the classifier's calibrated probability for it."""

    name: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "confidence": round(self.confidence, 4)}


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What the NLU understood of one message.

    ``intent`` is ``out_of_scope`` when the best score is below the configured threshold; ``intent_ranking``
    still holds the raw ranking so that traces can show what was almost chosen.
    """

    text: str
    intent: IntentScore
    intent_ranking: tuple[IntentScore, ...] = ()
    entities: tuple[Entity, ...] = ()
    language: str = "en"
    language_confidence: float = 1.0

    @property
    def intent_name(self) -> str:
        return self.intent.name

    def entity_values(self, entity: str) -> list[str]:
        """Values of every entity of one type, in the order they appear."""
        return [e.value for e in self.entities if e.entity == entity]

    def first(self, entity: str) -> Entity | None:
        """The first entity of one type, or ``None``."""
        return next((e for e in self.entities if e.entity == entity), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": self.intent.to_dict(),
            "intent_ranking": [s.to_dict() for s in self.intent_ranking],
            "entities": [e.to_dict() for e in self.entities],
            "language": self.language,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParseResult:
        intent = data.get("intent") or {"name": OUT_OF_SCOPE, "confidence": 0.0}
        return cls(
            text=str(data.get("text", "")),
            intent=IntentScore(str(intent["name"]), float(intent.get("confidence", 0.0))),
            intent_ranking=tuple(
                IntentScore(str(s["name"]), float(s.get("confidence", 0.0)))
                for s in data.get("intent_ranking", [])
            ),
            entities=tuple(Entity.from_dict(e) for e in data.get("entities", [])),
            language=str(data.get("language", "en")),
        )


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """A gold entity annotation inside a training example."""

    entity: str
    start: int
    end: int
    value: str


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled utterance, with where it came from for error messages."""

    text: str
    intent: str
    entities: tuple[EntitySpan, ...] = ()
    language: str | None = None
    source: str = "<memory>"
    line: int = 0

    @property
    def location(self) -> str:
        return f"{self.source}:{self.line}"


@dataclass(frozen=True)
class TrainingData:
    """Everything read from a set of training files."""

    examples: tuple[Example, ...] = ()
    synonyms: dict[str, str] = field(default_factory=dict)
    regexes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lookups: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def intents(self) -> list[str]:
        return sorted({e.intent for e in self.examples})

    @property
    def entity_types(self) -> list[str]:
        return sorted({s.entity for e in self.examples for s in e.entities})

    @property
    def languages(self) -> list[str]:
        return sorted({e.language for e in self.examples if e.language})

    def merge(self, other: TrainingData) -> TrainingData:
        regexes = dict(self.regexes)
        for name, patterns in other.regexes.items():
            regexes[name] = regexes.get(name, ()) + patterns
        lookups = dict(self.lookups)
        for name, values in other.lookups.items():
            lookups[name] = lookups.get(name, ()) + values
        return TrainingData(
            examples=self.examples + other.examples,
            synonyms={**self.synonyms, **other.synonyms},
            regexes=regexes,
            lookups=lookups,
        )
