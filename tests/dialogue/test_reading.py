"""How messages are read in context: kinds and slot changes."""

from __future__ import annotations

import pytest

from dialogue.config import DialogueConfig
from dialogue.events import BotUttered, Event, LookupDone, SlotSet, UserUttered
from dialogue.reading import read_message
from dialogue.state import replay
from tests.dialogue.helpers import NOW, parse, shipped_order

ORDER = shipped_order()


def state_after(*events: Event, message: UserUttered):
    return replay([*events, message])


def msg(intent: str, *entities: tuple[str, str], text: str = "") -> UserUttered:
    result = parse(intent, *entities, text=text)
    return UserUttered(text=result.text, parse=result, timestamp=NOW)


PRESENTED: list[Event] = [
    SlotSet(slot="flow", value="wismo"),
    SlotSet(slot="order_id", value="1001"),
    LookupDone(by="order_id", query="1001", outcome="found", orders=(ORDER,)),
    BotUttered(template="order_found_shipped", text="...", awaiting="confirm"),
]
ASKED_ID: list[Event] = [
    SlotSet(slot="flow", value="wismo"),
    BotUttered(template="ask_order_id", awaiting="order_id"),
]


@pytest.mark.parametrize(
    ("history", "message", "kind", "slots"),
    [
        ([], msg("order_status", ("order_id", "1001"), ("email", "j@x.io")), "wismo",
         (("flow", "wismo"), ("email", "j@x.io"), ("order_id", "1001"))),
        ([], msg("inform", ("order_id", "1001")), "inform", (("flow", "wismo"), ("order_id", "1001"))),
        ([], msg("greet"), "greet", ()),
        ([], msg("out_of_scope"), "not_understood", ()),
        ([], msg("affirm"), "not_understood", ()),
        ([], msg("request_human"), "request_human", ()),
        ([], msg("cancel_order", ("order_id", "1001")), "other_topic", (("order_id", "1001"),)),
        (ASKED_ID, msg("no_order_number"), "no_order_number", (("lookup_by", "email"), ("order_id", None))),
        (ASKED_ID, msg("inform", ("email", "j@x.io")), "inform", (("lookup_by", "email"), ("email", "j@x.io"))),
        (PRESENTED, msg("affirm"), "confirm", (("order_confirmed", "1001"),)),
        (PRESENTED, msg("thanks"), "confirm", (("order_confirmed", "1001"),)),
        (PRESENTED, msg("deny"), "wrong_order", (("order_id", None),)),
        (PRESENTED, msg("deny", ("order_id", "1002"), ("order_id", "1001")), "correction", (("order_id", "1002"),)),
        (PRESENTED, msg("inform", ("order_id", "1001")), "not_understood", ()),
    ],
    ids=["order_status with slots", "bare number starts the flow", "greet", "out of scope", "yes out of context",
         "human", "topic keeps the number", "no number switches to email", "email instead of number",
         "yes confirms", "thanks confirms", "no is wrong order", "it's 1002 not 1001", "same number repeated"],
)  # fmt: skip
def test_read_message_kind_and_slots(
    history: list[Event], message: UserUttered, kind: str, slots: tuple
) -> None:
    reading = read_message(state_after(*history, message=message), DialogueConfig())
    assert (reading.kind, reading.slots) == (kind, slots)


def test_read_message_postcode_answer_becomes_slot() -> None:
    history = [
        *ASKED_ID[:1],
        SlotSet(slot="order_id", value="1001"),
        BotUttered(template="ask_postcode", awaiting="postcode"),
    ]
    reading = read_message(state_after(*history, message=msg("inform", ("order_id", "75011"), text="75011")),
                           DialogueConfig(verification="postcode"))  # fmt: skip
    assert reading.slots == (("postcode", "75011"),)


def test_read_message_choice_by_position_wins_over_topic_intent() -> None:
    other = shipped_order("1002")
    history: list[Event] = [
        SlotSet(slot="flow", value="wismo"),
        LookupDone(by="email", query="jane@example.com", outcome="multiple", orders=(other, ORDER)),
        BotUttered(template="choose_order", awaiting="choose_order"),
    ]
    reading = read_message(
        state_after(*history, message=msg("complaint", text="the second one")), DialogueConfig()
    )
    assert (reading.kind, reading.slots) == ("choice", (("order_id", "1001"),))
