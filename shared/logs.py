"""Structured logs: one JSON object per line in production (`TDKT_LOG_JSON=1`), readable text in dev."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(service: str, *, json_lines: bool, level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    if json_lines:
        handler.setFormatter(JsonFormatter(service))
    else:
        handler.setFormatter(logging.Formatter(f"%(asctime)s %(levelname)s [{service}] %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


class FastStreamNoiseFilter(logging.Filter):
    """Quietens two FastStream 0.7.8 habits that are not problems.

    - "callback for Task-N is being executed...": logged at INFO every time a subscriber task ends.
    - An idle pull consumer's fetch can end in a plain `asyncio.TimeoutError` (nats-py raises it
      where FastStream only expects nats' own TimeoutError); FastStream's supervisor then logs a
      traceback at ERROR and restarts the fetch task, which is all that is needed. Shown as a
      one-line WARNING instead.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("callback for ") and message.endswith("is being executed..."):
            return False
        exc = record.exc_info[1] if record.exc_info else None
        if "raised an exception, retrying" in message and isinstance(exc, TimeoutError):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = "pull consumer fetch timed out on an idle stream; FastStream restarted the fetch task"
            record.args = ()
            record.exc_info = None
        return True


def faststream_logger() -> logging.Logger:
    """The logger FastStream brokers use: propagates to the service's handler (JSON in production)."""
    logger = logging.getLogger("tdkt.faststream")
    if not any(isinstance(f, FastStreamNoiseFilter) for f in logger.filters):
        logger.addFilter(FastStreamNoiseFilter())
    return logger
