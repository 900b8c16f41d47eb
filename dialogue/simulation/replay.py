"""Replay one ticket through the real dialogue engine, with fresh state and a clock fixed by the ticket.

Customer messages are played in order, one minute apart from the ticket's ``created_at``. The replay stops at a
handoff, and when the bot asks for something (an order number, an email, a postcode) that none of the remaining
customer messages gives: the outcome is then ``would_ask``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dialogue.engine import DialogueEngine, Parser, TurnResult, UserMessage
from dialogue.events import Event, MessageInterpreted
from dialogue.simulation.comparison import agent_action, compare
from dialogue.simulation.results import HANDOFF, WOULD_ANSWER, WOULD_ASK, TicketResult, TurnRecord
from dialogue.simulation.tickets import Ticket
from dialogue.state import ConversationState
from nlu.masking import mask_email, mask_identifier, mask_text
from nlu.types import OUT_OF_SCOPE, ParseResult

TURN_GAP = timedelta(minutes=1)
WISMO_INTENT = "order_status"
# What the bot waits for when it asks the customer for a piece of information.
ASKING = frozenset({"order_id", "email", "postcode", "choose_order"})
# Entities (or intents) in a later message that answer each question.
ANSWERED_BY = {
    "order_id": frozenset({"order_id", "tracking_number", "email", "no_order_number"}),
    "email": frozenset({"email", "order_id"}),
    "postcode": frozenset({"postcode"}),
}
ANSWER_TEMPLATES = frozenset({"thanks", "goodbye"})
# Replies that only the order flow sends: a ticket that got one is about an order's whereabouts.
FLOW_TEMPLATES = frozenset(
    {"ask_order_id", "ask_order_id_again", "ask_email", "ask_email_no_order", "ask_postcode", "choose_order",
     "order_not_found", "orders_not_found_email", "order_stuck"}
)  # fmt: skip
PERSONAL = frozenset({"order_id", "email", "tracking_number", "phone", "postcode", "name"})


# Safety net over nlu.masking: long codes with a run of digits (carrier formats it does not know, such as DHL's
# ``JD01...``) are masked too; a report is no place to guess.
_LONG_CODE = re.compile(r"\b(?=[A-Za-z0-9]*\d{4})[A-Za-z0-9]{8,}\b")


def mask_report_text(text: str) -> str:
    """``text`` as reports may show it: :func:`nlu.masking.mask_text`, plus any long code with digits.

    >>> mask_report_text("DHL JD014600003828331234 for jane@example.com, order #1001")
    'DHL ***34 for j***@e***.com, order #***01'
    """
    return _LONG_CODE.sub(lambda m: mask_identifier(m.group(0)), mask_text(text))


def mask_value(slot: str, value: str) -> str:
    """A slot or entity value as reports may show it.

    >>> mask_value("email", "jane@example.com"), mask_value("order_id", "1001"), mask_value("carrier", "UPS")
    ('j***@e***.com', '***01', 'UPS')
    """
    if slot == "email":
        return mask_email(value)
    return mask_identifier(value) if slot in PERSONAL else value


@dataclass
class MemoParser:
    """The NLU with a per-ticket memo: the look-ahead and the engine then parse each message once."""

    parser: Parser
    _memo: dict[tuple[str, datetime | None], ParseResult] = field(default_factory=dict)

    def parse(
        self, text: str, *, language: str | None = None, reference_time: datetime | None = None
    ) -> ParseResult:
        key = (text, reference_time)
        if language is not None or key not in self._memo:
            result = self.parser.parse(text, language=language, reference_time=reference_time)
            if language is not None:
                return result
            self._memo[key] = result
        return self._memo[key]

    def clear(self) -> None:
        self._memo.clear()


def turn_outcome(result: TurnResult) -> tuple[str, str | None]:
    """``(outcome, reason)`` of one turn: handoff with its reason, a question with what it asks, or an answer."""
    if result.handoff is not None:
        return HANDOFF, result.handoff.reason
    awaiting = result.state.awaiting
    templates = [r.template for r in result.replies]
    if awaiting in ASKING:
        return WOULD_ASK, awaiting
    if awaiting in ("confirm", "anything_else") or any(
        t.startswith("order_found_") or t in ANSWER_TEMPLATES for t in templates
    ):
        return WOULD_ANSWER, None
    return WOULD_ASK, templates[-1] if templates else None


@dataclass
class TicketReplayer:
    """Replays tickets one at a time against ``engine`` (whose parser should be a :class:`MemoParser`).

    Args:
        engine: The dialogue engine, built once per worker.
        low_confidence: A first message scoring below this counts as low confidence.
        max_turns: At most this many customer messages are played per ticket.
    """

    engine: DialogueEngine
    low_confidence: float = 0.5
    max_turns: int = 20

    async def replay(self, ticket: Ticket) -> TicketResult:
        """The bot's run on ``ticket``; fresh state, deterministic for a given engine and ticket."""
        memo = self.engine.parser if isinstance(self.engine.parser, MemoParser) else None
        if memo:
            memo.clear()
        texts = ticket.customer_messages[: self.max_turns]
        events: list[Event] = []
        turns: list[TurnRecord] = []
        results: list[TurnResult] = []
        answered = wismo = False
        for index, text in enumerate(texts):
            now = ticket.created_at + index * TURN_GAP
            message = UserMessage(text, f"sim-{ticket.ticket_id}", f"m{index + 1}", received_at=now)
            result = await self.engine.handle(events, message)
            events.extend(result.new_events)
            results.append(result)
            outcome, reason = turn_outcome(result)
            turns.append(self._record(text, result, outcome, reason))
            answered = answered or result.state.presented
            wismo = wismo or any(
                isinstance(e, MessageInterpreted) and e.kind == "wismo" for e in result.new_events
            )
            if outcome == HANDOFF:
                break
            if (
                outcome == WOULD_ASK
                and reason in ANSWERED_BY
                and not self._given_later(ticket, texts, index, reason)
            ):
                break
        first, last = results[0], results[-1]
        outcome, reason = turns[-1].outcome, turns[-1].reason
        if outcome == HANDOFF and reason == "confirmed" and answered:
            outcome = WOULD_ANSWER
        order_given = bool(last.state.lookups) or "order_id" in last.state.slots
        wismo = wismo or answered or any(t in FLOW_TEMPLATES for turn in turns for t in turn.templates)
        action = agent_action(ticket.tags, ticket.resolution, ticket.agent_messages)
        ranking = first.parse.intent_ranking
        top = ranking[0].confidence if ranking else first.parse.intent.confidence
        return TicketResult(
            ticket_id=ticket.ticket_id,
            source=ticket.source,
            language=first.trace.language,
            intent=first.parse.intent.name,
            confidence=top,
            outcome=outcome,
            reason=reason,
            wismo=wismo or order_given or first.parse.intent.name == WISMO_INTENT,
            order_given=order_given,
            order_found=answered or any(a.outcome == "found" for a in last.state.lookups),
            low_confidence=first.parse.intent.name == OUT_OF_SCOPE or top < self.low_confidence,
            customer_turns=len(ticket.customer_messages),
            turns=tuple(turns),
            agent_action=action,
            comparison=compare(outcome, action),
        )

    def _given_later(self, ticket: Ticket, texts: Sequence[str], index: int, awaiting: str) -> bool:
        """Whether a later customer message answers what the bot asks for."""
        wanted = ANSWERED_BY[awaiting]
        for later in range(index + 1, len(texts)):
            parse = self.engine.parser.parse(
                texts[later], reference_time=ticket.created_at + later * TURN_GAP
            )
            if parse.intent.name in wanted or any(e.entity in wanted for e in parse.entities):
                return True
        return False

    @staticmethod
    def _record(text: str, result: TurnResult, outcome: str, reason: str | None) -> TurnRecord:
        parse = result.parse
        ranking = parse.intent_ranking
        state: ConversationState = result.state
        return TurnRecord(
            text=mask_report_text(text),
            intent=parse.intent.name,
            confidence=ranking[0].confidence if ranking else parse.intent.confidence,
            nearest_intent=next((s.name for s in ranking if s.name != OUT_OF_SCOPE), parse.intent.name),
            language=result.trace.language,
            entities=tuple((e.entity, mask_value(e.entity, e.value)) for e in parse.entities),
            slots=tuple((k, mask_value(k, v)) for k, v in sorted(state.slots.items()) if v is not None),
            templates=tuple(r.template for r in result.replies),
            replies=tuple(mask_report_text(r.text) for r in result.replies),
            rules=tuple(s.rule for s in result.trace.steps),
            outcome=outcome,
            reason=reason,
        )
