"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI replays the same examples on every run, so that a submission's result does not depend on the draw; a
# developer's run explores new ones (and hypothesis keeps any failure it finds in .hypothesis/ to replay).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
TRAINING_DATA = REPO / "training_data"


def _shared_dir() -> Path:
    return Path(os.environ.get("WISMO_SHARED_DIR", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (public data sets and vendor specs); tests that need it skip when it is absent."""
    path = _shared_dir()
    if not (path / "data").is_dir():
        pytest.skip(f"needs the shared folder with data sets and specs ({path} is absent)")
    return path


@pytest.fixture(scope="session")
def default_training_data():
    from nlu.training_data import load_training_data

    return load_training_data([TRAINING_DATA])


@pytest.fixture(scope="session")
def default_model_dir(tmp_path_factory, default_training_data) -> Path:
    """The default model, trained once per test session from ``training_data/`` into a temporary folder."""
    from nlu.config import NLUConfig, load_config_file
    from nlu.engine import NLUEngine
    from nlu.model_io import save_model

    config = NLUConfig.from_dict(load_config_file(REPO / "wismo.yml").get("nlu"))
    engine = NLUEngine.train(default_training_data, config)
    return save_model(engine, tmp_path_factory.mktemp("model"), default_training_data)


@pytest.fixture(scope="session")
def default_engine(default_model_dir):
    from nlu.model_io import load_model

    return load_model(default_model_dir)
