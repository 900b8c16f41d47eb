"""Personal data never reaches the logs at INFO and above (the brief's privacy rule)."""

from __future__ import annotations

import io
import logging

import pytest

from server.logging_setup import setup_logging


@pytest.fixture
def log_output():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    setup_logging(logging.DEBUG, stream)
    yield stream
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


def test_info_masks_emails_order_ids_phones_and_tracking(log_output):
    log = logging.getLogger("wismo.test")
    log.info("lookup email=%s order=%s", "jane@example.com", "#1001")
    log.warning("customer wrote: my order 4521, call me on +33 6 12 34 56 78, parcel 1Z999AA10123456784")
    text = log_output.getvalue()
    for secret in ("jane@example.com", "1001", "4521", "12 34 56 78", "1Z999AA10123456784"):
        assert secret not in text
    assert "j***@e***.com" in text


def test_info_keeps_numbers_passed_as_numbers(log_output):
    logging.getLogger("sanic.server").info("Starting worker [%s]", 31847)
    assert "Starting worker [31847]" in log_output.getvalue()


def test_debug_keeps_values_for_debugging(log_output):
    logging.getLogger("wismo.test").debug("slot order_id=%s", "1001")
    assert "slot order_id=1001" in log_output.getvalue()


def test_conversation_logs_at_info_carry_no_personal_data(log_output, demo_engine, tmp_path):
    import asyncio

    from dialogue.engine import UserMessage
    from server.service import ConversationService
    from server.stores.sqlite import SQLiteStore

    async def scenario() -> None:
        store = SQLiteStore(tmp_path / "s.db")
        await store.open()
        service = ConversationService(demo_engine, store)
        await service.handle("c1", UserMessage("where is order 1002? jane@example.com", "c1", "m1"))
        await service.handle("c1", UserMessage("yes", "c1", "m2"))
        await store.close()

    logging.getLogger().setLevel(logging.INFO)
    asyncio.run(scenario())
    text = log_output.getvalue()
    assert "dialogue." in text  # the turn was logged
    assert "jane@example.com" not in text and "1002" not in text
