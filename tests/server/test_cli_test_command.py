"""``wismo test``: conversation tests from the command line, with the summary line and the HTML report."""

from __future__ import annotations

from server.cli import main
from tests.conftest import REPO


def test_wismo_test_prints_summary_and_writes_report(default_model_dir, tmp_path, capsys):
    cases = REPO / "tests" / "conversations" / "en" / "escalation.yml"
    code = main(["test", str(cases), "--model", str(default_model_dir), "--report", str(tmp_path / "rep")])
    out = capsys.readouterr().out
    last = out.strip().splitlines()[-1]
    assert code == 0
    assert last.endswith(" passed, 0 failed")
    html = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "escalation" in html


def test_wismo_test_failing_case_exits_1_with_diff(default_model_dir, tmp_path, capsys):
    case = tmp_path / "en" / "broken.yml"
    case.parent.mkdir()
    (tmp_path / "orders.yml").write_text((REPO / "tests" / "conversations" / "orders.yml").read_text())
    case.write_text(
        "conversations:\n  - name: expects the wrong template\n    language: en\n    turns:\n"
        "      - user: hello\n        template: ask_email\n"
    )
    code = main(["test", str(tmp_path), "--model", str(default_model_dir)])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED" in out and "ask_email" in out
    assert out.strip().splitlines()[-1] == "0 passed, 1 failed"
