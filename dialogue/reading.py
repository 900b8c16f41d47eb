"""How the policy reads the latest message: what kind of turn it is and which slots it fills.

Pure: a function of the state (which holds the parse) and the config. The result becomes a
:class:`~dialogue.events.MessageInterpreted` event and :class:`~dialogue.events.SlotSet` events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogue.choice import choose_order, names_a_choice
from dialogue.config import DialogueConfig
from dialogue.state import FAILED_OUTCOMES, ConversationState
from nlu.extractors.order_id import offered_order_number
from nlu.types import ParseResult

TOPIC_INTENTS = frozenset(
    {"cancel_order", "change_order", "return_refund", "payment_issue", "complaint", "product_question"}
    | {"account_issue"}
)
# Intents that answer "which one?" with something else than a choice; they keep their own reading.
NOT_A_CHOICE_INTENTS = frozenset({"deny", "goodbye", "thanks", "order_status", "no_order_number"})
# Entities kept as slots for the agent even when the flow does not use them.
INFO_ENTITIES = ("tracking_number", "carrier", "order_date", "phone")
_POSTCODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,10}$")
# "yes, but when will it arrive?": a question about the order shown that starts by saying it is the one.
_AFFIRM_START = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|ok(?:ay)?|right|correct|exactly|that'?s (?:it|the one|right)|oui|ouais|"
    r"exact(?:ement)?|c'?est (?:[çc]a|bien [çc]a|elle|la bonne))\b",
    re.IGNORECASE,
)
# "but I never received it", "je l'ai pas reçue": said of the order shown, a delivery dispute for the team.
# Between the negation and the verb only words that keep the sense ("not yet arrived", "never actually got it",
# "no parcel has come"): "no problem, got it" is no dispute.
_EN_BETWEEN = r"(?:(?:yet|it|them|even|ever|really|still|actually|been|have|has|had|the|my|parcel|package|order)\s+){0,2}"
_FR_BETWEEN = r"(?:(?:encore|toujours|vraiment|[ée]t[ée]|jamais|du|le|la|mon|ma|colis)\s+){0,2}"
_NOT_RECEIVED = re.compile(
    rf"(?:\b(?:not|never|nothing|no)|n't)\s+{_EN_BETWEEN}(?:received|got|arrived|come|delivered|turned up|shown up)\b|"
    rf"\b(?:pas|jamais|rien)\s+{_FR_BETWEEN}(?:re[çc]ue?s?|arriv[ée]e?s?|eu|livr[ée]e?s?)\b|"
    rf"\bn'(?:ai|est|avons)\s+{_FR_BETWEEN}(?:pas|jamais|rien)\s+{_FR_BETWEEN}(?:re[çc]ue?s?|arriv[ée]e?s?|eu)\b",
    re.IGNORECASE,
)
# "I can't get into that mailbox any more", "j'ai plus accès à ce mail": ownership can't be proven by email.
_LOST_EMAIL = re.compile(
    r"\b(?:no (?:longer|more) (?:have )?access|(?:lost|no) access|can'?t (?:access|get into|log into)|"
    r"(?:plus|pas) (?:d'|l')?acc[èe]s|n'ai plus (?:cette|ce|l')|perdu l'acc[èe]s)\b.*\b(?:e-?mail|mail|adresse|"
    r"inbox|mailbox|account|bo[iî]te|compte|courriel)",
    re.IGNORECASE,
)
# Where a "yes" answers the not-found reply ("check the number"): the customer insists the details are right.
INSIST_AWAITING = frozenset({"order_id", "email", "postcode"})
_POSTCODE_CUE = re.compile(
    r"(?:post\s?code|zip(?:\s?code)?|code\s+postal|postal\s+code|\bcp)\s*(?:is|est|was|:)?\s*"
    r"(?P<value>[A-Za-z0-9][A-Za-z0-9 \-]{1,9}[A-Za-z0-9])\s*[.!]*$",
    re.IGNORECASE,
)

Slot = tuple[str, str | None]
# What designated the order shown: forgotten when the customer says it is not theirs or asks about another one.
FORGET_ORDER: tuple[Slot, ...] = (("order_id", None), ("tracking_number", None))


@dataclass(frozen=True, slots=True)
class Reading:
    """The policy's reading of one message.

    Attributes:
        kind: request_human, other_topic, confirm, wrong_order, correction, choice, unclear_choice,
            no_order_number, greet, thanks, goodbye, affirm, insists (a "yes" to "please check the number"),
            bad_email (an answer with an "@" but no address that could be read),
            wismo, inform or not_understood.
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


def other_order_ids(ids: list[str], chosen: str, current: str | None, noted: str | None) -> str | None:
    """The order numbers named besides the one looked up ("1001 and 1002"), as ``"1002 1003"``, or ``None``.

    Numbers noted before stay noted until one of them is the order looked up.

    >>> other_order_ids(["1001", "1002"], "1001", None, None)
    '1002'
    >>> other_order_ids(["1002", "1001"], "1002", "1001", None) is None  # "it's 1002 not 1001": a correction
    True
    >>> other_order_ids(["1002"], "1002", "1001", "1002") is None
    True
    """
    named = [*(noted.split() if noted else []), *ids]
    others = [v for v in dict.fromkeys(named) if v not in (chosen, current)]
    return " ".join(others) or None


def normalise_postcode(text: str) -> str | None:
    """A postcode-looking answer, upper-cased without spaces, or ``None``.

    >>> normalise_postcode(" sw1a 1aa ")
    'SW1A1AA'
    """
    text = text.strip().rstrip(".!")
    return text.replace(" ", "").replace("-", "").upper() if _POSTCODE.match(text) else None


def offered_order_id(parse: ParseResult) -> str | None:
    """A lone number in a short answer, read as the order number the bot has just asked for.

    The NLU takes a bare number only with a context word or as the whole message; once the bot has asked for
    an order number, "try 9998" is an answer too (:func:`~nlu.extractors.order_id.offered_order_number`).
    A number the NLU already read as something else (a phone, a date, a tracking number) is left alone.

    >>> from nlu.types import IntentScore
    >>> offered_order_id(ParseResult("try 9998", IntentScore("inform", 1.0)))
    '9998'
    """
    offered = offered_order_number(parse.text)
    if offered is None or any(e.start < offered.end and offered.start < e.end for e in parse.entities):
        return None
    return offered.value


def stated_postcode(text: str) -> str | None:
    """A postcode the message names as one ("my postcode is SW1A 1AA", "code postal : 75011").

    >>> stated_postcode("my postcode is SW1A 1AA"), stated_postcode("le code postal est 75011")
    ('SW1A1AA', '75011')
    """
    match = _POSTCODE_CUE.search(text)
    return normalise_postcode(match.group("value")) if match else None


def _shape(value: str) -> str:
    """``9`` for each digit, ``A`` for each letter: ``_shape("SW1A1AA") == "AA9A9AA"``."""
    return "".join("9" if c.isdigit() else "A" if c.isalpha() else c for c in value)


def postcode_retry(text: str, postcode: str, order_id: str) -> str | None:
    """After a failed look-up, a bare answer shaped like the postcode given before, not like the order number.

    The not-found reply asks to check both; "75011" after postcode "75012" for order 1003 is the postcode.
    When both have the same shape the answer stays an order number, as the NLU read it.

    >>> postcode_retry("75011", "75012", "1003"), postcode_retry("1004", "75012", "1003")
    ('75011', None)
    """
    value = normalise_postcode(text)
    if value is None or value == order_id.upper() or _shape(postcode) == _shape(order_id.upper()):
        return None
    return value if _shape(value) == _shape(postcode) else None


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
    ids = parse.entity_values("order_id")
    if not ids and state.awaiting == "order_id":
        offered = offered_order_id(parse)
        ids = [offered] if offered else []
    order_id = pick_order_id(ids, current_id)
    email_entity = parse.first("email")
    email = email_entity.value if email_entity else None
    info = _info_slots(state, parse)
    new_id = order_id is not None and (order_id != current_id or state.order is None)
    new_email = email is not None and email != state.slots.get("email")

    def flow_slots(*extra: Slot) -> tuple[Slot, ...]:
        slots: list[Slot] = [] if state.slots.get("flow") else [("flow", "wismo")]
        if state.slots.get("order_confirmed"):
            slots.append(("order_confirmed", None))
        # an email where a number was expected: look up by email, unless a tracking number names the order
        named = config.lookup_by_tracking and (
            parse.first("tracking_number") is not None or _tracking_untried(state)
        )
        if new_email and order_id is None and current_id is None and state.awaiting in (None, "order_id"):
            slots.extend([] if named else [("lookup_by", "email")])
        if new_id and state.slots.get("lookup_by"):
            slots.append(("lookup_by", None))
        slots.extend(extra)
        if new_email:
            slots.append(("email", email))
        if new_id and order_id is not None:
            slots.append(("order_id", order_id))
            others = other_order_ids(ids, order_id, current_id, state.slots.get("other_order_ids"))
            if others != state.slots.get("other_order_ids"):
                slots.append(("other_order_ids", others))
        return (*info, *slots)

    awaiting = state.awaiting
    if awaiting == "choose_order" and state.candidates:
        # An answer that designates exactly one listed order is the choice, whatever intent it reads as
        # ("scarf please" reads as a request for a human, "the one with the mugs" as a complaint).
        chosen = choose_order(parse.text, parse.entities, state.candidates, config.fuzzy_threshold)
        if chosen is not None:
            return Reading("choice", intent, (*info, ("order_id", chosen.order_id)))
    if intent == "request_human":
        return Reading("request_human", intent, tuple(x for x in flow_slots() if x[0] != "flow"))
    if awaiting == "choose_order" and state.candidates:
        # "the third one" of two, "yes", "hmm": ask which again rather than hand off ("the third one" reads
        # as a complaint). A topic intent that names no order still goes to its team.
        tries_to_choose = intent not in TOPIC_INTENTS or names_a_choice(parse.text, parse.entities)
        if tries_to_choose and intent not in NOT_A_CHOICE_INTENTS and not (new_id or new_email):
            return Reading("unclear_choice", intent, tuple(info))
    if config.verification == "postcode" and not new_email:
        postcode = None
        if awaiting == "postcode":
            postcode = normalise_postcode(parse.text) or stated_postcode(parse.text)
        retrying = _last_lookup_failed(state) and state.lookups[-1].by == "order_id"
        if awaiting == "order_id" and current_id and state.slots.get("postcode") and retrying:
            # "check the number and postcode": the answer may correct either
            retry = postcode_retry(parse.text, state.slots["postcode"], current_id)
            postcode = retry or stated_postcode(parse.text)
        if postcode:
            return Reading("inform", intent, (("postcode", postcode),))
    if awaiting == "confirm" and state.order is not None and _NOT_RECEIVED.search(parse.text):
        # "yes but I never got it": this is the order, and its delivery is disputed: the team takes it
        return Reading("other_topic", "complaint", (*info, ("order_confirmed", state.order.order_id)))
    if awaiting == "email" and _LOST_EMAIL.search(parse.text):
        return Reading("other_topic", "account_issue", tuple(info))  # keeps the order number for the team
    if intent in TOPIC_INTENTS:
        given = (*((("order_id", order_id),) if new_id else ()), *((("email", email),) if new_email else ()))
        return Reading("other_topic", intent, (*info, *given))
    if awaiting == "confirm" and state.order is not None:
        if new_id:
            return Reading("correction", intent, flow_slots())
        if intent in ("affirm", "thanks") or (intent == "order_status" and _AFFIRM_START.match(parse.text)):
            return Reading("confirm", intent, (("order_confirmed", state.order.order_id),))
        if intent == "deny":
            return Reading("wrong_order", intent, FORGET_ORDER)
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
        restart = FORGET_ORDER if state.slots.get("order_confirmed") or state.presented else ()
        return Reading("wismo", intent, flow_slots(*restart))
    if awaiting == "email" and "@" in parse.text and intent not in TOPIC_INTENTS:
        return Reading("bad_email", intent, tuple(info))  # "marie@exemple,fr": no address could be read
    if intent == "affirm" and awaiting in INSIST_AWAITING and _last_lookup_failed(state):
        return Reading("insists", intent, tuple(info))
    return Reading("not_understood", intent, tuple(info))


def _tracking_untried(state: ConversationState) -> bool:
    """A tracking number was given and no look-up by it has been made yet."""
    tracking = state.slots.get("tracking_number")
    return bool(tracking) and not any(
        a.by == "tracking_number" and a.query == tracking for a in state.lookups
    )


def _last_lookup_failed(state: ConversationState) -> bool:
    return bool(state.lookups) and state.lookups[-1].outcome in FAILED_OUTCOMES
