"""The conversation-test report for ``wismo test --report DIR``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dialogue.simulation.report import write_test_report


@dataclass(frozen=True)
class _Spec:
    name: str
    source: str


@dataclass(frozen=True)
class _Case:
    spec: _Spec
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


CASES = [
    _Case(_Spec("shipped order", "en/wismo.yml"), ()),
    _Case(_Spec("human please", "en/handoff.yml"), ()),
    _Case(
        _Spec("wrong email", "fr/verification.yml"),
        ("  turn 1: user: 'commande 1001, jane@example.com'\n    - template: expected 'ask_email', got []",),
    ),
]


def test_write_test_report_counts_pass_and_fail(tmp_path: Path) -> None:
    page = write_test_report(CASES, tmp_path / "out").read_text(encoding="utf-8")
    assert "2 passed, 1 failed" in page
    assert page.count('class="good">passed') == 2


def test_write_test_report_links_failures_to_their_diff(tmp_path: Path) -> None:
    page = write_test_report(CASES, tmp_path).read_text(encoding="utf-8")
    assert 'href="#case-2"' in page and 'id="case-2"' in page
    assert "expected &#x27;ask_email&#x27;" in page


def test_write_test_report_masks_personal_data(tmp_path: Path) -> None:
    page = write_test_report(CASES, tmp_path).read_text(encoding="utf-8")
    assert "jane@example.com" not in page and "1001" not in page


def test_write_test_report_all_passed_has_no_failure_section(tmp_path: Path) -> None:
    page = write_test_report(CASES[:2], tmp_path).read_text(encoding="utf-8")
    assert "Failures" not in page
