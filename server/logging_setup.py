"""Logging for the CLI and the server: one handler, and personal data masked at INFO and above."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from nlu.masking import mask_text


def _mask(value: Any) -> Any:
    return mask_text(value) if isinstance(value, str) else value


class MaskingFilter(logging.Filter):
    """Masks emails, phone numbers, order and tracking numbers in records at INFO and above.

    String arguments are masked one by one (numbers passed as numbers, such as a worker's pid, are not personal
    data and stay readable); a message logged without arguments is masked whole. DEBUG records are left as they
    are: debugging a conversation needs the values, and DEBUG is off in production.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO:
            return True
        if isinstance(record.args, Mapping):
            record.args = {key: _mask(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_mask(arg) for arg in record.args)
        else:
            record.msg = mask_text(str(record.msg))
        return True


def setup_logging(level: int = logging.INFO, stream: Any = None) -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(MaskingFilter())
    root.handlers[:] = [handler]
    root.setLevel(max(logging.DEBUG, level))
