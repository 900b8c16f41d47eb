"""How the policy reads the latest message: what kind of turn it is and which slots it fills.

Pure: a function of the state (which holds the parse) and the config. The result becomes a
:class:`~dialogue.events.MessageInterpreted` event and :class:`~dialogue.events.SlotSet` events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogue.choice import choose_order
from dialogue.config import DialogueConfig
from dialogue.state import ConversationState
from nlu.types import ParseResult

TOPIC_INTENTS = frozenset(
    {"cancel_order", "change_order", "return_refund", "payment_issue", "complaint", "product_question"}
    | {"account_issue"}
)
# Entities kept as slots for the agent even when the flow does not use them.
INFO_ENTITIES = ("tracking_number", "carrier", "order_date", "phone")
_POSTCODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,10}$")

Slot = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class Reading:
    """The policy's reading of one message.

    Attributes:
        kind: request_human, other_topic, confirm, wrong_order, correction, choice, no_order_number, greet,
            thanks, goodbye, affirm, wismo, inform or not_understood.
        topic: The support topic for ``other_topic`` (the intent), else the intent itself.
        slots: Slot changes, in the order they must be applied.
    """

    kind: str
    topic: str | None
    slots: tuple[Slot, ...]


def pick_order_id(values: list[str], current: str | None) -> str | None:
    """The order number meant: with "it's 1002 not 1001", the one that is not the current slot.

    >>> pick_order_id(["1002", "1001"], "1001")
    '1002'
    >>> pick_order_id(["1001", "1002"], "1001")
    '1002'
    >>> pick_order_id([], None) is None
    True
    """
    fresh = [v for v in values if v != current]
    return fresh[0] if fresh else (values[0] if values else None)


def normalise_postcode(text: str) -> str | None:
    """A postcode-looking answer, upper-cased without spaces, or ``None``.

    >>> normalise_postcode(" sw1a 1aa ")
    'SW1A1AA'
    """
    text = text.strip().rstrip(".!")
    return text.replace(" ", "").replace("-", "").upper() if _POSTCODE.match(text) else None


def _info_slots(state: ConversationState, parse: ParseResult) -> list[Slot]:
    slots: list[Slot] = []
    for name in INFO_ENTITIES:
        entity = parse.first(name)
        if entity and state.slots.get(name) != entity.value:
            slots.append((name, entity.value))
    return slots


def read_message(state: ConversationState, config: DialogueConfig) -> Reading:
    """Read ``state.last_parse`` in the context of the conversation so far."""
    parse = state.last_parse
    if parse is None:
        return Reading("not_understood", None, ())
    intent = parse.intent.name
    current_id = state.slots.get("order_id")
    order_id = pick_order_id(parse.entity_values("order_id"), current_id)
    email_entity = parse.first("email")
    email = email_entity.value if email_entity else None
    info = _info_slots(state, parse)
    new_id = order_id is not None and (order_id != current_id or state.order is None)
    new_email = email is not None and email != state.slots.get("email")

    def flow_slots(*extra: Slot) -> tuple[Slot, ...]:
        slots: list[Slot] = [] if state.slots.get("flow") else [("flow", "wismo")]
        if state.slots.get("order_confirmed"):
            slots.append(("order_confirmed", None))
        if new_email and order_id is None and current_id is None and state.awaiting in (None, "order_id"):
            slots.append(("lookup_by", "email"))  # an email where a number was expected: look up by email
        if new_id and state.slots.get("lookup_by"):
            slots.append(("lookup_by", None))
        slots.extend(extra)
        if new_email:
            slots.append(("email", email))
        if new_id:
            slots.append(("order_id", order_id))
        return (*info, *slots)

    if intent == "request_human":
        return Reading("request_human", intent, tuple(x for x in flow_slots() if x[0] != "flow"))
    awaiting = state.awaiting
    if awaiting == "choose_order" and state.candidates:
        chosen = choose_order(parse.text, parse.entities, state.candidates, config.fuzzy_threshold)
        if chosen is not None:
            return Reading("choice", intent, (*info, ("order_id", chosen.order_id)))
    if awaiting == "postcode" and config.verification == "postcode" and not new_email:
        postcode = normalise_postcode(parse.text)
        if postcode:
            return Reading("inform", intent, (("postcode", postcode),))
    if intent in TOPIC_INTENTS:
        return Reading("other_topic", intent, (*info, *((("order_id", order_id),) if new_id else ())))
    if awaiting == "confirm" and state.order is not None:
        if new_id:
            return Reading("correction", intent, flow_slots())
        if intent in ("affirm", "thanks"):
            return Reading("confirm", intent, (("order_confirmed", state.order.order_id),))
        if intent == "deny":
            return Reading("wrong_order", intent, (("order_id", None),))
    if awaiting == "choose_order" and state.candidates and intent == "deny" and not new_id:
        return Reading("wrong_order", intent, (("lookup_by", None),))
    if awaiting == "anything_else":
        if intent in ("deny", "thanks", "goodbye"):
            return Reading("goodbye", intent, (("flow", None),))
        if intent == "affirm" and not (new_id or new_email):
            return Reading("affirm", intent, ())
    if intent == "no_order_number":
        return Reading("no_order_number", intent, flow_slots(("lookup_by", "email"), ("order_id", None)))
    if intent == "goodbye" and not (new_id or new_email):
        return Reading("goodbye", intent, (("flow", None),))
    if intent == "thanks" and not (new_id or new_email):
        return Reading("thanks", intent, ())
    if new_id or new_email or (parse.first("tracking_number") and intent != "greet"):
        kind = "correction" if new_id and current_id and order_id != current_id else "inform"
        return Reading("wismo" if intent == "order_status" else kind, intent, flow_slots())
    if intent == "greet":
        return Reading("greet", intent, tuple(info))
    if intent == "order_status":
        restart = (("order_id", None),) if state.slots.get("order_confirmed") or state.presented else ()
        return Reading("wismo", intent, flow_slots(*restart))
    return Reading("not_understood", intent, tuple(info))
