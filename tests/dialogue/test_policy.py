"""The policy on states built from literal event lists: one row per branch of the flow in issue 3."""

from __future__ import annotations

import pytest

from dialogue.config import DialogueConfig
from dialogue.events import (
    BotUttered,
    ConversationReleased,
    Event,
    HandoffRequested,
    LookupDone,
    LookupFailed,
    MessageInterpreted,
    SlotSet,
    UserUttered,
)
from dialogue.orders import OrderStatus
from dialogue.policy import (
    HandOff,
    Interpret,
    Listen,
    LookupByEmail,
    LookupOrder,
    SetSlots,
    Utter,
    next_action,
)
from dialogue.state import replay
from tests.dialogue.helpers import NOW, TRACKING, parse, shipped_order

ORDER = shipped_order()
SCARF = shipped_order("1002", status=OrderStatus.PROCESSING, fulfilments=())


def said(*entities: tuple[str, str], intent: str = "inform") -> UserUttered:
    result = parse(intent, *entities)
    return UserUttered(text=result.text, parse=result, timestamp=NOW)


def read(kind: str, topic: str | None = None) -> MessageInterpreted:
    return MessageInterpreted(kind=kind, topic=topic, timestamp=NOW)


def slot(name: str, value: str | None) -> SlotSet:
    return SlotSet(slot=name, value=value, timestamp=NOW)


def bot(template: str, awaiting: str | None = None) -> BotUttered:
    return BotUttered(template=template, text=template, awaiting=awaiting, timestamp=NOW)


FLOW = [slot("flow", "wismo")]
FOUND = [*FLOW, slot("order_id", "1001"), slot("email", "jane@example.com"),
         LookupDone(by="order_id", query="1001", outcome="found", orders=(ORDER,), timestamp=NOW)]  # fmt: skip
PRESENTED = [said(("order_id", "1001")), *FOUND, read("wismo"), bot("order_found_shipped", "confirm")]


def failed(n: int) -> list[Event]:
    events: list[Event] = [*FLOW, slot("email", "jane@example.com")]
    for i in range(n):
        events += [said(("order_id", f"111{i}")), slot("order_id", f"111{i}"), read("inform"),
                   LookupDone(by="order_id", query=f"111{i}", outcome="not_found", timestamp=NOW)]  # fmt: skip
        if i < n - 1:
            events.append(bot("order_not_found", "order_id"))
    return events


CASES: list[tuple[str, list[Event], str, object]] = [
    ("new message is read first", [said(intent="order_status")], "read_message", Interpret),
    ("answered turn listens", [said(), read("greet"), bot("greet")], "turn_complete", Listen()),
    ("missing order number is asked", [said(intent="order_status"), *FLOW, read("wismo")], "ask_order_id",
     Utter("ask_order_id", "order_id")),
    ("email verification is asked", [said(("order_id", "1001")), *FLOW, slot("order_id", "1001"), read("wismo")],
     "ask_email", Utter("ask_email", "email", {"order_id": "1001"})),
    ("both slots: look up", [said(("order_id", "1001")), *FLOW, slot("order_id", "1001"),
                             slot("email", "jane@example.com"), read("wismo")], "lookup_by_order_id",
     LookupOrder("1001")),
    ("found: present and ask to confirm", [said(("order_id", "1001")), *FOUND, read("wismo")], "present_order",
     Utter("order_found_shipped", "confirm", order=ORDER)),
    ("confirmed: hand off by default", [*PRESENTED, said(intent="affirm"), slot("order_confirmed", "1001"),
                                        read("confirm")], "confirmed_handoff",
     HandOff("confirmed", "order_status", ("handoff_confirmed",))),
    ("no order number: ask email", [said(intent="no_order_number"), *FLOW, slot("lookup_by", "email"),
                                    read("no_order_number")], "ask_email_for_lookup",
     Utter("ask_email_no_order", "email")),
    ("email known: look up by email", [said(("email", "jane@example.com")), *FLOW, slot("lookup_by", "email"),
                                       slot("email", "jane@example.com"), read("inform")], "lookup_by_email",
     LookupByEmail("jane@example.com")),
    ("several orders: list them", [said(("email", "jane@example.com")), *FLOW, slot("lookup_by", "email"),
                                   slot("email", "jane@example.com"), read("inform"),
                                   LookupDone(by="email", query="jane@example.com", outcome="multiple",
                                              orders=(SCARF, ORDER), timestamp=NOW)],
     "list_orders", Utter("choose_order", "choose_order", orders=(SCARF, ORDER))),
    ("not found: say what was looked for", [*failed(1), ], "order_not_found",
     Utter("order_not_found", "order_id", {"order_id": "1110"})),
    ("not found max_attempts times: hand off", failed(3), "not_found_handoff",
     HandOff("not_found", "order_status", ("handoff_not_found",))),
    ("lookup failure hands off", [said(("order_id", "1001")), *FLOW, slot("order_id", "1001"),
                                  slot("email", "jane@example.com"), read("wismo"),
                                  LookupFailed(by="order_id", query="1001", error="error", timestamp=NOW)],
     "lookup_failed", HandOff("lookup_failed", "order_status", ("handoff_lookup_failed",))),
    ("human requested", [said(intent="request_human"), read("request_human", "request_human")],
     "human_requested", HandOff("requested_human", "request_human", ("handoff_requested_human",))),
    ("other topic", [said(intent="return_refund"), read("other_topic", "return_refund")], "other_topic",
     HandOff("other_topic", "return_refund", ("handoff_other_topic",))),
    ("not understood once: rephrase", [said(intent="out_of_scope"), read("not_understood")], "ask_rephrase",
     Utter("rephrase", None)),
    ("not understood twice: hand off", [said(), read("not_understood"), bot("rephrase"), said(),
                                        read("not_understood")], "not_understood_again",
     HandOff("not_understood", None, ("handoff_not_understood",))),
    ("wrong order: ask again", [*PRESENTED, said(intent="deny"), slot("order_id", None), read("wrong_order")],
     "wrong_order", Utter("ask_order_id_again", "order_id")),
    ("greeting", [said(intent="greet"), read("greet")], "greet", Utter("greet", "order_id")),
    ("thanks", [said(intent="thanks"), read("thanks")], "say_thanks", Utter("thanks", None)),
    ("goodbye", [said(intent="goodbye"), slot("flow", None), read("goodbye")], "say_goodbye", Utter("goodbye")),
    ("handed off: silent", [said(intent="request_human"), read("request_human"),
                            HandoffRequested(handoff=None, timestamp=NOW), said(intent="greet")],
     "silent_after_handoff", Listen()),
    ("released: reads again", [said(intent="request_human"), read("request_human"),
                               HandoffRequested(handoff=None, timestamp=NOW),
                               ConversationReleased(timestamp=NOW), said(intent="greet")], "read_message", Interpret),
    ("tracking hint picks one of several", [said(("tracking_number", TRACKING)), *FLOW,
                                            slot("tracking_number", TRACKING), slot("lookup_by", "email"),
                                            slot("email", "jane@example.com"), read("inform"),
                                            LookupDone(by="email", query="jane@example.com", outcome="multiple",
                                                       orders=(SCARF, ORDER), timestamp=NOW)],
     "select_by_hint", SetSlots((("order_id", "1001"),))),
]  # fmt: skip


@pytest.mark.parametrize(("events", "rule", "action"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_next_action_branch(events: list[Event], rule: str, action: object) -> None:
    decision = next_action(replay(events), DialogueConfig())
    assert decision.rule == rule
    if isinstance(action, type):
        assert isinstance(decision.action, action)
    else:
        assert decision.action == action


def test_next_action_confirmed_resolves_when_configured() -> None:
    events = [*PRESENTED, said(intent="affirm"), slot("order_confirmed", "1001"), read("confirm")]
    decision = next_action(replay(events), DialogueConfig(after_confirm="resolve"))
    assert (decision.rule, decision.action) == ("confirmed_resolve", Utter("anything_else", "anything_else"))


def test_next_action_stuck_order_is_handed_off_not_presented() -> None:
    stuck = shipped_order(status=OrderStatus.EXCEPTION)
    events = [said(("order_id", "1001")), *FLOW, slot("order_id", "1001"), slot("email", "jane@example.com"),
              LookupDone(by="order_id", query="1001", outcome="found", orders=(stuck,), timestamp=NOW), read("wismo")]  # fmt: skip
    decision = next_action(replay(events), DialogueConfig())
    assert decision.rule == "stuck_shipment"
    assert decision.action == HandOff(
        "stuck_shipment", "order_status", ("order_stuck", "handoff_stuck_shipment"), stuck
    )


def test_next_action_postcode_verification_asks_postcode() -> None:
    events = [said(("order_id", "1001")), *FLOW, slot("order_id", "1001"), read("wismo")]
    decision = next_action(replay(events), DialogueConfig(verification="postcode"))
    assert (decision.rule, decision.action) == ("ask_postcode", Utter("ask_postcode", "postcode"))


def test_next_action_without_verification_looks_up_at_once() -> None:
    events = [said(("order_id", "1001")), *FLOW, slot("order_id", "1001"), read("wismo")]
    decision = next_action(replay(events), DialogueConfig(verification="none"))
    assert decision.action == LookupOrder("1001")


def test_next_action_mismatch_replies_like_not_found() -> None:
    base = [*FLOW, slot("email", "jane@example.com"), said(("order_id", "1003")), slot("order_id", "1003"),
            read("inform")]  # fmt: skip
    unknown = next_action(replay([*base, LookupDone(by="order_id", query="1003", outcome="not_found", timestamp=NOW)]),
                          DialogueConfig())  # fmt: skip
    other = shipped_order("1003", "marie@exemple.fr")
    mismatch = next_action(
        replay(
            [
                *base,
                LookupDone(by="order_id", query="1003", outcome="mismatch", orders=(other,), timestamp=NOW),
            ]
        ),
        DialogueConfig(),
    )
    assert unknown.action == mismatch.action
    assert (
        replay(
            [*base, LookupDone(by="order_id", query="1003", outcome="mismatch", timestamp=NOW)]
        ).failed_lookups
        == 1
    )
