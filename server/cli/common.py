"""Helpers shared by the CLI commands: configuration loading, error printing, progress."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

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


def progress(done: int, total: int, label: str = "") -> None:
    """A one-line progress bar on stderr (only when it is a terminal or when asked)."""
    width = 30
    filled = int(width * done / max(total, 1))
    end = "\n" if done >= total else ""
    sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
    sys.stderr.flush()


def ensure_dir(path: str | Path) -> Path:
    target = Path(path)
    target.mkdir(parents=True, exist_ok=True)
    return target


__all__ = ["InvalidConfig", "add_config_argument", "ensure_dir", "fail", "load_nlu_config", "progress"]
