"""The dialogue engine: one customer message in, new events, replies, handoff and trace out.

It stores nothing: the caller loads the conversation's events, calls :meth:`DialogueEngine.handle` under a
per-conversation lock, and appends ``TurnResult.new_events``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from dialogue.actions import ActionContext, hand_off, run_action
from dialogue.config import DialogueConfig
from dialogue.connectors.base import OrderConnector
from dialogue.events import (
    BotUttered,
    ConversationReset,
    CustomerIdentified,
    Event,
    HandoffRequested,
    UserUttered,
)
from dialogue.handoff import Handoff
from dialogue.policy import HandOff, Listen, next_action
from dialogue.state import ConversationState, apply, replay
from dialogue.templates import Templates
from dialogue.trace import TraceStep, TurnTrace
from nlu.types import ParseResult

logger = logging.getLogger(__name__)
# Words of letters only, not inside an email, URL or identifier ("1Z999AA...", "jane@example.com").
_LETTER_WORD = re.compile(r"(?<![\w@./-])[^\W\d_]{2,}(?![\w@]|[./-]\w)")
MIN_WORDS_FOR_LANGUAGE = 3
SURE_LANGUAGE = 0.8  # below it, a short first message gets the default language


class Parser(Protocol):
    """What the engine needs of the NLU (``nlu.engine.NLUEngine`` satisfies it)."""

    def parse(
        self, text: str, *, language: str | None = None, reference_time: datetime | None = None
    ) -> ParseResult: ...


@dataclass(frozen=True, slots=True)
class Customer:
    """Who the channel says the customer is; ``verified`` when the channel authenticated them."""

    email: str | None = None
    verified: bool = False
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"email": self.email, "verified": self.verified, "name": self.name}


@dataclass(frozen=True, slots=True)
class UserMessage:
    """One customer message as a channel delivers it."""

    text: str
    conversation_id: str
    message_id: str | None = None
    language: str | None = None
    customer: Customer | None = None
    received_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BotReply:
    """One reply to send, with the template it came from."""

    text: str
    template: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "template": self.template}


@dataclass(frozen=True)
class TurnResult:
    """What one message produced. ``state`` is the state after the turn."""

    new_events: tuple[Event, ...]
    replies: tuple[BotReply, ...]
    parse: ParseResult
    state: ConversationState
    handoff: Handoff | None
    trace: TurnTrace
    repeated: bool = False  # the answer to a message seen before, rebuilt from the store; nothing changed

    def to_dict(self) -> dict[str, Any]:
        return {
            "replies": [r.to_dict() for r in self.replies],
            "parse": self.parse.to_dict(),
            "slots": dict(self.state.slots),
            "state": self.state.to_dict(),
            "handoff": self.handoff.to_dict() if self.handoff else None,
            "trace": self.trace.to_dict(),
            "new_events": [e.to_dict() for e in self.new_events],
        }


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class DialogueEngine:
    """Runs the WISMO policy for one message at a time.

    Args:
        parser: The NLU (anything with ``parse(text, *, language, reference_time)``).
        connector: Where orders are looked up.
        config: The validated ``dialogue:`` config.
        templates: Validated reply templates.
        clock: Time source when a message has no ``received_at``.
    """

    parser: Parser
    connector: OrderConnector
    config: DialogueConfig
    templates: Templates
    clock: Callable[[], datetime] = field(default=_utcnow)

    def __post_init__(self) -> None:
        if self.config.lookup_by_tracking and not self.connector.finds_by_tracking:
            # Shopify, WooCommerce and BigCommerce cannot search by tracking number: ask for the order number
            self.config = replace(self.config, lookup_by_tracking=False)

    def _language(self, message: UserMessage, parse: ParseResult, state: ConversationState) -> str:
        languages = self.config.languages
        if message.language in languages:
            return str(message.language)
        # Short replies ("1001", "oui") say little about the language: keep the conversation's.
        if state.turn and len(message.text.split()) < 3 and state.language in languages:
            return state.language
        # A short message with no real word or an unsure guess ("1Z999AA10123456784" reads 0.5 French) keeps
        # the language of a conversation restarted after idling, else gets the default language.
        words = _LETTER_WORD.findall(message.text)
        if len(words) < MIN_WORDS_FOR_LANGUAGE and (not words or parse.language_confidence < SURE_LANGUAGE):
            restarted = state.last_activity is not None and state.language in languages
            return state.language if restarted else self.config.default_language
        return parse.language if parse.language in languages else self.config.default_language

    async def handle(self, events: Sequence[Event], message: UserMessage) -> TurnResult:
        """Process one message given the conversation's past events; returns only the new events."""
        now = message.received_at or self.clock()
        state = replay(events)
        new: list[Event] = []

        def add(event: Event) -> None:
            nonlocal state
            new.append(event)
            state = apply(state, event)

        reset = bool(
            events
            and not state.handed_off
            and state.last_activity is not None
            and (now - state.last_activity).total_seconds() > self.config.session_ttl
        )
        if reset:
            add(ConversationReset(reason="idle", timestamp=now))
        customer = message.customer
        if customer and (customer.email, customer.verified and bool(customer.email), customer.name) != (
            state.customer_email,
            state.customer_verified,
            state.customer_name,
        ):
            add(
                CustomerIdentified(
                    email=customer.email,
                    verified=customer.verified,
                    customer_name=customer.name,
                    timestamp=now,
                )
            )
        parse = self.parser.parse(message.text, language=message.language, reference_time=now)
        language = self._language(message, parse, state)
        add(
            UserUttered(
                text=message.text,
                parse=parse,
                message_id=message.message_id,
                language=language,
                timestamp=now,
            )
        )
        ctx = ActionContext(
            self.connector, self.config, self.templates, f"{message.conversation_id}:{state.turn}", now
        )
        steps: list[TraceStep] = []
        for _ in range(self.config.max_actions_per_turn):
            decision = next_action(state, self.config)
            produced = (
                [] if isinstance(decision.action, Listen) else await run_action(decision.action, state, ctx)
            )
            template = next((e.template for e in produced if isinstance(e, BotUttered)), None)
            steps.append(TraceStep(decision.rule, decision.reason, decision.action.kind, template))
            if isinstance(decision.action, Listen):
                break
            for event in produced:
                add(event)
        else:
            logger.error(
                "dialogue.action_cap_reached max=%d rule=%s", self.config.max_actions_per_turn, steps[-1].rule
            )
            for event in hand_off(
                HandOff("not_understood", state.topic, ("handoff_not_understood",)),
                state,
                ctx,
                ("action_cap",),
            ):
                add(event)
            steps.append(
                TraceStep(
                    "action_cap",
                    "max_actions_per_turn reached: a policy bug, handing off",
                    "handoff",
                    "handoff_not_understood",
                )
            )
        replies = tuple(BotReply(e.text, e.template) for e in new if isinstance(e, BotUttered))
        handoff = next((e.handoff for e in new if isinstance(e, HandoffRequested)), None)
        trace = TurnTrace.build(parse, language, tuple(steps), reset=reset, silent=not replies)
        logger.info(
            "dialogue.turn intent=%s rules=%s replies=%d handoff=%s",
            parse.intent.name,
            ",".join(s.rule for s in steps),
            len(replies),
            handoff.reason if handoff else None,
        )
        return TurnResult(tuple(new), replies, parse, state, handoff, trace)
