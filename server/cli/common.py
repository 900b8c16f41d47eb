"""Helpers shared by the CLI commands: configuration loading, error printing, progress."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from nlu.config import NLUConfig, load_config_file
from nlu.errors import InvalidConfig


def add_config_argument(parser: Any) -> None:
    parser.add_argument(
        "--config", metavar="FILE", help="configuration file (default: ./wismo.yml if present)"
    )


def load_nlu_config(path: str | None) -> NLUConfig:
    return NLUConfig.from_dict(load_config_file(path).get("nlu"))


def fail(message: str) -> int:
    """Print an operator-facing error (no traceback) and return the bad-input exit code."""
    print(f"wismo: error: {message}", file=sys.stderr)
    return 2


class Progress:
    """Progress of long work on stderr, with the rate and the time left.

    On a terminal a bar is redrawn in place; elsewhere (a CI log, a file, ``nohup``) one line is written per
    tenth of the work, so a long run is never silent and its log stays short.

    >>> import io
    >>> out, ticks = io.StringIO(), iter(range(100))
    >>> bar = Progress("simulate", stream=out, tty=False, clock=lambda: float(next(ticks)))
    >>> for done in (5, 10, 11, 100):
    ...     bar(done, 100)
    >>> print(out.getvalue(), end="")
    simulate: 10/100 (10%), 5/s, about 18s left
    simulate: 100/100 (100%), 25/s, done in 4s
    """

    def __init__(
        self,
        label: str,
        *,
        stream: TextIO | None = None,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.clock = clock
        self.started = clock()
        self._tenths_shown = 0

    def __call__(self, done: int, total: int) -> None:
        total = max(total, 1)
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = done / elapsed
        if done >= total:
            timing = f"done in {elapsed:.0f}s"
        else:
            timing = f"about {(total - done) / rate:.0f}s left" if done else "starting"
        text = f"{done}/{total} ({done / total:.0%}), {rate:.0f}/s, {timing}"
        if self.tty:
            width = 30
            filled = int(width * done / total)
            end = "\n" if done >= total else ""
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {text}\x1b[K{end}")
        else:
            tenths = min(10, done * 10 // total)
            if tenths <= self._tenths_shown:
                return
            self._tenths_shown = tenths
            self.stream.write(f"{self.label}: {text}\n")
        self.stream.flush()


def ensure_dir(path: str | Path) -> Path:
    target = Path(path)
    target.mkdir(parents=True, exist_ok=True)
    return target


__all__ = ["InvalidConfig", "Progress", "add_config_argument", "ensure_dir", "fail", "load_nlu_config"]
