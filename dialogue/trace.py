"""The decision trace of one turn: what was understood, which rules fired and why, which templates were used.

QA and trainers read it in the web console, ``wismo shell --debug`` and conversation-test diffs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nlu.types import ParseResult


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One policy decision: the rule, why it fired, the action kind and the template it rendered."""

    rule: str
    reason: str
    action: str
    template: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "reason": self.reason, "action": self.action, "template": self.template}

    def describe(self) -> str:
        """One line for terminals.

        >>> TraceStep("ask_order_id", "the order number is missing", "utter", "ask_order_id").describe()
        'ask_order_id -> utter ask_order_id (the order number is missing)'
        """
        target = f" {self.template}" if self.template else ""
        return f"{self.rule} -> {self.action}{target} ({self.reason})"


@dataclass(frozen=True, slots=True)
class TurnTrace:
    """Why the bot answered what it did for one message."""

    intent: str
    confidence: float
    entities: tuple[dict[str, Any], ...]
    language: str
    steps: tuple[TraceStep, ...]
    reset: bool = False
    silent: bool = False

    @classmethod
    def build(
        cls, parse: ParseResult, language: str, steps: tuple[TraceStep, ...], *, reset: bool, silent: bool
    ) -> TurnTrace:
        entities = tuple(
            {"entity": e.entity, "value": e.value, "extractor": e.extractor} for e in parse.entities
        )
        return cls(parse.intent.name, parse.intent.confidence, entities, language, steps, reset, silent)

    @property
    def templates(self) -> tuple[str, ...]:
        return tuple(s.template for s in self.steps if s.template)

    def to_dict(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "entities": list(self.entities),
            "language": self.language,
            "rules": [s.to_dict() for s in self.steps],
            "templates": list(self.templates),
            "reset": self.reset,
            "silent": self.silent,
        }

    def lines(self) -> list[str]:
        """Human-readable lines for ``wismo shell --debug``."""
        ents = ", ".join(f"{e['entity']}={e['value']}" for e in self.entities) or "none"
        head = f"intent={self.intent} ({self.confidence:.2f}) lang={self.language} entities: {ents}"
        flags = (" [reset: idle past session_ttl]" if self.reset else "") + (
            " [silent]" if self.silent else ""
        )
        return [head + flags, *(f"  {s.describe()}" for s in self.steps)]
