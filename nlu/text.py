"""Tokenisation and normalisation on blank spaCy pipelines (no model is downloaded, ever).

The classifier and the learned entity extractor read text only through these functions, so training and
parsing see exactly the same tokens.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

SUPPORTED_LANGUAGES = ("en", "fr")
MAX_TEXT_CHARS = 2_000

_DIGITS = re.compile(r"\d")
_EMAIL = re.compile(r"\S+@\S+\.\S+")
_NUMBER_RUN = re.compile(r"\d[\d\-]{2,}")
_SPACES = re.compile(r"\s+")
_KEPT_PUNCT = frozenset({"#", "?"})
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT_CHAR = "\ufffd"


def import_spacy() -> ModuleType:
    """spaCy, imported without PyTorch.

    spaCy's thinc imports torch whenever it is installed (the ``dense`` extra brings it): about a second and
    185 MB in every process, for blank pipelines that only tokenise. Torch is kept out while spaCy imports;
    a later ``import torch`` (the dense encoder's) works as usual.
    """
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    blocked = "torch" not in sys.modules
    if blocked:
        sys.modules["torch"] = None  # type: ignore[assignment]  # import torch -> ImportError, for now
    try:
        import spacy
    finally:
        if blocked and "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]
    return spacy


@lru_cache(maxsize=4)
def blank_pipeline(language: str) -> Language:
    """A blank spaCy pipeline for ``language`` (``en`` or ``fr``), built once per process."""
    spacy = import_spacy()
    if language not in SUPPORTED_LANGUAGES:
        language = "en"
    return spacy.blank(language)


def replace_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, so it can be encoded as UTF-8.

    A ``str`` decoded with ``surrogateescape`` or built from broken JSON may hold code points that spaCy and
    every UTF-8 writer refuse. One character becomes one character, so offsets into the result are offsets
    into ``text``.

    >>> replace_surrogates("\\ud800abc") == "\\ufffdabc"
    True
    >>> replace_surrogates("order 1001")
    'order 1001'
    """
    return _SURROGATE.sub(REPLACEMENT_CHAR, text)


def tokenize(text: str, language: str = "en") -> Doc:
    """The spaCy ``Doc`` of ``text`` (tokenizer only); lone surrogates are read as U+FFFD."""
    return blank_pipeline(language).make_doc(replace_surrogates(text))


def fold_accents(text: str) -> str:
    """Remove diacritics so that ``numéro`` and ``numero`` are the same word.

    >>> fold_accents("Où est ma commande, numéro 12 ?")
    'Ou est ma commande, numero 12 ?'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Text as the classifier sees it: lower case, no accents, digits reduced to their shape.

    Order numbers and emails carry no intent of their own, so they become placeholders; a run of digits keeps
    only its shape, so ``#1001`` and ``#2002`` look alike.

    >>> normalise("Where is ORDER #1001?? mail: Jane@Example.com")
    'where is order #zznum?? mail: zzemail'
    """
    text = text[:MAX_TEXT_CHARS]
    text = _EMAIL.sub("zzemail", text)
    text = _NUMBER_RUN.sub("zznum", text)
    text = _DIGITS.sub("0", text)
    text = fold_accents(text.lower())
    return _SPACES.sub(" ", text).strip()


def word_tokens(text: str, language: str = "en") -> list[str]:
    """Normalised word tokens of ``text``: punctuation dropped but ``#`` and ``?``, elisions kept (``j'``).

    >>> word_tokens("Où est ma commande #1001 ?", "fr")
    ['ou', 'est', 'ma', 'commande', '#', 'zznum', '?']
    """
    doc = tokenize(normalise(text), language)
    return [t.text for t in doc if not t.is_space and (not t.is_punct or t.text in _KEPT_PUNCT)]
