"""mask_text: personal data masked before it reaches logs and reports."""

from __future__ import annotations

import pytest

from nlu.masking import mask_email, mask_identifier, mask_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("order #1001 is late", "order #***01 is late"),
        ("1001", "***01"),
        ("commande n°1001", "commande n°***01"),
        ("Amazon order 112-1234567-1234567", "Amazon order ***67"),
        ("mail jane.doe@example.com please", "mail j***@e***.com please"),
        ("jane at example dot com", "j***@e***.com"),
        ("call +33 6 12 34 56 78 now", "call +***78 now"),
        ("appelez le 06 12 34 56 78", "appelez le ***78"),
        ("UPS 1Z999AA10123456784", "UPS ***84"),
        ("suivi 6A12345678901", "suivi ***01"),
        ("reference 0012384211 in the log", "reference ***11 in the log"),
        ("customer=4417823 replied", "customer=***23 replied"),
        ("slot=order_id value=1001", "slot=order_id value=***01"),
        ("ORD-12345 shipped", "***45 shipped"),
    ],
)
def test_mask_text_masks_personal_data(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "where is my order",
        "it cost 99.90 € on 12/03 at 10:30",
        "dialogue.handoff reason=max_attempts turns=3",
        "I ordered 2 items",
        "customer since 2019, logged 2024-03-12T10:30:00",
        "latency_ms=12",
    ],
)
def test_mask_text_leaves_text_without_personal_data_unchanged(text: str) -> None:
    assert mask_text(text) == text


def test_mask_text_hides_every_original_digit_run() -> None:
    text = "order 55012, phone 0612345678, email bob@shop.fr, tracking EA123456789US"
    masked = mask_text(text)
    for secret in ("55012", "0612345678", "bob@shop.fr", "EA123456789US"):
        assert secret not in masked


def test_mask_email_keeps_first_letters_and_tld() -> None:
    assert mask_email("a.b+c@sub.example.co.uk") == "a***@s***.uk"


def test_mask_identifier_hides_short_values_entirely() -> None:
    assert mask_identifier("#123") == "#***"
