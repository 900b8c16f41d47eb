"""Errors raised by the NLU package. All share :class:`NLUError`."""

from __future__ import annotations


class NLUError(Exception):
    """Base class of every error the NLU package raises on purpose."""


class InvalidTrainingData(NLUError, ValueError):
    """Training data that cannot be used; ``location`` is ``file:line`` when known."""

    def __init__(self, message: str, location: str | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class InvalidConfig(NLUError, ValueError):
    """A configuration value is missing or wrong; the message names the key."""


class IncompatibleModel(NLUError):
    """A model directory was made by another format version, or a file in it is corrupt."""


class ModelNotFound(NLUError, FileNotFoundError):
    """No trained model where one was expected."""
