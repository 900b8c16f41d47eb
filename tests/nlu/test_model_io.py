"""Model directories: metadata, and loud failures on incompatible or corrupt artefacts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nlu.config import NLUConfig
from nlu.errors import IncompatibleModel, ModelNotFound
from nlu.model_io import (
    FORMAT_VERSION,
    METADATA_FILE,
    MODEL_FILE,
    data_hash,
    ensure_default_model,
    file_sha256,
    load_model,
)
from nlu.types import TrainingData

TINY_DATA = (
    "nlu:\n- intent: greet\n  examples: |\n    - hi\n    - hello\n"
    "- intent: bye\n  examples: |\n    - bye\n    - see you\n"
)


def tiny_data(root: Path) -> Path:
    """``root/data/en/nlu.yml`` with two intents; returns the ``en`` folder (a ``training_data/`` in small)."""
    folder = root / "data" / "en"
    folder.mkdir(parents=True)
    (folder / "nlu.yml").write_text(TINY_DATA)
    return folder


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
    assert meta["checksums"] == {MODEL_FILE: file_sha256(default_model_dir / MODEL_FILE)}


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


def _damage(data: bytes, damage: str) -> bytes:
    if damage == "truncate":
        return data[: len(data) // 2]
    if damage == "head":  # what `head -c 10000` leaves
        return data[:10_000]
    if damage == "flip":  # bytes flipped inside the compressed stream
        middle = len(data) // 2
        return data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 64]) + data[middle + 64 :]
    return b"not a joblib file at all"


@pytest.mark.parametrize("damage", ["truncate", "head", "flip", "garbage"])
def test_load_corrupt_model_file_fails_on_checksum(model_copy, damage):
    path = model_copy / MODEL_FILE
    path.write_bytes(_damage(path.read_bytes(), damage))
    with pytest.raises(IncompatibleModel, match=r"model\.joblib is corrupt \(its sha256 differs"):
        load_model(model_copy)


@pytest.mark.parametrize("damage", ["truncate", "head", "flip", "garbage"])
def test_load_corrupt_model_file_fails_even_when_checksum_matches(model_copy, damage):
    """Unpickling and zlib errors become the same clear error, should a damaged file carry a fresh checksum."""
    path = model_copy / MODEL_FILE
    path.write_bytes(_damage(path.read_bytes(), damage))
    meta = json.loads((model_copy / METADATA_FILE).read_text())
    meta["checksums"][MODEL_FILE] = file_sha256(path)
    (model_copy / METADATA_FILE).write_text(json.dumps(meta))
    with pytest.raises(IncompatibleModel, match=r"model\.joblib is corrupt"):
        load_model(model_copy)


def test_load_metadata_without_checksum_fails(model_copy):
    meta = json.loads((model_copy / METADATA_FILE).read_text())
    del meta["checksums"]
    (model_copy / METADATA_FILE).write_text(json.dumps(meta))
    with pytest.raises(IncompatibleModel, match=r"no checksum for model\.joblib"):
        load_model(model_copy)


def test_load_missing_model_file_says_how_to_fix(model_copy):
    (model_copy / MODEL_FILE).unlink()
    with pytest.raises(ModelNotFound, match="wismo train"):
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
    data = tiny_data(tmp_path)
    model_dir = tmp_path / "model"
    first = ensure_default_model(model_dir, tmp_path / "data")
    stamp = (model_dir / METADATA_FILE).read_text()
    second = ensure_default_model(model_dir, tmp_path / "data")
    assert (model_dir / METADATA_FILE).read_text() == stamp
    assert first.intents == second.intents == ["bye", "greet"]
    (data / "nlu.yml").write_text((data / "nlu.yml").read_text() + "    - ciao\n")
    ensure_default_model(model_dir, tmp_path / "data")
    assert (model_dir / METADATA_FILE).read_text() != stamp


@pytest.mark.parametrize("damage", ["corrupt", "old_format"])
def test_ensure_default_model_retrains_an_unloadable_model(tmp_path, damage):
    tiny_data(tmp_path)
    model_dir = tmp_path / "model"
    ensure_default_model(model_dir, tmp_path / "data")
    if damage == "corrupt":
        (model_dir / MODEL_FILE).write_bytes((model_dir / MODEL_FILE).read_bytes()[:10_000])
    else:  # a format-2 model: same data hash, no checksums
        meta = json.loads((model_dir / METADATA_FILE).read_text())
        meta["format_version"] = 2
        del meta["checksums"]
        (model_dir / METADATA_FILE).write_text(json.dumps(meta))
    engine = ensure_default_model(model_dir, tmp_path / "data")
    assert engine.intents == ["bye", "greet"]
    assert json.loads((model_dir / METADATA_FILE).read_text())["format_version"] == FORMAT_VERSION
    load_model(model_dir)


def test_data_hash_changes_with_lookups():
    config = NLUConfig()
    base = TrainingData(lookups={"carrier": ("Colissimo", "UPS")})
    more = TrainingData(lookups={"carrier": ("Colissimo", "UPS", "Evri")})
    assert data_hash(base, config) != data_hash(more, config)


def test_ensure_default_model_retrains_when_a_lookup_changes(tmp_path):
    data = tiny_data(tmp_path)
    (data / "carriers.yml").write_text("nlu:\n- lookup: carrier\n  examples: |\n    - Colissimo\n")
    model_dir = tmp_path / "model"
    ensure_default_model(model_dir, tmp_path / "data")
    stamp = (model_dir / METADATA_FILE).read_text()
    (data / "carriers.yml").write_text((data / "carriers.yml").read_text() + "    - Speedy Parcels\n")
    engine = ensure_default_model(model_dir, tmp_path / "data")
    assert (model_dir / METADATA_FILE).read_text() != stamp
    assert "Speedy Parcels" in engine.lookups["carrier"]
