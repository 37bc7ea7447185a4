"""Logging goes to a file; in ``serve`` warnings also go to stderr. While the
console runs, nothing may write to the terminal.

One record is one line. Values from requests (paths, headers, emails, event ids)
are passed through :func:`loggable`, and the handlers' :class:`SafeFormatter`
escapes the message of every record again, so nobody can write a line of their own
(``/x%0a2030-01-01 ... INFO shopkeep.access: ...``) or a terminal escape into the log.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_file_handler: RotatingFileHandler | None = None

# C0 and C1 controls and DEL; line and paragraph separators; bidirectional
# overrides, embeddings and isolates (they reorder what a reader sees); lone
# surrogates (undecodable bytes, which the UTF-8 log file cannot even hold)
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def loggable(value: object) -> str:
    """``value`` as text fit for one log line: control and line-breaking characters
    are written as ``\\x0a``, ``\\u2028`` and so on. Cheap when there are none."""
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class SafeFormatter(logging.Formatter):
    """Escapes the message, its arguments and the exception messages of a record;
    a traceback keeps its own line breaks."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = loggable(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: ExcInfo) -> str:
        text = super().formatException(ei)
        for exc in _chain(ei[1]):
            notes = getattr(exc, "__notes__", None) or []
            if not any(_UNSAFE.search(str(part)) for part in (exc, *notes)):
                continue
            raw = "".join(traceback.format_exception_only(type(exc), exc)).rstrip("\n")
            text = text.replace(raw, loggable(raw))
        return text


def _chain(exc: BaseException | None) -> list[BaseException]:
    """The exception and those it was raised from or while handling."""
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


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
    file_handler = RotatingFileHandler(
        path, maxBytes=5_000_000, backupCount=3, encoding="utf-8", errors="backslashreplace"
    )
    _file_handler = file_handler
    file_handler.setFormatter(SafeFormatter(FORMAT))
    root.addHandler(file_handler)
    root.setLevel(logging.INFO)
    if stderr_level is not None:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(stderr_level)
        stream.setFormatter(SafeFormatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(stream)
    logging.captureWarnings(True)
