"""The engine: exact events per turn, handoff record, silence, session TTL, action cap, event JSON."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from dialogue.config import DialogueConfig
from dialogue.connectors import InMemoryConnector
from dialogue.engine import Customer, DialogueEngine, TurnResult, UserMessage
from dialogue.events import (
    BotUttered,
    ConversationReleased,
    ConversationReset,
    Event,
    HandoffRequested,
    HelpdeskDeliveryFailed,
    LookupDone,
    MessageInterpreted,
    SlotSet,
    UserUttered,
    event_from_dict,
    events_from_json,
    events_to_json,
)
from dialogue.state import replay
from tests.dialogue.helpers import NOW, TRACKING, KeywordParser, engine, templates


def talk(
    messages: list[str], events: list[Event] | None = None, **kwargs
) -> tuple[list[Event], list[TurnResult]]:
    bot = engine(**{k: v for k, v in kwargs.items() if k != "customer"})
    history: list[Event] = list(events or [])
    results = []
    for i, text in enumerate(messages):
        message = UserMessage(text, "c1", f"m{i}", customer=kwargs.get("customer"), received_at=NOW)
        result = asyncio.run(bot.handle(history, message))
        history.extend(result.new_events)
        results.append(result)
    return history, results


def test_handle_first_message_with_all_slots_returns_exact_events() -> None:
    _, (result,) = talk(["where is #1001? jane@example.com"])
    kinds = [(type(e).__name__, getattr(e, "slot", None) or getattr(e, "template", None) or getattr(e, "kind", None))
             for e in result.new_events]  # fmt: skip
    assert kinds == [
        ("UserUttered", None),
        ("SlotSet", "flow"),
        ("SlotSet", "email"),
        ("SlotSet", "order_id"),
        ("MessageInterpreted", "wismo"),
        ("LookupDone", None),
        ("BotUttered", "order_found_shipped"),
    ]
    assert isinstance(result.new_events[5], LookupDone) and result.new_events[5].outcome == "found"
    assert TRACKING in result.replies[0].text


def test_handle_trace_names_rules_and_templates() -> None:
    _, (result,) = talk(["where is my order?"])
    assert [s.rule for s in result.trace.steps] == ["read_message", "ask_order_id", "turn_complete"]
    assert result.trace.templates == ("ask_order_id",)
    assert result.trace.to_dict()["intent"] == "order_status"


def test_handle_handoff_record_has_everything_for_the_agent() -> None:
    _, results = talk(["where is #1001? jane@example.com", "yes"])
    handoff = results[-1].handoff
    assert handoff is not None
    record = handoff.to_dict()
    assert (record["reason"], record["topic"], record["verified"], record["team"]) == (
        "confirmed",
        "order_status",
        True,
        "support",
    )
    assert record["slots"]["order_id"] == "1001" and record["order"]["order_id"] == "1001"
    assert record["lookups"] == [{"by": "order_id", "query": "1001", "outcome": "found"}]
    assert "1001" in record["summary"] and "postcode" not in json.dumps(record)
    assert [t["speaker"] for t in record["transcript"]] == ["customer", "bot", "customer", "bot"]
    assert {"wismo", "handoff_confirmed", "lang_en", "status_shipped"} <= set(record["tags"])


def test_handle_second_order_number_is_noted_in_the_handoff_record() -> None:
    _, results = talk(["where are #1001 and #1002? jane@example.com", "yes"])
    assert [r.template for r in results[0].replies] == ["other_orders_noted", "order_found_shipped"]
    assert "1002" in results[0].replies[0].text
    handoff = results[-1].handoff
    assert handoff is not None and handoff.slots["other_order_ids"] == "1002"
    assert handoff.slots["order_id"] == "1001"


def test_handle_handed_off_conversation_stays_silent_until_released() -> None:
    history, results = talk(["talk to a human", "hello?"])
    assert results[0].handoff is not None and results[1].replies == () and results[1].trace.silent
    history.append(ConversationReleased(timestamp=NOW))
    _, (after,) = talk(["hello"], history)
    assert [r.template for r in after.replies] == ["greet"]


def test_handle_idle_past_session_ttl_starts_fresh() -> None:
    history, _ = talk(["where is my order?"])
    bot = engine()
    later = UserMessage("hello", "c1", received_at=NOW + timedelta(days=2))
    result = asyncio.run(bot.handle(history, later))
    assert isinstance(result.new_events[0], ConversationReset)
    assert result.trace.reset and "flow" not in result.state.slots


def test_handle_verified_customer_is_not_asked_for_email() -> None:
    _, (result,) = talk(["where is 1001"], customer=Customer("jane@example.com", verified=True))
    assert [r.template for r in result.replies] == ["order_found_shipped"]


def test_handle_lookup_failure_hands_off_without_saying_not_found() -> None:
    _, (result,) = talk(["where is #1001? jane@example.com"], failing=True)
    assert result.handoff is not None and result.handoff.reason == "lookup_failed"
    assert [r.template for r in result.replies] == ["handoff_lookup_failed"]


def test_handle_action_cap_hands_off() -> None:
    _, (result,) = talk(["where is #1001? jane@example.com"], config=DialogueConfig(max_actions_per_turn=2))
    assert result.handoff is not None and "action_cap" in result.handoff.tags
    assert result.trace.steps[-1].rule == "action_cap"


def test_handle_replay_of_saved_events_rebuilds_live_state() -> None:
    history, results = talk(["where is my order?", "1001", "jane@example.com", "no", "1002"])
    saved = json.loads(json.dumps(events_to_json(history)))
    assert replay(events_from_json(saved)) == results[-1].state


def test_handle_team_routing_and_summary_language() -> None:
    config = DialogueConfig.from_dict(
        {"team_language": "fr", "routes": [{"reason": "requested_human", "team": "vip"}]}
    )
    _, (result,) = talk(["talk to a human"], config=config)
    assert result.handoff is not None
    assert result.handoff.team == "vip" and result.handoff.summary.startswith("Le client demande un humain")


def test_event_from_dict_round_trips_every_event_type() -> None:
    history, _ = talk(["where is #1001? jane@example.com", "yes"])
    kinds = {type(e) for e in history}
    assert {UserUttered, SlotSet, MessageInterpreted, LookupDone, BotUttered, HandoffRequested} <= kinds
    for event in [
        *history,
        ConversationReset(timestamp=NOW),
        ConversationReleased(by="agent", timestamp=NOW),
        HelpdeskDeliveryFailed(channel="zendesk", step="reply", status=503, timestamp=NOW),
    ]:
        data = json.loads(json.dumps(event.to_dict()))
        assert event_from_dict(data).to_dict() == event.to_dict()
        if not isinstance(event, HandoffRequested | LookupDone):  # orders lose nothing but their postcode
            assert event_from_dict(data) == event


def test_turn_result_to_dict_is_json() -> None:
    _, (result,) = talk(["where is #1001? jane@example.com"])
    data = json.loads(json.dumps(result.to_dict()))
    assert data["replies"][0]["template"] == "order_found_shipped" and data["slots"]["order_id"] == "1001"


class _NoTrackingSearch(InMemoryConnector):
    """A shop API with no search by tracking number (Shopify, WooCommerce, BigCommerce)."""

    finds_by_tracking = False


def test_look_up_by_tracking_number_is_off_where_the_connector_cannot() -> None:
    able = DialogueEngine(KeywordParser(), InMemoryConnector([]), DialogueConfig(), templates())
    unable = DialogueEngine(KeywordParser(), _NoTrackingSearch([]), DialogueConfig(), templates())
    assert able.config.lookup_by_tracking and not unable.config.lookup_by_tracking


def test_release_gives_the_bot_back_a_clean_slate_of_streaks() -> None:
    """Regression (review): the release reset the not-understood streak but not the unanswered one."""
    from dialogue.events import MessageInterpreted
    from dialogue.state import UNANSWERED_READINGS

    kind = sorted(UNANSWERED_READINGS)[0]
    events: list[Event] = [MessageInterpreted(kind=kind, timestamp=NOW)] * 2
    assert replay(events).unanswered_streak == 2
    released = replay([*events, HandoffRequested(timestamp=NOW), ConversationReleased(timestamp=NOW)])
    assert released.unanswered_streak == 0 and released.not_understood_streak == 0
    assert released.to_dict()["unanswered_streak"] == 0
