"""``wismo suggest``: misunderstood messages clustered into pasteable training examples."""

from __future__ import annotations

import yaml

from dialogue.simulation.results import TicketResult, TurnRecord
from dialogue.simulation.suggest import cluster_messages, misunderstood, suggest


def _result(
    ticket_id: str, text: str, intent: str, confidence: float, nearest: str, language: str = "en"
) -> TicketResult:
    turn = TurnRecord(
        text,
        intent,
        confidence,
        nearest,
        language,
        (),
        (),
        ("rephrase",),
        ("...",),
        (),
        "would_ask",
        "rephrase",
    )
    return TicketResult(ticket_id, "x", language, intent, confidence, "would_ask", "rephrase",
                        False, False, False, True, 1, (turn,))  # fmt: skip


RESULTS = [
    _result("1", "do you sell gift cards", "out_of_scope", 0.3, "product_question"),
    _result("2", "do you sell gift vouchers", "out_of_scope", 0.35, "product_question"),
    _result("3", "can I buy a gift card", "out_of_scope", 0.32, "product_question"),
    _result("4", "my discount code #***01 does not work", "payment_issue", 0.41, "payment_issue"),
    _result("5", "the promo code is refused", "out_of_scope", 0.2, "payment_issue"),
    _result("6", "vendez-vous des cartes cadeaux", "out_of_scope", 0.3, "product_question", "fr"),
    _result("7", "where is my order", "order_status", 0.95, "order_status"),
]


def test_misunderstood_keeps_only_low_confidence_or_out_of_scope() -> None:
    found = misunderstood(RESULTS)
    assert sorted(found) == ["en", "fr"]
    assert "where is my order" not in [text for text, _ in found["en"]]
    assert len(found["en"]) == 5


def test_cluster_messages_respects_k_and_per_cluster() -> None:
    clusters = cluster_messages(misunderstood(RESULTS)["en"], "en", clusters=2, per_cluster=2)
    assert len(clusters) == 2
    assert all(len(c.examples) <= 2 for c in clusters)
    assert sum(c.size for c in clusters) == 5


def test_cluster_messages_hint_is_nearest_intent() -> None:
    clusters = cluster_messages(misunderstood(RESULTS)["en"], "en", clusters=2, per_cluster=5)
    gift = next(c for c in clusters if any("gift" in e for e in c.examples))
    assert gift.hint == "product_question"


def test_suggest_prints_rasa_yaml_per_cluster() -> None:
    text = suggest(RESULTS, "sim", clusters=2, per_cluster=3)
    data = yaml.safe_load(text)
    assert data["version"] == "3.1"
    assert all(set(block) == {"intent", "examples"} for block in data["nlu"])
    assert len(data["nlu"]) == 3  # 2 English clusters + 1 French
    assert all(line.startswith("- ") for block in data["nlu"] for line in block["examples"].splitlines())


def test_suggest_is_deterministic() -> None:
    assert suggest(RESULTS, "sim", clusters=2) == suggest(list(RESULTS), "sim", clusters=2)


def test_suggest_without_misunderstood_messages_prints_empty_list() -> None:
    data = yaml.safe_load(suggest(RESULTS[-1:], "sim"))
    assert data["nlu"] is None
