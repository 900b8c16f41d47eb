"""Evaluation as QA runs it, and the accuracy gate on the default training data."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nlu.config import NLUConfig, load_config_file
from nlu.evaluation import (
    EvaluationResult,
    cross_validate,
    describe_source,
    evaluate,
    is_training_data,
    score_entities,
    write_report,
)
from nlu.types import Entity, EntitySpan, Example, TrainingData
from server.cli import main
from tests.conftest import REPO
from tests.nlu.test_model_io import tiny_data


def test_evaluation_result_scores_and_out_of_scope():
    result = EvaluationResult(
        gold=["a", "a", "b", "out_of_scope", "out_of_scope"],
        predicted=["a", "b", "b", "out_of_scope", "a"],
        confidences=[0.9, 0.6, 0.8, 0.3, 0.5],
        texts=["1", "2", "3", "4", "5"],
    )
    assert result.accuracy == pytest.approx(3 / 5)
    scores = result.intent_scores()
    assert scores["a"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert result.out_of_scope() == {
        "in_scope_accuracy": pytest.approx(2 / 3),
        "recall": 0.5,
        "precision": 1.0,
    }
    assert result.confusions() == [("a", "b", 1), ("out_of_scope", "a", 1)]
    assert result.errors()[0]["text"] == "2"


def test_score_entities_counts_overlapping_spans():
    examples = [
        Example("order 1001 x", "i", (EntitySpan("order_id", 6, 10, "1001"),)),
        Example("mail a@b.co", "i", (EntitySpan("email", 5, 11, "a@b.co"),)),
    ]
    predicted = [
        [Entity("order_id", "1001", "#1001", 5, 10, "r"), Entity("phone", "1", "x", 11, 12, "r")],
        [],
    ]
    scores = score_entities(examples, predicted)
    assert scores["order_id"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert scores["email"]["recall"] == 0.0
    assert "phone" not in scores


def test_evaluate_and_report(default_engine, default_training_data, tmp_path):
    result = evaluate(default_engine, default_training_data.examples[:300])
    assert 0.9 <= result.accuracy <= 1.0
    path = write_report(result, str(tmp_path / "rep"))
    html = (tmp_path / "rep" / "report.html").read_text()
    assert path.endswith("report.html") and "<svg" in html and "Confusion matrix" in html
    assert json.loads((tmp_path / "rep" / "evaluation.json").read_text())["n_examples"] == 300
    assert result.source["training_data"] is False and "not cross-validated" in html


def test_is_training_data_recognises_the_models_own_data(default_engine, default_training_data):
    assert is_training_data(default_engine, default_training_data)
    part = TrainingData(default_training_data.examples[:300], default_training_data.synonyms)
    assert not is_training_data(default_engine, part)


def test_report_says_when_scored_on_training_data(tmp_path):
    """Regression (issue 6): ``--report`` without ``--folds`` showed ~100% without saying on what."""
    result = EvaluationResult(["a", "b"], ["a", "b"], [0.9, 0.8], ["x", "y"])
    result.source = describe_source(2, training_data=True)
    write_report(result, str(tmp_path))
    html = (tmp_path / "report.html").read_text()
    assert "the model&#x27;s training data" in html and "--folds K" in html
    evaluated_on = json.loads((tmp_path / "evaluation.json").read_text())["evaluated_on"]
    assert (evaluated_on["method"], evaluated_on["training_data"]) == ("trained_model", True)


def test_report_says_when_cross_validated(tmp_path):
    result = EvaluationResult(
        ["a", "b"], ["a", "b"], [0.9, 0.8], ["x", "y"], source=describe_source(2, folds=5)
    )
    write_report(result, str(tmp_path))
    assert "5-fold cross-validation" in (tmp_path / "report.html").read_text()


def _tiny_model(tmp_path):
    data = tiny_data(tmp_path) / "nlu.yml"
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "m")]) == 0
    return data, tmp_path / "m"


def test_cli_evaluate_on_training_data_says_so(tmp_path, capsys):
    data, model = _tiny_model(tmp_path)
    capsys.readouterr()
    assert main(["evaluate", "--model", str(model), "--data", str(data)]) == 0
    captured = capsys.readouterr()
    assert "the model's training data" in captured.err and "--folds K" in captured.err
    assert "evaluated on: scored on the data given" in captured.out
    assert main(["evaluate", "--model", str(model), "--data", str(data), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"accuracy", "macro_f1", "intents", "entities", "out_of_scope"}
    assert out["evaluated_on"]["training_data"] is True


@pytest.mark.slow
def test_accuracy_gate_cross_validated_per_intent_f1(default_training_data):
    """The gate kept in wismo.yml (nlu.gate): every intent's cross-validated F1 must reach it."""
    config = NLUConfig.from_dict(load_config_file(REPO / "wismo.yml").get("nlu"))
    result = cross_validate(default_training_data, config, config.gate.folds)
    below = {
        k: round(v["f1"], 3) for k, v in result.intent_scores().items() if v["f1"] < config.gate.min_intent_f1
    }
    assert below == {}, f"intents under the gate {config.gate.min_intent_f1}: {below}"
    assert result.macro_f1 >= config.gate.min_macro_f1


def test_cli_evaluate_json_shape(default_model_dir, tmp_path, capsys):
    data = tmp_path / "en" / "gold.csv"
    data.parent.mkdir()
    data.write_text(
        "text,intent\nwhere is my order [1001](order_id),order_status\nwhat's the weather on mars,out_of_scope\n"
        "talk to a human please,request_human\n"
    )
    assert main(["evaluate", "--model", str(default_model_dir), "--data", str(data), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"accuracy", "macro_f1", "intents", "entities", "out_of_scope"}
    assert set(out["intents"]["order_status"]) == {"precision", "recall", "f1", "support"}
    assert set(out["out_of_scope"]) == {"in_scope_accuracy", "recall", "precision"}
    assert out["entities"]["order_id"]["support"] == 1


def test_cli_parse_json_is_rasa_shaped(default_model_dir, capsys):
    assert (
        main(["parse", "--model", str(default_model_dir), "--json", "où", "est", "ma", "commande", "1001"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"text", "intent", "intent_ranking", "entities", "language"}
    assert out["text"] == "où est ma commande 1001"
    assert out["intent"]["name"] == "order_status"
    assert {"entity", "value", "text", "start", "end", "extractor"} <= set(out["entities"][0])


def test_cli_output_into_a_closed_pipe_ends_without_a_traceback(default_model_dir):
    # `wismo parse --json ... | head -c 10`: the reader is gone before the JSON is written
    script = "import sys; from server.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [
        sys.executable,
        "-c",
        script,
        "parse",
        "--model",
        str(default_model_dir),
        "--json",
        "where is it",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    proc.stdout.close()  # type: ignore[union-attr]
    _, err = proc.communicate(timeout=120)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()
    assert proc.returncode == 141


def test_cli_parse_without_model_exits_2(tmp_path, capsys):
    assert main(["parse", "--model", str(tmp_path), "hello"]) == 2
    assert "wismo train" in capsys.readouterr().err


def test_cli_train_writes_model(tmp_path, capsys):
    data = tmp_path / "fr" / "nlu.yml"
    data.parent.mkdir()
    data.write_text(
        "nlu:\n- intent: greet\n  examples: |\n    - bonjour\n    - salut\n- intent: bye\n  examples: |\n    - au revoir\n    - a plus\n"
    )
    assert main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "m")]) == 0
    assert (tmp_path / "m" / "metadata.json").exists()
    assert "trained 2 intents on 4 examples (fr)" in capsys.readouterr().out


def test_cli_train_bad_data_exits_2_with_location(tmp_path, capsys):
    bad = tmp_path / "nlu.yml"
    bad.write_text("nlu:\n- intent: a\n  examples: [\n")
    assert main(["train", "--data", str(bad), "--out", str(tmp_path / "m")]) == 2
    assert f"{bad}:4" in capsys.readouterr().err
