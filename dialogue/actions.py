"""Run the policy's actions. Each returns new events and never mutates the state it is given.

Only :class:`~dialogue.policy.LookupOrder`, :class:`~dialogue.policy.LookupByEmail` and
:class:`~dialogue.policy.LookupByTracking` do I/O (through the
order connector); the rest render templates or build records.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dialogue.config import DialogueConfig
from dialogue.connectors.base import ConnectorError, OrderConnector
from dialogue.events import (
    BotUttered,
    Event,
    HandoffRequested,
    LookupDone,
    LookupFailed,
    MessageInterpreted,
    SlotSet,
)
from dialogue.handoff import Handoff
from dialogue.orders import Order
from dialogue.policy import (
    Action,
    HandOff,
    Interpret,
    LookupByEmail,
    LookupByTracking,
    LookupOrder,
    SetSlots,
    Utter,
    verification_value,
)
from dialogue.reading import normalise_postcode
from dialogue.state import ConversationState, apply
from dialogue.templates import Templates
from dialogue.wording import order_lines, order_variables

logger = logging.getLogger(__name__)
_YES_NO = {"en": ("yes", "no"), "fr": ("oui", "non")}


@dataclass(frozen=True)
class ActionContext:
    """What actions may use: the connector, config, templates, the turn's time and variation seed."""

    connector: OrderConnector
    config: DialogueConfig
    templates: Templates
    seed: str = "0"
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


def verifies(order: Order, state: ConversationState, config: DialogueConfig) -> bool:
    """Whether the conversation proves ownership of ``order`` (always true with ``verification: none``)."""
    value = verification_value(state, config)
    if config.verification == "none":
        return True
    if value is None:
        return False
    if config.verification == "email":
        return value.strip().lower() == order.email.strip().lower()
    return order.postcode is not None and normalise_postcode(order.postcode) == value


def reply_language(state: ConversationState, templates: Templates) -> str:
    """The conversation's language when templates exist for it, else the first template language."""
    return state.language if state.language in templates.languages else templates.languages[0]


def render_utter(action: Utter, state: ConversationState, ctx: ActionContext) -> BotUttered:
    """Render one :class:`Utter` into the reply event."""
    language = reply_language(state, ctx.templates)
    variables = dict(action.variables)
    if action.order is not None:
        variables.update(order_variables(action.order, language, ctx.templates, ctx.seed))
    if action.orders:
        variables["orders"] = order_lines(action.orders, language, ctx.templates, ctx.seed)
        variables["count"] = len(action.orders)
    text = ctx.templates.render(action.template, language, variables, ctx.seed)
    return BotUttered(
        template=action.template,
        text=text,
        awaiting=action.awaiting,
        ends_turn=action.ends_turn,
        timestamp=ctx.now,
    )


async def lookup_one(
    by: str,
    query: str,
    find: Callable[[str], Awaitable[Order | None]],
    state: ConversationState,
    ctx: ActionContext,
) -> Event:
    """Find one order by ``by`` (``order_id``, ``tracking_number``) and check it against the verification value."""
    try:
        order = await find(query)
    except ConnectorError as exc:
        logger.warning("dialogue.lookup_failed by=%s connector=%s kind=%s", by, exc.connector, exc.kind)
        return LookupFailed(by=by, query=query, error=exc.kind, timestamp=ctx.now)
    orders: tuple[Order, ...] = () if order is None else (order,)
    outcome = "not_found" if order is None else "found" if verifies(order, state, ctx.config) else "mismatch"
    logger.info("dialogue.lookup by=%s outcome=%s", by, outcome)
    return LookupDone(by=by, query=query, outcome=outcome, orders=orders, timestamp=ctx.now)


async def lookup_by_email(action: LookupByEmail, state: ConversationState, ctx: ActionContext) -> Event:
    """Find the customer's recent orders by email, keeping those that pass verification."""
    limit = max(5, ctx.config.max_orders_listed)
    try:
        found = await ctx.connector.find_by_email(action.email, limit=limit)
    except ConnectorError as exc:
        logger.warning("dialogue.lookup_failed by=email connector=%s kind=%s", exc.connector, exc.kind)
        return LookupFailed(by="email", query=action.email, error=exc.kind, timestamp=ctx.now)
    orders = tuple(o for o in found if verifies(o, state, ctx.config))[: ctx.config.max_orders_listed]
    outcome = "no_orders" if not orders else ("found" if len(orders) == 1 else "multiple")
    logger.info("dialogue.lookup by=email outcome=%s count=%d", outcome, len(orders))
    return LookupDone(by="email", query=action.email, outcome=outcome, orders=orders, timestamp=ctx.now)


def build_handoff(
    state: ConversationState, action: HandOff, ctx: ActionContext, extra_tags: tuple[str, ...] = ()
) -> Handoff:
    """The record the human team receives, with a summary in the team's language."""
    order = action.order or state.order or state.last_order
    verified = state.order is not None and (order is None or order.order_id == state.order.order_id)
    slots = {k: v for k, v in state.slots.items() if k not in ("flow", "postcode")}
    team_lang = ctx.config.team_language
    yes, no = _YES_NO.get(team_lang, _YES_NO["en"])
    unknown = ctx.templates.render("part_unknown", team_lang, {}, ctx.seed)
    last_message = next((t.text for t in reversed(state.transcript) if t.speaker == "customer"), "")
    summary = ctx.templates.render(
        f"summary_{action.reason}",
        team_lang,
        {
            "order_id": slots.get("order_id") or (order.order_id if order else unknown),
            "email": slots.get("email") or state.customer_email or unknown,
            "status": order.status.value if order else unknown,
            "verified": yes if verified else no,
            "attempts": state.failed_lookups,
            "topic": action.topic or unknown,
            "language": state.language,
            "last_message": last_message[:200],
            "reason": action.reason,
        },
        ctx.seed,
    )
    tags = ["wismo", f"handoff_{action.reason}", f"lang_{state.language}"]
    if action.topic:
        tags.append(f"topic_{action.topic}")
    if order is not None:
        tags.append(f"status_{order.status.value}")
    return Handoff(
        reason=action.reason,
        topic=action.topic or "",
        language=state.language,
        slots=slots,
        verified=verified,
        order=order,
        lookups=state.lookups,
        summary=summary,
        transcript=state.transcript,
        tags=(*tags, *extra_tags),
        team=ctx.config.team_for(action.reason, state.language, action.topic),
    )


def hand_off(
    action: HandOff, state: ConversationState, ctx: ActionContext, extra_tags: tuple[str, ...] = ()
) -> list[Event]:
    """The customer-facing replies, then the handoff (whose transcript includes those replies)."""
    team = ctx.config.team_for(action.reason, state.language, action.topic)
    replies: list[Event] = []
    current = state
    for template in action.templates:
        utter = Utter(template, None, {"team": team}, order=action.order)
        reply = render_utter(utter, current, ctx)
        replies.append(reply)
        current = _with_line(current, reply)
    logger.info("dialogue.handoff reason=%s team=%s", action.reason, team)
    record = build_handoff(current, action, ctx, extra_tags)
    return [*replies, HandoffRequested(handoff=record, timestamp=ctx.now)]


def _with_line(state: ConversationState, reply: BotUttered) -> ConversationState:
    return apply(state, reply)


async def run_action(action: Action, state: ConversationState, ctx: ActionContext) -> list[Event]:
    """The events one action produces. ``Listen`` produces none."""
    if isinstance(action, Interpret):
        slots = [SlotSet(slot=k, value=v, timestamp=ctx.now) for k, v in action.reading.slots]
        return [
            *slots,
            MessageInterpreted(kind=action.reading.kind, topic=action.reading.topic, timestamp=ctx.now),
        ]
    if isinstance(action, SetSlots):
        return [SlotSet(slot=k, value=v, timestamp=ctx.now) for k, v in action.slots]
    if isinstance(action, Utter):
        return [render_utter(action, state, ctx)]
    if isinstance(action, LookupOrder):
        return [await lookup_one("order_id", action.order_id, ctx.connector.find_by_order_id, state, ctx)]
    if isinstance(action, LookupByEmail):
        return [await lookup_by_email(action, state, ctx)]
    if isinstance(action, LookupByTracking):
        find = ctx.connector.find_by_tracking
        return [await lookup_one("tracking_number", action.tracking_number, find, state, ctx)]
    if isinstance(action, HandOff):
        return hand_off(action, state, ctx)
    return []
