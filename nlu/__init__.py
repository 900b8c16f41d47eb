"""wismo's natural-language understanding: intents, language and slots, in English and French.

The package knows nothing of the dialogue or the server. Its public entry points:

- :class:`nlu.types.ParseResult` and :class:`nlu.types.Entity`, the values every other layer consumes;
- :func:`nlu.training_data.load_training_data`, which reads Rasa YAML and CSV files;
- :class:`nlu.engine.NLUEngine`, trained with :meth:`NLUEngine.train` and loaded with :func:`nlu.model_io.load_model`.
"""

from nlu.types import Entity, IntentScore, ParseResult

__all__ = ["Entity", "IntentScore", "ParseResult"]
