"""wismo's server side: the Sanic app, helpdesk channels, state stores and the ``wismo`` command line.

This package wires :mod:`nlu` and :mod:`dialogue` together; nothing imports it back.
"""
