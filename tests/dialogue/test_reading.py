"""How messages are read in context: kinds and slot changes."""

from __future__ import annotations

import pytest

from dialogue.config import DialogueConfig
from dialogue.events import BotUttered, Event, LookupDone, SlotSet, UserUttered
from dialogue.reading import offered_order_id, postcode_retry, read_message, stated_postcode
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
        (PRESENTED, msg("deny"), "wrong_order", (("order_id", None), ("tracking_number", None))),
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


CHOOSING: list[Event] = [
    SlotSet(slot="flow", value="wismo"),
    SlotSet(slot="lookup_by", value="email"),
    SlotSet(slot="email", value="jane@example.com"),
    LookupDone(
        by="email", query="jane@example.com", outcome="multiple", orders=(shipped_order("1002"), ORDER)
    ),
    BotUttered(template="choose_order", awaiting="choose_order"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("try 9998", "9998"),
        ("9998", "9998"),
        ("what about #45821?", "45821"),
        ("ok maybe it's 1001 then", "1001"),
        ("2024", "2024"),
        ("I paid 1500", None),
        ("since 2024", None),
        ("it was 45 €", None),
        ("1500€", None),
        ("on 12/03/2025", None),
        ("12.50", None),
        ("call me on 0612345678", None),
        ("my postcode is 75011", None),
        ("1001 or 1002", None),
        ("try 999", None),
        ("I think I ordered it about three weeks ago, it was 1001 or so", None),
    ],
)
def test_offered_order_id_takes_a_lone_number_only(text: str, expected: str | None) -> None:
    assert offered_order_id(parse("inform", text=text)) == expected


def test_offered_order_id_leaves_a_number_inside_another_entity() -> None:
    phone = parse("inform", ("phone", "0612345678"), text="0612345678")
    assert offered_order_id(phone) is None


def test_read_message_bare_number_when_asked_is_the_order_number() -> None:
    """Regression (audit B2): "try 9998" after ask_order_id was not understood."""
    reading = read_message(state_after(*ASKED_ID, message=msg("inform", text="try 9998")), DialogueConfig())
    assert (reading.kind, reading.slots) == ("inform", (("order_id", "9998"),))


def test_read_message_bare_number_out_of_the_blue_is_not_taken() -> None:
    reading = read_message(state_after(message=msg("out_of_scope", text="try 9998")), DialogueConfig())
    assert reading.kind == "not_understood" and reading.slots == ()


@pytest.mark.parametrize(
    ("intent", "text", "kind"),
    [
        ("complaint", "the third one", "unclear_choice"),
        ("affirm", "yes", "unclear_choice"),
        ("out_of_scope", "hmm", "unclear_choice"),
        ("return_refund", "I want a refund", "other_topic"),
        ("return_refund", "I was charged two times, I want a refund", "other_topic"),  # review: not a choice
        ("deny", "neither", "wrong_order"),
        ("goodbye", "bye", "goodbye"),
    ],
)
def test_read_message_unresolved_choice_asks_again_unless_a_topic(intent: str, text: str, kind: str) -> None:
    """Regression (audit B3): "the third one" of two was read as a complaint and handed off."""
    reading = read_message(state_after(*CHOOSING, message=msg(intent, text=text)), DialogueConfig())
    assert reading.kind == kind


POSTCODE_MISMATCH: list[Event] = [
    SlotSet(slot="flow", value="wismo"),
    SlotSet(slot="order_id", value="1003"),
    SlotSet(slot="postcode", value="75012"),
    LookupDone(by="order_id", query="1003", outcome="mismatch"),
    BotUttered(template="order_not_found_postcode", awaiting="order_id"),
]


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (msg("inform", ("order_id", "75011"), text="75011"), (("postcode", "75011"),)),
        (msg("inform", text="le code postal est 75011"), (("postcode", "75011"),)),
        (msg("inform", ("order_id", "1004"), text="1004"), (("order_id", "1004"),)),
        (msg("inform", ("order_id", "1004"), text="commande 1004"), (("order_id", "1004"),)),
    ],
    ids=["postcode shape", "named postcode", "order number shape", "order number with cue"],
)
def test_read_message_after_postcode_mismatch_tells_postcode_from_number(
    message: UserUttered, slots: tuple
) -> None:
    """Regression (audit B4): the right postcode typed after a mismatch was looked up as an order number."""
    reading = read_message(
        state_after(*POSTCODE_MISMATCH, message=message), DialogueConfig(verification="postcode")
    )
    assert reading.slots == slots


def test_postcode_retry_is_ambiguous_when_postcode_and_number_look_alike() -> None:
    assert postcode_retry("75011", "75012", "10030") is None
    assert postcode_retry("SW1A 1AA", "SW1A2AA", "1001") == "SW1A1AA"
    assert stated_postcode("my zip code is 94107") == "94107"


def test_choose_order_by_month_knows_mai_but_not_the_verb_may() -> None:
    """Regression (review): month names were taken from four letters on, so "celle de mai" chose nothing."""
    from datetime import UTC, datetime

    from dialogue.choice import choose_order
    from dialogue.orders import Order, OrderStatus

    orders = tuple(
        Order(oid, "a@b.c", OrderStatus.SHIPPED, created_at=datetime(2026, month, 3, tzinfo=UTC))
        for oid, month in (("1007", 5), ("1003", 3))
    )
    assert choose_order("celle de mai", (), orders).order_id == "1007"  # type: ignore[union-attr]
    assert choose_order("the one from March", (), orders).order_id == "1003"  # type: ignore[union-attr]
    assert choose_order("may I know which", (), orders) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("yes but I never received it", "other_topic"),
        ("yes but it hasn't arrived", "other_topic"),
        ("oui mais il n'est toujours pas arrivé", "other_topic"),
        ("yes, no problem got it", "confirm"),  # review: "no ... got" was read as a delivery dispute
        ("oui c'est bien ça, pas de problème", "confirm"),
    ],
)
def test_read_message_yes_but_not_received_is_a_dispute_and_nothing_else_is(text: str, kind: str) -> None:
    reading = read_message(state_after(*PRESENTED, message=msg("affirm", text=text)), DialogueConfig())
    assert reading.kind == kind
