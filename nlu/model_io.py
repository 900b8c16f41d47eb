"""Saving and loading model directories: ``model.joblib`` plus ``metadata.json``.

A model directory made by another format version, another scikit-learn minor version or with a corrupt file
fails to load with :class:`IncompatibleModel` and a message that says what to do; there is no fallback to an
untrained model. ``metadata.json`` holds the sha256 of every artefact, checked before anything is unpickled, so
a truncated or damaged file is reported by name rather than as an unpickling traceback.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import pickle
import platform
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib

from nlu.config import NLUConfig
from nlu.engine import NLUEngine
from nlu.errors import IncompatibleModel, ModelNotFound
from nlu.training_data import load_training_data
from nlu.types import TrainingData

logger = logging.getLogger(__name__)

FORMAT_VERSION = 4  # 2: no scikit-learn objects in the featuriser; 3: sha256 of each artefact in metadata;
# 4: optional dense sentence features (the classifier knows where its sparse columns end)
# Read from the package metadata: importing scikit-learn costs a second that a parse-only process can skip.
SKLEARN_VERSION = importlib.metadata.version("scikit-learn")
MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
ARTEFACTS = (MODEL_FILE,)  # every file whose sha256 metadata.json records
DEFAULT_MODEL_DIR = Path("models/default")
DEFAULT_DATA_DIR = Path("training_data")


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def data_hash(data: TrainingData, config: NLUConfig) -> str:
    """A stable fingerprint of the training data, lookups, synonyms, regexes and NLU config.

    Examples are hashed order-independently; a lookup keeps its order, which decides which carrier a fuzzy
    match prefers.
    """
    digest = hashlib.sha256()
    rows = sorted(
        f"{e.language}\t{e.intent}\t{e.text}\t{[(s.entity, s.start, s.end, s.value) for s in e.entities]}"
        for e in data.examples
    )
    for row in rows:
        digest.update(row.encode("utf-8"))
    digest.update(json.dumps(config.to_dict(), sort_keys=True, default=str).encode())
    digest.update(json.dumps([sorted(data.synonyms.items()), sorted(data.regexes.items())]).encode())
    digest.update(json.dumps(sorted(data.lookups.items())).encode())
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    import numpy

    return {
        "python": platform.python_version(),
        "scikit-learn": SKLEARN_VERSION,
        "spacy": importlib.metadata.version("spacy"),
        "numpy": numpy.__version__,
        "joblib": joblib.__version__,
    }


def save_model(
    engine: NLUEngine, out_dir: str | Path, data: TrainingData, extra: dict[str, Any] | None = None
) -> Path:
    """Write ``engine`` into ``out_dir`` (created if needed) with its metadata; returns the directory."""
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    metadata: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "libraries": library_versions(),
        "training_data_hash": data_hash(data, engine.config),
        "n_examples": len(data.examples),
        "intents": engine.intents,
        "entity_types": sorted(set(data.entity_types)),
        "languages": data.languages,
        "config": engine.config.to_dict(),
        "temperature": engine.classifier.temperature_,
        "dense": None
        if engine.dense is None
        else {
            "encoder": engine.dense.params.encoder,
            "languages": list(engine.dense.params.languages),
            "dimension": engine.dense.dimension_,
            "fingerprint": engine.dense.fingerprint_,
        },
        **(extra or {}),
    }
    tmp = target / (MODEL_FILE + ".tmp")
    joblib.dump(
        {
            "featurizer": engine.featurizer,
            "classifier": engine.classifier,
            "language_id": engine.language_id,
            "learned": engine.learned,
            "synonyms": engine.synonyms,
            "lookups": engine.lookups,
            "dense": engine.dense,
            "sparse_classifier": engine.sparse_classifier,
        },
        tmp,
        compress=3,
    )
    metadata["checksums"] = {MODEL_FILE: file_sha256(tmp)}
    tmp.replace(target / MODEL_FILE)
    (target / METADATA_FILE).write_text(
        json.dumps(metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    engine.metadata = metadata
    return target


def read_metadata(model_dir: str | Path) -> dict[str, Any]:
    path = Path(model_dir) / METADATA_FILE
    if not path.exists():
        raise ModelNotFound(
            f"no model in {model_dir} (missing {METADATA_FILE}); run `wismo train --out {model_dir}`"
        )
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise IncompatibleModel(f"{path} is corrupt ({err}); retrain with `wismo train`") from err
    if not isinstance(metadata, dict):
        raise IncompatibleModel(f"{path} is corrupt; retrain with `wismo train`")
    return metadata


def load_model(model_dir: str | Path) -> NLUEngine:
    """Load a trained engine.

    Raises:
        ModelNotFound: no model in ``model_dir``.
        IncompatibleModel: other format or library version, or a corrupt file.
    """
    directory = Path(model_dir)
    metadata = read_metadata(directory)
    version = metadata.get("format_version")
    if version != FORMAT_VERSION:
        raise IncompatibleModel(
            f"{directory} has model format {version}, this wismo reads format {FORMAT_VERSION}; retrain with `wismo train`"
        )
    trained_with = metadata.get("libraries", {}).get("scikit-learn", "?")
    if _minor(trained_with) != _minor(SKLEARN_VERSION):
        raise IncompatibleModel(
            f"{directory} was trained with scikit-learn {trained_with}, this environment has "
            f"{SKLEARN_VERSION}; retrain with `wismo train`"
        )
    _check_artefacts(directory, metadata)
    try:
        parts = joblib.load(directory / MODEL_FILE)
        config = NLUConfig.from_dict(metadata["config"])
        engine = NLUEngine(
            config,
            parts["featurizer"],
            parts["classifier"],
            parts["language_id"],
            parts["learned"],
            parts["synonyms"],
            metadata,
            parts["lookups"],
            parts["dense"],
            parts["sparse_classifier"],
        )
        if engine.dense is not None:
            engine.dense.check()  # the encoder is installed and is the one the model was trained with
    except FileNotFoundError as err:
        raise ModelNotFound(f"{directory / MODEL_FILE} is missing; retrain with `wismo train`") from err
    except (
        EOFError,
        pickle.UnpicklingError,
        zlib.error,
        KeyError,
        IndexError,
        ValueError,
        TypeError,
        AttributeError,
        ImportError,
        zipfile.BadZipFile,
        OSError,
    ) as err:
        raise IncompatibleModel(
            f"{directory / MODEL_FILE} is corrupt or incompatible ({type(err).__name__}); retrain with `wismo train`"
        ) from err
    logger.info("nlu.model_loaded dir=%s intents=%d", directory, len(engine.intents))
    return engine


def _check_artefacts(directory: Path, metadata: dict[str, Any]) -> None:
    """Each artefact exists and has the sha256 recorded in ``metadata.json``."""
    checksums = metadata.get("checksums")
    for name in ARTEFACTS:
        expected = checksums.get(name) if isinstance(checksums, dict) else None
        if not isinstance(expected, str):
            raise IncompatibleModel(
                f"{directory / METADATA_FILE} has no checksum for {name}; retrain with `wismo train`"
            )
        path = directory / name
        if not path.is_file():
            raise ModelNotFound(f"{path} is missing; retrain with `wismo train`")
        if file_sha256(path) != expected:
            raise IncompatibleModel(
                f"{path} is corrupt (its sha256 differs from {METADATA_FILE}); retrain with `wismo train`"
            )


def train_model(
    data_paths: list[str | Path], out_dir: str | Path, config: NLUConfig | None = None
) -> NLUEngine:
    """Load data, train, save: what ``wismo train`` does."""
    config = config or NLUConfig()
    data = load_training_data(data_paths)
    engine = NLUEngine.train(data, config)
    save_model(engine, out_dir, data)
    return engine


def ensure_default_model(
    model_dir: str | Path = DEFAULT_MODEL_DIR,
    data_dir: str | Path = DEFAULT_DATA_DIR,
    config: NLUConfig | None = None,
) -> NLUEngine:
    """Load the model in ``model_dir``, training it from ``data_dir`` first when it is missing or stale."""
    config = config or NLUConfig()
    try:
        metadata = read_metadata(model_dir)
        data = load_training_data([data_dir])
        if metadata.get("training_data_hash") == data_hash(data, config):
            return load_model(model_dir)
        logger.warning("nlu.model_stale dir=%s: training data or config changed, retraining", model_dir)
    except (ModelNotFound, IncompatibleModel) as err:
        logger.warning("nlu.model_missing %s: training it now", err)
    return train_model([data_dir], model_dir, config)
