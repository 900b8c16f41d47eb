"""Property tests: random message sequences never crash, never leak an order, always answer or hand off."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogue.config import DialogueConfig
from dialogue.connectors.base import InMemoryConnector
from dialogue.engine import Customer, DialogueEngine, UserMessage
from dialogue.events import Event, events_from_json, events_to_json
from dialogue.orders import LineItem, OrderStatus
from dialogue.state import replay
from nlu.types import Entity, IntentScore, ParseResult
from tests.dialogue.helpers import NOW, shipped_order, templates

INTENTS = ["order_status", "request_human", "no_order_number", "inform", "affirm", "deny", "greet", "goodbye",
           "thanks", "out_of_scope", "cancel_order", "return_refund", "complaint"]  # fmt: skip
ORDERS = [
    shipped_order("1001", "jane@example.com", items=(LineItem("Blue mug"),)),
    shipped_order("1002", "jane@example.com", items=(LineItem("Wool scarf"),), fulfilments=(),
                  status=OrderStatus.PROCESSING),
    shipped_order("1003", "marie@exemple.fr", items=(LineItem("Cast iron teapot"),), postcode="75011"),
    shipped_order("1004", "paul@example.com", items=(LineItem("Desk lamp"),), status=OrderStatus.EXCEPTION),
]  # fmt: skip
ORDERS = [
    replace(o, fulfilments=tuple(replace(f, tracking_number=f"TRK{o.order_id}XYZ") for f in o.fulfilments))
    for o in ORDERS
]
TRACKING = {o.order_id: f"TRK{o.order_id}XYZ" for o in ORDERS if o.fulfilments}
ENTITY_VALUES = {
    "order_id": ["1001", "1002", "1003", "1004", "9999"],
    "email": ["jane@example.com", "marie@exemple.fr", "paul@example.com", "evil@attacker.io"],
    "order_date": ["2025-03-06", "2025-03-09"],
    "tracking_number": [*TRACKING.values(), "TRK9999XYZ"],
}
TEMPLATES = templates()


class ScriptedParser:
    """Returns the next prepared ParseResult, whatever the text."""

    def __init__(self, parses: list[ParseResult]) -> None:
        self.parses = list(parses)

    def parse(
        self, text: str, *, language: str | None = None, reference_time: datetime | None = None
    ) -> ParseResult:
        return self.parses.pop(0)


@st.composite
def parses(draw: st.DrawFn) -> ParseResult:
    intent = draw(st.sampled_from(INTENTS))
    kinds = draw(st.lists(st.sampled_from(sorted(ENTITY_VALUES)), max_size=2))
    entities = tuple(
        Entity(k, v, v, 0, len(v), "test") for k in kinds for v in [draw(st.sampled_from(ENTITY_VALUES[k]))]
    )
    text = draw(
        st.sampled_from(["the second one", "blue mug", "SW1A 1AA", "75011", "ok", "la dernière", "?"])
    )
    language = draw(st.sampled_from(["en", "fr"]))
    return ParseResult(text, IntentScore(intent, draw(st.floats(0, 1))), (), entities, language)


configs = st.builds(
    DialogueConfig,
    verification=st.sampled_from(["email", "postcode", "none"]),
    after_confirm=st.sampled_from(["handoff", "resolve"]),
    max_attempts=st.integers(1, 3),
)
customers = st.one_of(st.none(), st.builds(Customer, st.sampled_from(ENTITY_VALUES["email"]), st.booleans()))


def run(config: DialogueConfig, messages: list[ParseResult], customer: Customer | None, gaps: list[int]):
    engine = DialogueEngine(ScriptedParser(messages), InMemoryConnector(ORDERS), config, TEMPLATES)
    history: list[Event] = []
    turns = []
    now = NOW
    for parse, gap in zip(messages, gaps, strict=False):
        now += timedelta(hours=gap)
        was_handed_off = replay(history).handed_off
        result = asyncio.run(
            engine.handle(history, UserMessage(parse.text, "p", customer=customer, received_at=now))
        )
        history.extend(result.new_events)
        turns.append((parse, result, was_handed_off))
    return history, turns


def owns(
    order_id: str, config: DialogueConfig, given: list[ParseResult], customer: Customer | None, text: str
) -> bool:
    order = next(o for o in ORDERS if o.order_id == order_id)
    if config.verification == "none":
        return True
    if config.verification == "postcode":
        return any(
            p.text.replace(" ", "").upper() == (order.postcode or "").replace(" ", "").upper() for p in given
        )
    emails = {e.value for p in given for e in p.entities if e.entity == "email"}
    if customer and customer.verified and customer.email:
        emails.add(customer.email)
    return order.email in emails


SCENARIO = dict(
    config=configs,
    messages=st.lists(parses(), min_size=1, max_size=8),
    customer=customers,
    gaps=st.lists(st.sampled_from([0, 0, 0, 30]), min_size=8, max_size=8),
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(**SCENARIO)
def test_policy_every_turn_ends_in_reply_or_handoff(config, messages, customer, gaps) -> None:
    _, turns = run(config, messages, customer, gaps)
    for _, result, was_handed_off in turns:
        assert result.replies or result.handoff is not None or (was_handed_off and result.trace.silent)


@FAST
@given(**SCENARIO)
def test_policy_never_reveals_an_order_to_an_unverified_customer(config, messages, customer, gaps) -> None:
    _, turns = run(config, messages, customer, gaps)
    for i, (_, result, _) in enumerate(turns):
        text = " ".join(r.text for r in result.replies)
        given_so_far = [p for p, _, _ in turns[: i + 1]]
        said = {e.value for p in given_so_far for e in p.entities}  # the customer's own words may come back
        for order in ORDERS:
            secrets = [
                order.items[0].name,
                *([TRACKING[order.order_id]] if TRACKING.get(order.order_id) not in (None, *said) else []),
            ]
            if any(s in text for s in secrets):
                assert owns(order.order_id, config, given_so_far, customer, text), (order.order_id, text)
        typed = " ".join(p.text for p in given_so_far)
        for postcode in ("SW1A", "75011"):  # echoing what the customer typed ("order 75011?") reveals nothing
            assert postcode not in text or postcode in typed, (postcode, text)


@FAST
@given(**SCENARIO)
def test_replay_of_saved_events_rebuilds_live_state(config, messages, customer, gaps) -> None:
    history, turns = run(config, messages, customer, gaps)
    rebuilt = replay(events_from_json(json.loads(json.dumps(events_to_json(history)))))
    live = turns[-1][1].state
    assert rebuilt.to_dict() == live.to_dict()
    assert (rebuilt.handoff.to_dict() if rebuilt.handoff else None) == (
        live.handoff.to_dict() if live.handoff else None
    )
    assert rebuilt.transcript == live.transcript
