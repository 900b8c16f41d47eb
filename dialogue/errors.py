"""Errors raised by the dialogue package. All share :class:`DialogueError`."""

from __future__ import annotations


class DialogueError(Exception):
    """Base class of every error the dialogue package raises on purpose."""


class InvalidDialogueConfig(DialogueError, ValueError):
    """The ``dialogue:`` section of the config is wrong; the message names the bad key."""


class TemplateError(InvalidDialogueConfig):
    """A reply template is missing, malformed or uses a variable that is never provided."""


class InvalidEvent(DialogueError, ValueError):
    """A stored event cannot be read back (unknown type or missing field)."""


class ConversationTestError(DialogueError, ValueError):
    """A YAML conversation test file is malformed; the message says where."""
