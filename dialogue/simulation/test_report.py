"""``report.html`` for the YAML conversation tests (``wismo test --report DIR``), in the simulation's look.

Takes the :class:`dialogue.testing.CaseResult` values the runner returns: pass/fail per conversation, grouped by
file, with the diff of every failing turn. Order numbers, emails and phones in the diffs are masked like in every
other report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from dialogue.simulation.replay import mask_report_text
from nlu.html_report import bar_chart, cards, esc, page, section, table


class _Spec(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def source(self) -> str: ...


class CaseOutcome(Protocol):
    """What the report needs of a conversation-test result (``dialogue.testing.CaseResult`` has it)."""

    @property
    def spec(self) -> _Spec: ...

    @property
    def failures(self) -> tuple[str, ...]: ...

    @property
    def passed(self) -> bool: ...


def _diff(result: CaseOutcome, index: int) -> str:
    text = "\n\n".join(mask_report_text(f) for f in result.failures)
    return (
        f'<details id="case-{index}" open><summary class="bad">{esc(result.spec.source)} :: '
        f"{esc(result.spec.name)}</summary>"
        f'<pre style="white-space:pre-wrap;background:#f8f8f8;padding:.5rem">{esc(text)}</pre></details>'
    )


def render_test_report(results: Sequence[CaseOutcome]) -> str:
    """The whole HTML page for a conversation-test run."""
    passed = sum(r.passed for r in results)
    failed = len(results) - passed
    by_file_failed = Counter(r.spec.source for r in results if not r.passed)
    by_file_total = Counter(r.spec.source for r in results)
    rows = []
    for i, r in enumerate(results):
        status = (
            '<span class="good">passed</span>' if r.passed else f'<a href="#case-{i}" class="bad">failed</a>'
        )
        rows.append(f"<tr><td>{esc(r.spec.source)}</td><td>{esc(r.spec.name)}</td><td>{status}</td></tr>")
    files = [
        [source, total, total - by_file_failed.get(source, 0), by_file_failed.get(source, 0)]
        for source, total in sorted(by_file_total.items())
    ]
    body = [
        cards([("conversations", str(len(results))), ("passed", str(passed)), ("failed", str(failed))]),
        section("Result", bar_chart([("passed", float(passed)), ("failed", float(failed))])),
        section("Per file", table(["file", "conversations", "passed", "failed"], files)),
        section(
            "Conversations",
            "<table><thead><tr><th>file</th><th>conversation</th><th>result</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>",
        ),
    ]
    if failed:
        body.append(section("Failures", "".join(_diff(r, i) for i, r in enumerate(results) if not r.passed)))
    return page(f"wismo conversation tests: {passed} passed, {failed} failed", body)


def write_test_report(results: Sequence[CaseOutcome], out_dir: str | Path) -> Path:
    """Write ``report.html`` for ``results`` into ``out_dir`` (created if needed) and return its path."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.html"
    path.write_text(render_test_report(results), encoding="utf-8")
    return path
