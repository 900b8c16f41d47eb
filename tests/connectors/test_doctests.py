"""The examples in the connector modules' docstrings hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "dialogue.orders",
    "dialogue.connectors.fields",
    "dialogue.connectors.secrets",
    "dialogue.connectors.cache",
    "dialogue.connectors.circuit_breaker",
    "dialogue.connectors.http_client",
    "dialogue.connectors.settings",
    "dialogue.connectors.order_import",
]


@pytest.mark.parametrize("name", MODULES)
def test_connector_module_doctests_pass(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
