"""wismo's dialogue: the WISMO conversation policy, its events and the order look-up connectors.

Uses only the NLU package's types (:mod:`nlu.types`); knows nothing of the server.
"""
