"""The WISMO policy: an ordered table of declarative rules over the conversation state. Pure, no I/O.

:func:`next_action` returns the first rule that applies, with its name and why it fired, so that a trace can
explain every reply. Actions that touch the outside world are only *named* here; :mod:`dialogue.actions`
runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from dialogue.config import DialogueConfig
from dialogue.connectors.fields import has_parcel
from dialogue.orders import Order, OrderStatus
from dialogue.reading import Reading, read_message
from dialogue.state import FAILED_OUTCOMES, UNANSWERED_READINGS, ConversationState

MOVING_STATUSES = frozenset({OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.OUT_FOR_DELIVERY})
# Questions of the flow that a "thanks" does not answer: the bot thanks, then asks again.
PENDING_ANSWERS = frozenset({"order_id", "email", "postcode", "choose_order"})


@dataclass(frozen=True)
class Listen:
    """Stop and wait for the customer."""

    kind: str = "listen"


@dataclass(frozen=True)
class Interpret:
    """Record how the latest message reads (a pure action)."""

    reading: Reading
    kind: str = "interpret"


@dataclass(frozen=True)
class SetSlots:
    """Set slots without a message (e.g. a hint picks one of several orders)."""

    slots: tuple[tuple[str, str | None], ...]
    kind: str = "set_slots"


@dataclass(frozen=True)
class Utter:
    """Send a template; ``order``/``orders`` provide the order variables; ``ends_turn=False`` says more follows."""

    template: str
    awaiting: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    order: Order | None = None
    orders: tuple[Order, ...] = ()
    ends_turn: bool = True
    kind: str = "utter"


@dataclass(frozen=True)
class LookupOrder:
    """Look one order up by number, then check it against the verification value."""

    order_id: str
    kind: str = "lookup_order"


@dataclass(frozen=True)
class LookupByEmail:
    """Look the customer's recent orders up by email."""

    email: str
    kind: str = "lookup_by_email"


@dataclass(frozen=True)
class LookupByTracking:
    """Look one order up by the tracking number of one of its parcels, then check the verification value."""

    tracking_number: str
    kind: str = "lookup_by_tracking"


@dataclass(frozen=True)
class HandOff:
    """Tell the customer (``templates``) and hand the conversation to the team."""

    reason: str
    topic: str | None
    templates: tuple[str, ...]
    order: Order | None = None
    kind: str = "handoff"


Action = Listen | Interpret | SetSlots | Utter | LookupOrder | LookupByEmail | LookupByTracking | HandOff


@dataclass(frozen=True, slots=True)
class Decision:
    """The action to run, the rule that chose it, and why."""

    action: Action
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class Rule:
    """When ``when`` holds, ``then`` gives the action; ``why`` is what the trace says."""

    name: str
    why: str
    when: Callable[[ConversationState, DialogueConfig], bool]
    then: Callable[[ConversationState, DialogueConfig], Action]


def is_stuck(order: Order, now: datetime | None, stale_after_hours: float) -> bool:
    """An order in an exception state, or moving with no tracking event for ``stale_after_hours``.

    >>> from dialogue.orders import Fulfilment
    >>> shipped = datetime(2025, 3, 1)
    >>> order = Order("1", "a@b.c", OrderStatus.SHIPPED, fulfilments=(Fulfilment(shipped_at=shipped),))
    >>> is_stuck(order, datetime(2025, 3, 2), 72), is_stuck(order, datetime(2025, 3, 5), 72)
    (False, True)
    """
    if order.status is OrderStatus.EXCEPTION or any(
        f.status is OrderStatus.EXCEPTION for f in order.fulfilments
    ):
        return True
    if order.status not in MOVING_STATUSES or now is None:
        return False
    moments = [f.last_event_at or f.shipped_at for f in order.fulfilments]
    latest = max((m for m in moments if m is not None), default=None)
    if latest is None:
        return False
    if (latest.tzinfo is None) != (now.tzinfo is None):
        latest, now = latest.replace(tzinfo=None), now.replace(tzinfo=None)
    return now - latest > timedelta(hours=stale_after_hours)


def hinted_candidate(state: ConversationState) -> Order | None:
    """The one listed order matching a tracking number or order date the customer already gave."""
    tracking, day = state.slots.get("tracking_number"), state.slots.get("order_date")
    matches = [
        o
        for o in state.candidates
        if (tracking and has_parcel(o, tracking))
        or (day and o.created_at and o.created_at.date().isoformat() == day)
    ]
    return matches[0] if len(matches) == 1 else None


def verification_value(state: ConversationState, config: DialogueConfig) -> str | None:
    """What proves ownership in this conversation so far (typed email, channel-verified email, postcode)."""
    if config.verification == "email":
        return state.slots.get("email") or state.verified_email
    if config.verification == "postcode":
        return state.slots.get("postcode")
    return "-"


def _flow(state: ConversationState) -> bool:
    return state.slots.get("flow") == "wismo"


def _tracking_due(state: ConversationState, config: DialogueConfig) -> bool:
    """A tracking number but no order number, not looked up yet or looked up before the email or postcode
    changed."""
    tracking = state.slots.get("tracking_number")
    tried = any(a.by == "tracking_number" and a.query == tracking for a in state.lookups)
    return (
        config.lookup_by_tracking
        and _flow(state)
        and not _by_email(state)
        and not state.slots.get("order_id")
        and bool(tracking)
        and (state.lookup_due or not tried)
    )


def _by_email(state: ConversationState) -> bool:
    return state.slots.get("lookup_by") == "email"


def _email(state: ConversationState) -> str | None:
    return state.slots.get("email") or state.verified_email


def _handoff(reason: str, *templates: str) -> Callable[[ConversationState, DialogueConfig], Action]:
    def then(state: ConversationState, config: DialogueConfig) -> Action:
        topic = state.topic if reason == "other_topic" else ("order_status" if _flow(state) else state.topic)
        order = state.order if reason == "stuck_shipment" else None
        return HandOff(reason, topic, (*templates, f"handoff_{reason}"), order)

    return then


def present(state: ConversationState) -> Utter:
    """The reply that shows the verified order and asks the customer to confirm it."""
    assert state.order is not None
    return Utter(f"order_found_{state.order.status.value}", "confirm", order=state.order)


def reprompt(state: ConversationState, config: DialogueConfig) -> Action:
    """Ask again for what the bot is waiting for."""
    if state.awaiting == "confirm" and state.order is not None:
        return present(state)
    if state.awaiting == "choose_order" and state.candidates:
        return Utter("choose_order", "choose_order", orders=state.candidates[: config.max_orders_listed])
    if state.awaiting == "email":
        return Utter("ask_email_no_order" if _by_email(state) else "ask_email", "email", _id_vars(state))
    if state.awaiting == "postcode":
        return Utter("ask_postcode", "postcode")
    if _flow(state) or state.awaiting == "order_id":
        return Utter("ask_order_id", "order_id")
    return Utter("how_can_i_help")


def _other_orders(state: ConversationState) -> dict[str, Any]:
    assert state.order is not None
    return {
        "order_id": state.order.order_id,
        "other_order_ids": ", ".join(state.slots["other_order_ids"].split()),
    }


def _id_vars(state: ConversationState) -> dict[str, Any]:
    return {"order_id": state.slots.get("order_id", "")}


def _not_found_template(config: DialogueConfig) -> str:
    # The reply names what to check; it depends only on the config, never on why the look-up failed.
    return "order_not_found_postcode" if config.verification == "postcode" else "order_not_found"


def _reading(kind: str) -> Callable[[ConversationState, DialogueConfig], bool]:
    return lambda s, c: s.reading == kind


def _failed_lookup(by: str) -> Callable[[ConversationState, DialogueConfig], bool]:
    return lambda s, c: s.turn_lookup in FAILED_OUTCOMES and bool(s.lookups) and s.lookups[-1].by == by


RULES: tuple[Rule, ...] = (
    Rule("turn_complete", "the bot has answered this message", lambda s, c: s.turn_done, lambda s, c: Listen()),
    Rule("silent_after_handoff", "the conversation is with the human team until released",
         lambda s, c: s.handed_off, lambda s, c: Listen()),
    Rule("read_message", "a new message is read before anything else",
         lambda s, c: s.pending_message, lambda s, c: Interpret(read_message(s, c))),
    Rule("human_requested", "the customer asked for a human", _reading("request_human"),
         _handoff("requested_human")),
    Rule("other_topic", "a neighbouring support topic goes to its team at once", _reading("other_topic"),
         _handoff("other_topic")),
    Rule("insists_not_found", "the customer says the details that found nothing are right: a person checks",
         _reading("insists"), _handoff("not_found")),
    Rule("not_understood_again", "too many messages in a row were not understood",
         lambda s, c: s.reading == "not_understood" and s.not_understood_streak >= c.max_not_understood,
         _handoff("not_understood")),
    Rule("ask_rephrase", "the message was out of scope, below the confidence threshold, or no answer here",
         _reading("not_understood"), lambda s, c: Utter("rephrase", s.awaiting)),
    Rule("unanswered_handoff", "max_attempts answers in a row gave nothing usable (no listed order, no email)",
         lambda s, c: s.reading in UNANSWERED_READINGS and s.unanswered_streak >= c.max_attempts,
         _handoff("not_understood")),
    Rule("ask_which_again", "the answer picked none of the listed orders: list them again",
         lambda s, c: s.reading == "unclear_choice" and bool(s.candidates),
         lambda s, c: Utter("choose_order_again", "choose_order", orders=s.candidates[: c.max_orders_listed])),
    Rule("say_goodbye", "the customer is leaving", _reading("goodbye"), lambda s, c: Utter("goodbye")),
    Rule("thank_and_continue", "thanks while the flow still needs an answer: thank, then ask again",
         lambda s, c: s.reading == "thanks" and _flow(s) and s.awaiting in PENDING_ANSWERS and not s.turn_templates,
         lambda s, c: Utter("thanks_continue", s.awaiting, ends_turn=False)),
    Rule("ask_again_after_thanks", "the customer was thanked; what the flow needs is asked again",
         lambda s, c: s.reading == "thanks" and "thanks_continue" in s.turn_templates, reprompt),
    Rule("say_thanks", "the customer said thanks", _reading("thanks"), lambda s, c: Utter("thanks", s.awaiting)),
    Rule("greet", "a greeting outside the order flow", lambda s, c: s.reading == "greet" and not _flow(s),
         lambda s, c: Utter("greet", "order_id")),
    Rule("offer_help", "the customer wants something else", _reading("affirm"),
         lambda s, c: Utter("how_can_i_help")),
    Rule("lookup_failed", "the order back end could not answer", lambda s, c: s.turn_lookup == "failed",
         _handoff("lookup_failed")),
    Rule("confirmed_handoff", "the customer confirmed the order and after_confirm is handoff",
         lambda s, c: s.reading == "confirm" and c.after_confirm == "handoff", _handoff("confirmed")),
    Rule("confirmed_resolve", "the customer confirmed the order and after_confirm is resolve",
         _reading("confirm"), lambda s, c: Utter("anything_else", "anything_else")),
    Rule("wrong_order_list_again", "not the order chosen from the list: list the orders again",
         lambda s, c: s.reading == "wrong_order" and len(s.candidates) > 1,
         lambda s, c: Utter("choose_order_other", "choose_order", orders=s.candidates[: c.max_orders_listed])),
    Rule("ask_email_again", "the answer to 'which email?' holds an @ but no valid address",
         _reading("bad_email"), lambda s, c: Utter("ask_email_invalid", "email")),
    Rule("wrong_order", "the customer says this is not their order", _reading("wrong_order"),
         lambda s, c: Utter("ask_order_id_again", "order_id")),
    Rule("stuck_shipment", "the verified order is in exception or has not moved for stale_after_hours",
         lambda s, c: s.order is not None and not s.presented and is_stuck(s.order, s.now, c.stale_after_hours),
         _handoff("stuck_shipment", "order_stuck")),
    Rule("mention_other_orders", "the customer named more orders than the one shown: say which comes first",
         lambda s, c: s.order is not None and not s.presented and bool(s.slots.get("other_order_ids"))
         and "other_orders_noted" not in s.turn_templates,
         lambda s, c: Utter("other_orders_noted", s.awaiting, _other_orders(s), ends_turn=False)),
    Rule("present_order", "a verified order was found and not shown yet",
         lambda s, c: s.order is not None and not s.presented, lambda s, c: present(s)),
    Rule("select_by_hint", "a tracking number or date already given designates one of the orders",
         lambda s, c: bool(s.candidates) and not s.candidates_listed and hinted_candidate(s) is not None,
         lambda s, c: SetSlots((("order_id", hinted_candidate(s).order_id),))),  # type: ignore[union-attr]
    Rule("list_orders", "several orders match the email", lambda s, c: bool(s.candidates) and not s.candidates_listed,
         lambda s, c: Utter("choose_order", "choose_order", orders=s.candidates[: c.max_orders_listed])),
    Rule("not_found_handoff", "max_attempts look-ups failed",
         lambda s, c: s.turn_lookup in FAILED_OUTCOMES and s.failed_lookups >= c.max_attempts,
         _handoff("not_found")),
    Rule("order_not_found", "unknown number or mismatching verification (same reply for both)",
         _failed_lookup("order_id"),
         lambda s, c: Utter(_not_found_template(c), "order_id", {"order_id": s.lookups[-1].query})),
    Rule("tracking_not_found", "no order with that tracking number and verification (same reply for both)",
         _failed_lookup("tracking_number"),
         lambda s, c: Utter("tracking_not_found", "order_id", {"tracking_number": s.lookups[-1].query})),
    Rule("no_orders_for_email", "no order for that email", _failed_lookup("email"),
         lambda s, c: Utter("orders_not_found_email", "email", {"email": s.lookups[-1].query})),
    Rule("lookup_by_order_id", "order number and verification are known",
         lambda s, c: _flow(s) and not _by_email(s) and s.lookup_due and bool(s.slots.get("order_id"))
         and verification_value(s, c) is not None,
         lambda s, c: LookupOrder(s.slots["order_id"])),
    Rule("lookup_by_email", "no order number: the customer's email is known",
         lambda s, c: _flow(s) and _by_email(s) and s.lookup_due and _email(s) is not None
         and (c.verification != "postcode" or "postcode" in s.slots),
         lambda s, c: LookupByEmail(_email(s) or "")),
    Rule("ask_email_for_lookup", "no order number and no email yet",
         lambda s, c: _flow(s) and _by_email(s) and _email(s) is None,
         lambda s, c: Utter("ask_email_no_order", "email")),
    Rule("lookup_by_tracking", "no order number, but a tracking number and verification (connector permitting)",
         lambda s, c: _tracking_due(s, c) and verification_value(s, c) is not None,
         lambda s, c: LookupByTracking(s.slots["tracking_number"])),
    Rule("ask_proof_for_tracking", "a tracking number and no order number: the email or postcode proves ownership first",
         lambda s, c: _tracking_due(s, c) and verification_value(s, c) is None,
         lambda s, c: Utter("ask_email_tracking", "email", {"tracking_number": s.slots["tracking_number"]})
         if c.verification == "email" else Utter("ask_postcode", "postcode")),
    Rule("lookup_verified_customer", "a customer the channel verified gave no number: look up their orders",
         lambda s, c: _flow(s) and not _by_email(s) and not s.slots.get("order_id") and c.verification == "email"
         and s.verified_email is not None and not any(a.by == "email" for a in s.lookups),
         lambda s, c: SetSlots((("lookup_by", "email"),))),
    Rule("ask_order_id", "the order number is missing",
         lambda s, c: _flow(s) and not _by_email(s) and not s.slots.get("order_id"),
         lambda s, c: Utter("ask_order_id", "order_id")),
    Rule("ask_email", "verification by email before any order detail",
         lambda s, c: _flow(s) and c.verification == "email" and _email(s) is None,
         lambda s, c: Utter("ask_email", "email", _id_vars(s))),
    Rule("ask_postcode", "verification by postcode before any order detail",
         lambda s, c: _flow(s) and c.verification == "postcode" and "postcode" not in s.slots,
         lambda s, c: Utter("ask_postcode", "postcode")),
    Rule("reprompt", "nothing new: ask again for what is awaited", lambda s, c: True, reprompt),
)  # fmt: skip


def next_action(state: ConversationState, config: DialogueConfig) -> Decision:
    """The first rule of :data:`RULES` that applies to ``state``."""
    for rule in RULES:
        if rule.when(state, config):
            return Decision(rule.then(state, config), rule.name, rule.why)
    raise AssertionError("the last rule always applies")  # pragma: no cover
