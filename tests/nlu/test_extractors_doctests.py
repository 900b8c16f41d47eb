"""The doctests of the extractor, email-address and masking modules run with the suite."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "nlu.email_address",
    "nlu.extractors.base",
    "nlu.extractors.carrier",
    "nlu.extractors.config",
    "nlu.extractors.date_vocab",
    "nlu.extractors.dates",
    "nlu.extractors.email",
    "nlu.extractors.learned",
    "nlu.extractors.merge",
    "nlu.extractors.order_id",
    "nlu.extractors.phone",
    "nlu.extractors.rules",
    "nlu.extractors.tracking",
    "nlu.masking",
]


@pytest.mark.parametrize("name", MODULES)
def test_extractor_module_doctests_pass(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
