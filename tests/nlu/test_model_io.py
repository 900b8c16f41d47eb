"""Model directories: metadata, and loud failures on incompatible or corrupt artefacts."""

from __future__ import annotations

import json
import shutil

import pytest

from nlu.errors import IncompatibleModel, ModelNotFound
from nlu.model_io import FORMAT_VERSION, METADATA_FILE, MODEL_FILE, load_model


@pytest.fixture
def model_copy(tmp_path, default_model_dir):
    target = tmp_path / "model"
    shutil.copytree(default_model_dir, target)
    return target


def test_metadata_describes_the_model(default_model_dir):
    meta = json.loads((default_model_dir / METADATA_FILE).read_text())
    assert meta["format_version"] == FORMAT_VERSION
    assert {"scikit-learn", "spacy", "python"} <= set(meta["libraries"])
    assert len(meta["training_data_hash"]) == 64
    assert {"order_status", "request_human", "out_of_scope", "inform"} <= set(meta["intents"])
    assert meta["languages"] == ["en", "fr"]
    assert "order_id" in meta["entity_types"]
    assert meta["config"]["threshold"] > 0
    assert meta["created_at"]


def test_load_missing_model_says_how_to_fix(tmp_path):
    with pytest.raises(ModelNotFound, match="wismo train"):
        load_model(tmp_path)


def test_load_other_format_version_fails(model_copy):
    meta = json.loads((model_copy / METADATA_FILE).read_text())
    meta["format_version"] = FORMAT_VERSION + 1
    (model_copy / METADATA_FILE).write_text(json.dumps(meta))
    with pytest.raises(IncompatibleModel, match="format"):
        load_model(model_copy)


def test_load_other_sklearn_version_fails(model_copy):
    meta = json.loads((model_copy / METADATA_FILE).read_text())
    meta["libraries"]["scikit-learn"] = "0.1.0"
    (model_copy / METADATA_FILE).write_text(json.dumps(meta))
    with pytest.raises(IncompatibleModel, match=r"scikit-learn 0\.1\.0"):
        load_model(model_copy)


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_load_corrupt_model_file_fails(model_copy, damage):
    path = model_copy / MODEL_FILE
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage == "truncate" else b"not a joblib file at all")
    with pytest.raises(IncompatibleModel, match="corrupt"):
        load_model(model_copy)


def test_load_corrupt_metadata_fails(model_copy):
    (model_copy / METADATA_FILE).write_text("{not json")
    with pytest.raises(IncompatibleModel, match="corrupt"):
        load_model(model_copy)


def test_loaded_model_parses_like_the_trained_one(default_engine, model_copy):
    again = load_model(model_copy)
    assert (
        again.parse("where is order 1001").to_dict() == default_engine.parse("where is order 1001").to_dict()
    )


def test_ensure_default_model_trains_when_missing_then_reuses(tmp_path):
    from nlu.model_io import ensure_default_model

    data = tmp_path / "data" / "en"
    data.mkdir(parents=True)
    (data / "nlu.yml").write_text(
        "nlu:\n- intent: greet\n  examples: |\n    - hi\n    - hello\n- intent: bye\n  examples: |\n    - bye\n    - see you\n"
    )
    model_dir = tmp_path / "model"
    first = ensure_default_model(model_dir, tmp_path / "data")
    stamp = (model_dir / METADATA_FILE).read_text()
    second = ensure_default_model(model_dir, tmp_path / "data")
    assert (model_dir / METADATA_FILE).read_text() == stamp
    assert first.intents == second.intents == ["bye", "greet"]
    (data / "nlu.yml").write_text((data / "nlu.yml").read_text() + "    - ciao\n")
    ensure_default_model(model_dir, tmp_path / "data")
    assert (model_dir / METADATA_FILE).read_text() != stamp
