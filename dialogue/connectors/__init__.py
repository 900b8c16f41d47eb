"""Order look-up connectors: one protocol, several back ends (see ``docs/connectors.md``).

Build one from configuration with :func:`build_connector`; each never raises anything but
:class:`ConnectorError` (or a subclass) from a look-up.
"""

from dialogue.connectors.base import InMemoryConnector, OrderConnector
from dialogue.connectors.check import check_connector
from dialogue.connectors.demo_shop import DemoShopConnector, create_demo_shop
from dialogue.connectors.errors import (
    CircuitOpen,
    ConnectorAuthError,
    ConnectorBadResponse,
    ConnectorConfigError,
    ConnectorError,
    ConnectorRateLimited,
    ConnectorTimeout,
    ConnectorUnavailable,
)
from dialogue.connectors.factory import DEFAULT_DEMO_PATH, build_connector
from dialogue.connectors.order_import import OrderImportError, import_orders

__all__ = [
    "DEFAULT_DEMO_PATH",
    "CircuitOpen",
    "ConnectorAuthError",
    "ConnectorBadResponse",
    "ConnectorConfigError",
    "ConnectorError",
    "ConnectorRateLimited",
    "ConnectorTimeout",
    "ConnectorUnavailable",
    "DemoShopConnector",
    "InMemoryConnector",
    "OrderConnector",
    "OrderImportError",
    "build_connector",
    "check_connector",
    "create_demo_shop",
    "import_orders",
]
