"""Logging goes to a file; in ``serve`` warnings also go to stderr. While the
console runs, nothing may write to the terminal."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_file_handler: RotatingFileHandler | None = None


def write_lines(lines: list[str]) -> None:
    """Append preformatted lines to the log file (the access log's batches)."""
    handler = _file_handler
    if handler is None:
        return
    record = logging.LogRecord("shopkeep.access", logging.INFO, "", 0, "\n".join(lines), None, None)
    handler.acquire()
    try:
        if handler.stream is None:
            handler.stream = handler._open()
        if handler.shouldRollover(record):
            handler.doRollover()
        handler.stream.write(record.msg + "\n")
        handler.flush()
    finally:
        handler.release()


def setup_logging(path: str, *, stderr_level: int | None = None) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    global _file_handler
    file_handler = RotatingFileHandler(path, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    _file_handler = file_handler
    file_handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(file_handler)
    root.setLevel(logging.INFO)
    if stderr_level is not None:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(stderr_level)
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(stream)
    logging.captureWarnings(True)
