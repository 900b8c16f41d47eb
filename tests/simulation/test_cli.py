"""``wismo simulate`` and ``wismo suggest`` on the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
import yaml

from server.cli import simulate_commands

TICKETS = Path(__file__).resolve().parent.parent / "resources" / "tickets"
REPO = TICKETS.parent.parent.parent


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    simulate_commands.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture(scope="module")
def sim_dir(default_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli-sim")
    code = _run("simulate", str(TICKETS / "messages.csv"), str(TICKETS / "first_messages.csv"),
                "--model", str(default_model_dir), "--config", str(REPO / "wismo.yml"), "--out", str(out))  # fmt: skip
    assert code == 0
    return out


@pytest.mark.slow
def test_cli_simulate_writes_outputs(sim_dir: Path) -> None:
    assert {p.name for p in sim_dir.iterdir()} == {"summary.json", "results.jsonl", "report.html"}
    assert json.loads((sim_dir / "summary.json").read_text())["tickets"] == 8


@pytest.mark.slow
def test_cli_simulate_reports_bad_rows_on_stderr(
    default_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = tmp_path / "t.csv"
    tickets.write_text("ticket_id,created_at,text\nA,2025-03-10T12:00:00Z,hello\nB,,no date\n")
    assert (
        _run("simulate", str(tickets), "--model", str(default_model_dir), "--out", str(tmp_path / "o")) == 0
    )
    captured = capsys.readouterr()
    assert "wismo: skipped t.csv:3: created_at: missing timestamp" in captured.err
    assert "1 tickets (1 bad rows skipped)" in captured.out
    assert "simulate: 1/1 (100%)" in captured.err  # progress lines off a terminal too (CI logs)


@pytest.mark.slow
def test_cli_simulate_no_progress_is_quiet(
    default_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = tmp_path / "t.csv"
    tickets.write_text("ticket_id,created_at,text\nA,2025-03-10T12:00:00Z,hello\n")
    out = str(tmp_path / "o")
    assert (
        _run("simulate", str(tickets), "--model", str(default_model_dir), "--out", out, "--no-progress") == 0
    )
    assert capsys.readouterr().err == ""


@pytest.mark.slow
def test_cli_simulate_connector_config(default_model_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "connector.yml"
    config.write_text(f"connector:\n  type: demo\n  path: {tmp_path / 'shop.sqlite3'}\n")
    tickets = tmp_path / "t.csv"
    tickets.write_text(
        "ticket_id,created_at,text\nA,2025-03-10T12:00:00Z,where is order 1002? jane@example.com\n"
    )
    out = tmp_path / "o"
    assert _run("simulate", str(tickets), "--connector", str(config), "--model", str(default_model_dir),
                "--out", str(out)) == 0  # fmt: skip
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["inputs"]["connector"], summary["outcomes"]["would_answer"]["count"]) == ("config", 1)


@pytest.mark.slow
def test_cli_suggest_prints_yaml(sim_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("suggest", str(sim_dir), "--clusters", "2", "--per-cluster", "2") == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data["version"] == "3.1"


@pytest.mark.parametrize(
    "argv",
    [
        ("simulate", "no-such-file.csv"),
        ("simulate", str(TICKETS / "messages.csv"), "--jobs", "0"),
        ("suggest", str(TICKETS)),
        ("suggest", str(TICKETS), "--clusters", "0"),
    ],
)
def test_cli_bad_input_exits_2(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(*argv) == 2
    assert capsys.readouterr().err.startswith("wismo: error:")


def test_cli_simulate_missing_model_exits_2_before_making_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = _run(
        "simulate", str(TICKETS / "first_messages.csv"), "--model", str(tmp_path / "nope"), "--out", str(out)
    )
    assert code == 2 and "no trained model" in capsys.readouterr().err
    assert not out.exists()


def test_cli_simulate_bad_orders_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,email,status\n1,,shipped\n")
    assert (
        _run("simulate", str(TICKETS / "first_messages.csv"), "--orders", str(orders), "--out", str(tmp_path))
        == 2
    )
    assert "orders.csv:2" in capsys.readouterr().err


def test_cli_simulate_connector_without_section_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "c.yml"
    config.write_text("nlu: {}\n")
    assert _run("simulate", str(TICKETS / "first_messages.csv"), "--connector", str(config)) == 2
