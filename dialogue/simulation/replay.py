"""Replay one ticket through the real dialogue engine, with fresh state and a clock fixed by the ticket.

Customer messages are played in order, one minute apart from the ticket's ``created_at``, as the customer wrote
them: a question the bot asks does not stop the replay, since a later message may still answer it or start the
order flow ("hello", then "where is my package?"). The replay stops at a handoff, at a goodbye once the order was
shown, or when the customer's messages run out; when the bot is then still waiting for something (an order
number, an email, a postcode) the outcome is ``would_ask``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from dialogue.engine import DialogueEngine, TurnResult, UserMessage
from dialogue.events import Event, SlotSet
from dialogue.policy import PENDING_ANSWERS
from dialogue.simulation.comparison import agent_action, compare
from dialogue.simulation.results import HANDOFF, WOULD_ANSWER, WOULD_ASK, TicketResult, TurnRecord
from dialogue.simulation.tickets import Ticket
from dialogue.state import ConversationState
from nlu.masking import mask_email, mask_identifier, mask_text
from nlu.types import OUT_OF_SCOPE

TURN_GAP = timedelta(minutes=1)
WISMO_INTENT = "order_status"
ANSWER_TEMPLATES = frozenset({"thanks", "goodbye"})
RESOLVED_TEMPLATE = "goodbye"
# The slot the policy sets when a message starts the order-status flow (dialogue.reading: an order_status
# intent, or an order number, email or tracking number with no other topic).
FLOW_SLOT, WISMO_FLOW = "flow", "wismo"
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


def turn_outcome(result: TurnResult) -> tuple[str, str | None]:
    """``(outcome, reason)`` of one turn: handoff with its reason, a question with what it asks, or an answer."""
    if result.handoff is not None:
        return HANDOFF, result.handoff.reason
    awaiting = result.state.awaiting
    templates = [r.template for r in result.replies]
    if awaiting in PENDING_ANSWERS:  # the bot asks the customer for a piece of information
        return WOULD_ASK, awaiting
    if awaiting in ("confirm", "anything_else") or any(
        t.startswith("order_found_") or t in ANSWER_TEMPLATES for t in templates
    ):
        return WOULD_ANSWER, None
    return WOULD_ASK, templates[-1] if templates else None


def started_order_flow(events: Sequence[Event]) -> bool:
    """Whether the policy started the order-status flow in these events (its own trigger, not a guess).

    >>> started_order_flow([SlotSet("flow", "wismo")]), started_order_flow([SlotSet("order_id", "1025")])
    (True, False)
    """
    return any(isinstance(e, SlotSet) and e.slot == FLOW_SLOT and e.value == WISMO_FLOW for e in events)


@dataclass
class TicketReplayer:
    """Replays tickets one at a time against ``engine``.

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
            wismo = wismo or started_order_flow(result.new_events)
            if outcome == HANDOFF or (answered and RESOLVED_TEMPLATE in turns[-1].templates):
                break  # the team has the conversation, or the bot showed the order and said goodbye
        first, last = results[0], results[-1]
        outcome, reason = turns[-1].outcome, turns[-1].reason
        if outcome == HANDOFF and reason == "confirmed" and answered:
            outcome = WOULD_ANSWER
        order_given = wismo and (bool(last.state.lookups) or "order_id" in last.state.slots)
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
            wismo=wismo or first.parse.intent.name == WISMO_INTENT,
            order_given=order_given,
            order_found=answered or any(a.outcome == "found" for a in last.state.lookups),
            low_confidence=first.parse.intent.name == OUT_OF_SCOPE or top < self.low_confidence,
            customer_turns=len(ticket.customer_messages),
            turns=tuple(turns),
            agent_action=action,
            comparison=compare(outcome, action),
        )

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
