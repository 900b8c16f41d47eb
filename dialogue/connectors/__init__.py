"""Order look-up connectors: one protocol, several back ends (see ``docs/connectors.md``)."""

from dialogue.connectors.base import ConnectorError, InMemoryConnector, OrderConnector

__all__ = ["ConnectorError", "InMemoryConnector", "OrderConnector"]
