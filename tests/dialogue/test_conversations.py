"""The YAML conversation tests (tests/conversations) end to end with the real NLU model, plus the runner."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from dialogue.config import DialogueConfig
from dialogue.errors import ConversationTestError
from dialogue.testing import (
    ConversationSpec,
    discover,
    find_orders_file,
    load_conversations,
    load_orders,
    run_conversation,
    summary_line,
)
from tests.dialogue.helpers import ROOT, KeywordParser, templates

CONVERSATIONS = ROOT / "tests" / "conversations"
CASES = [case for path in discover(CONVERSATIONS) for case in load_conversations(path)]


@pytest.fixture(scope="session")
def nlu_model(default_engine):
    """The default model, trained from ``training_data/`` once per session (see ``tests/conftest.py``)."""
    return default_engine


@pytest.fixture(scope="session")
def shop_templates():
    return templates()


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[f"{Path(c.source).parent.name}/{c.name}" for c in CASES])
def test_conversation_yaml(case: ConversationSpec, nlu_model, shop_templates) -> None:
    orders_file = find_orders_file(Path(case.source))
    assert orders_file is not None
    result = asyncio.run(
        run_conversation(case, nlu_model, shop_templates, load_orders(orders_file), DialogueConfig())
    )
    assert result.passed, "\n".join(result.failures)


def test_conversations_cover_both_languages_half_french() -> None:
    french = sum(c.language == "fr" for c in CASES)
    assert len(CASES) >= 40
    assert french * 2 >= len(CASES)


def test_conversations_cover_every_handoff_reason() -> None:
    reasons = {t.handoff for c in CASES for t in c.turns if t.handoff}
    assert reasons == {"requested_human", "not_found", "confirmed", "not_understood", "other_topic",
                       "lookup_failed", "stuck_shipment"}  # fmt: skip


def test_run_conversation_reports_diff_on_failure(tmp_path: Path, shop_templates) -> None:
    path = tmp_path / "case.yml"
    path.write_text('turns:\n  - user: "hello"\n    template: ask_email\n    slots: {order_id: "1"}\n')
    (case,) = load_conversations(path)
    result = asyncio.run(run_conversation(case, KeywordParser(), shop_templates, [], DialogueConfig()))
    assert not result.passed
    assert "template: expected 'ask_email', got ['greet']" in result.failures[0]
    assert "slot order_id: expected '1', got None" in result.failures[0]
    assert summary_line([result]) == "0 passed, 1 failed"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("turns: []\n", "needs a non-empty 'turns:' list"),
        ("turns:\n  - bot: hi\n", "every turn needs 'user: <message>'"),
        ("turns:\n  - user: hi\n    templat: greet\n", "turns[0].templat: unknown key"),
        ("turns:\n  - user: hi\nconfig: {max_attempts: 0}\n", "dialogue.max_attempts"),
    ],
)
def test_load_conversations_rejects_malformed_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(content)
    with pytest.raises(ConversationTestError, match=message.replace("[", r"\[").replace("]", r"\]")):
        for case in load_conversations(path):
            asyncio.run(run_conversation(case, KeywordParser(), templates(), [], DialogueConfig()))


def test_wismo_test_command_prints_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    import argparse

    from server.cli import test_command

    path = tmp_path / "case.yml"
    path.write_text(
        'turns:\n  - user: "hello"\n    template: greet\n  - user: "bye"\n    template: ask_email\n'
    )
    monkeypatch.setattr("nlu.model_io.ensure_default_model", lambda: KeywordParser())
    parser = argparse.ArgumentParser()
    test_command.register(parser.add_subparsers())
    args = parser.parse_args(["test", str(path), "--config", str(ROOT / "wismo.yml")])
    code = args.func(args)
    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED" in out and "template: expected 'ask_email', got ['goodbye']" in out
    assert out.strip().splitlines()[-1] == "0 passed, 1 failed"
