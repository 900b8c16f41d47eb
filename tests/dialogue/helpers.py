"""Builders shared by the dialogue tests: parses, orders, a fake parser, a ready engine."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dialogue.config import DialogueConfig
from dialogue.connectors.base import ConnectorError, InMemoryConnector
from dialogue.engine import DialogueEngine
from dialogue.orders import Fulfilment, LineItem, Order, OrderStatus
from dialogue.templates import Templates, load_templates
from nlu.types import Entity, IntentScore, ParseResult

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
TRACKING = "1Z999AA10123456784"


def parse(
    intent: str = "inform", *entities: tuple[str, str], text: str = "", confidence: float = 0.95
) -> ParseResult:
    """A ParseResult literal: ``parse("order_status", ("order_id", "1001"))``."""
    ents = tuple(Entity(name, value, value, 0, len(value), "test") for name, value in entities)
    return ParseResult(
        text or " ".join(v for _, v in entities) or intent, IntentScore(intent, confidence), (), ents
    )


def shipped_order(order_id: str = "1001", email: str = "jane@example.com", **changes: object) -> Order:
    parcel = Fulfilment(
        carrier="UPS",
        tracking_number=TRACKING,
        tracking_url=f"https://track.example/{TRACKING}",
        shipped_at=NOW - timedelta(days=2),
        estimated_delivery=NOW + timedelta(days=2),
        last_event_at=NOW - timedelta(hours=6),
        status=OrderStatus.IN_TRANSIT,
    )
    base = Order(
        order_id,
        email,
        OrderStatus.SHIPPED,
        created_at=NOW - timedelta(days=4),
        fulfilments=(parcel,),
        items=(LineItem("Blue mug", 2),),
        postcode="SW1A 1AA",
    )
    from dataclasses import replace

    return replace(base, **changes)  # type: ignore[arg-type]


def shop_orders() -> list[Order]:
    return [
        shipped_order(),
        Order("1002", "jane@example.com", OrderStatus.PROCESSING, created_at=NOW - timedelta(days=1),
              items=(LineItem("Wool scarf"),)),
        shipped_order("1004", "paul@example.com", status=OrderStatus.EXCEPTION),
    ]  # fmt: skip


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_ORDER = re.compile(r"#?\b(1\d{3})\b")
_KEYWORDS = (
    ("request_human", ("human", "person", "agent", "conseiller")),
    ("return_refund", ("refund", "rembourse")),
    ("no_order_number", ("lost", "don't have", "pas le numéro")),
    ("order_status", ("where", "où", "status")),
    ("affirm", ("yes", "oui", "correct")),
    ("deny", ("no", "non")),
    ("thanks", ("thank", "merci")),
    ("goodbye", ("bye", "revoir")),
    ("greet", ("hello", "hi", "bonjour")),
)


class KeywordParser:
    """A tiny deterministic stand-in for the NLU: keywords for intents, regexes for order ids and emails."""

    threshold = 0.4

    def parse(
        self, text: str, *, language: str | None = None, reference_time: datetime | None = None
    ) -> ParseResult:
        lowered = text.lower()
        entities = [("email", m.group(0)) for m in _EMAIL.finditer(text)]
        entities += [("order_id", m.group(1)) for m in _ORDER.finditer(_EMAIL.sub("", text))]
        words = set(re.findall(r"[\w']+", lowered))
        intent = next(
            (
                name
                for name, keys in _KEYWORDS
                if any((k in lowered) if " " in k or len(k) > 4 else k in words for k in keys)
            ),
            "inform" if entities else "out_of_scope",
        )
        lang = language or ("fr" if words & {"où", "oui", "non", "merci", "bonjour", "commande"} else "en")
        return ParseResult(text, IntentScore(intent, 0.9), (), tuple(
            Entity(n, v, v, 0, len(v), "test") for n, v in entities), lang)  # fmt: skip


def templates() -> Templates:
    return load_templates(ROOT / "training_data")


def engine(
    config: DialogueConfig | None = None, orders: list[Order] | None = None, failing: bool = False
) -> DialogueEngine:
    fail = ConnectorError("down", connector="memory") if failing else None
    connector = InMemoryConnector(shop_orders() if orders is None else orders, fail_with=fail)
    return DialogueEngine(
        KeywordParser(), connector, config or DialogueConfig(), templates(), clock=lambda: NOW
    )
