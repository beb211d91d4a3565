"""Structured logs: JSON lines, and FastStream's harmless noise kept out of operators' way."""

from __future__ import annotations

import json
import logging
import sys

from shared.logs import FastStreamNoiseFilter, JsonFormatter


def record(message: str, level: int = logging.INFO, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, None) if exc else None
    return logging.LogRecord("tdkt.faststream", level, __file__, 1, message, (), exc_info)


def test_task_callback_chatter_is_dropped() -> None:
    assert FastStreamNoiseFilter().filter(record("callback for Task-13 is being executed...")) is False


def test_an_idle_fetch_timeout_becomes_a_one_line_warning() -> None:
    entry = record("Task-16 raised an exception, retrying...", logging.ERROR, TimeoutError())
    assert FastStreamNoiseFilter().filter(entry) is True
    assert entry.levelname == "WARNING"
    assert entry.exc_info is None


def test_a_real_failure_keeps_its_error_and_traceback() -> None:
    try:
        raise ValueError("hỏng")
    except ValueError as exc:
        entry = record("Task-16 raised an exception, retrying...", logging.ERROR, exc)
        entry.exc_info = sys.exc_info()
    assert FastStreamNoiseFilter().filter(entry) is True
    assert entry.levelname == "ERROR"
    assert entry.exc_info is not None


def test_json_lines_keep_vietnamese_readable() -> None:
    line = JsonFormatter("campaigns").format(record("Đã đăng ký phong trào"))
    assert json.loads(line)["message"] == "Đã đăng ký phong trào"
    assert "Đã đăng ký" in line
