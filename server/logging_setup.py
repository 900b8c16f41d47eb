"""Logging for the CLI and the server: one handler, and personal data masked at INFO and above."""

from __future__ import annotations

import logging

from nlu.masking import mask_text


class MaskingFilter(logging.Filter):
    """Masks emails, phone numbers, order and tracking numbers in records at INFO and above.

    DEBUG records are left as they are: debugging a conversation needs the values, and DEBUG is off in
    production.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.INFO:
            message = record.getMessage()
            record.msg = mask_text(message)
            record.args = None
        return True


def setup_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(MaskingFilter())
    root.handlers[:] = [handler]
    root.setLevel(max(logging.DEBUG, level))
