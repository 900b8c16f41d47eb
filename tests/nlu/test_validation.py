"""``wismo data validate``: strict checks with file:line, exit 2 on errors."""

from __future__ import annotations

import textwrap

import pytest

from nlu.validation import validate_paths
from server.cli import main


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


GOOD = """
nlu:
- intent: greet
  examples: |
    - hello there
    - good morning
- intent: order_status
  examples: |
    - where is my order
    - has my parcel shipped yet
"""


def messages(tmp_path):
    _, issues = validate_paths([tmp_path])
    return [(i.location.replace(str(tmp_path), ""), i.severity, i.message) for i in issues]


def test_validate_accepts_good_data(tmp_path):
    write(tmp_path / "en" / "nlu.yml", GOOD)
    assert messages(tmp_path) == []


def test_validate_flags_single_example_intent(tmp_path):
    write(tmp_path / "en" / "nlu.yml", GOOD + "- intent: thanks\n  examples: |\n    - thank you\n")
    [issue] = messages(tmp_path)
    assert issue[0] == "/en/nlu.yml:12" and issue[1] == "error" and "thanks" in issue[2]


@pytest.mark.parametrize("block", ["|\n", '""\n', "[]\n"])
def test_validate_flags_intent_with_an_empty_examples_block(tmp_path, block):
    """Regression (NLU audit): an empty ``examples:`` block dropped the intent silently."""
    write(tmp_path / "en" / "nlu.yml", GOOD + "- intent: thanks\n  examples: " + block)
    [issue] = messages(tmp_path)
    assert (
        issue[0] == "/en/nlu.yml:10" and issue[1] == "error" and "'thanks' has an empty examples" in issue[2]
    )


def test_csv_header_is_matched_without_case_or_spaces(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "data.csv").write_text("Text, Intent\nhello there,greet\ngood morning, greet\n")
    assert messages(tmp_path) == []


def test_validate_flags_same_example_under_two_intents_after_normalising(tmp_path):
    write(
        tmp_path / "en" / "nlu.yml",
        GOOD + "- intent: thanks\n  examples: |\n    - Hello   There\n    - thanks\n",
    )
    found = messages(tmp_path)
    assert found[0][:2] == ("/en/nlu.yml:12", "error")
    assert "greet" in found[0][2] and "/en/nlu.yml:4" in found[0][2]


def test_validate_flags_near_duplicates_across_intents(tmp_path):
    write(
        tmp_path / "en" / "nlu.yml",
        GOOD + "- intent: thanks\n  examples: |\n    - where is my orders\n    - thanks a lot\n",
    )
    found = messages(tmp_path)
    assert any(loc == "/en/nlu.yml:12" and "nearly the same" in msg for loc, _, msg in found)


def test_validate_reports_every_broken_file_and_keeps_going(tmp_path):
    write(tmp_path / "en" / "a.yml", "nlu:\n- intent: a\n  examples: [\n")
    write(tmp_path / "en" / "b.yml", GOOD + "- regex: order_id\n  examples: |\n    - ([a-\n")
    write(
        tmp_path / "en" / "c.yml",
        "nlu:\n- intent: x\n  examples: |\n    - ok [1001(order_id)\n    - ok fine then\n",
    )
    found = messages(tmp_path)
    locations = [loc for loc, severity, _ in found if severity == "error"]
    assert "/en/a.yml:4" in locations
    assert "/en/b.yml:12" in locations
    assert "/en/c.yml:4" in locations


def test_validate_warns_on_class_imbalance(tmp_path):
    many = "\n".join(f"    - where is my order number {w}" for w in "abcdefghijklmnopqrstuvwxyz")
    write(
        tmp_path / "en" / "nlu.yml",
        f"nlu:\n- intent: order_status\n  examples: |\n{many}\n- intent: greet\n  examples: |\n    - hi\n    - hey\n",
    )
    found = messages(tmp_path)
    imbalance = [(where, sev) for where, sev, msg in found if "imbalance" in msg]
    # file:line of the small intent's first example, where a trainer adds more
    assert imbalance == [("/en/nlu.yml:32", "warning")]


@pytest.mark.parametrize(("content", "code"), [(GOOD, 0), ("nlu:\n- intent: a\n  examples: [\n", 2)])
def test_cli_data_validate_exit_codes(tmp_path, capsys, content, code):
    path = write(tmp_path / "en" / "nlu.yml", content)
    assert main(["data", "validate", str(tmp_path)]) == code
    out = capsys.readouterr().out
    if code:
        assert f"{path}:4: error:" in out


def test_project_training_data_is_valid(default_training_data):
    from nlu.validation import check_training_data

    errors = [str(i) for i in check_training_data(default_training_data) if i.severity == "error"]
    assert errors == []
