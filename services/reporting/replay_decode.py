"""A rebuild's decoding, done in worker processes.

Decoding a payload with its contract (pydantic-core) and turning the event into rows took about
a third of a rebuild's time in its one interpreter (docs/performance.md). The rebuild sends each
batch of raw messages to a worker process, which decodes them exactly as the rebuild's own
thread would (`projector.decode_json`) and gathers each event's rows (`projector.event_rows`):
plain dicts of dates, numbers and text, cheap to send back, where a pydantic event would not be.
The writer thread then only writes.
"""

from __future__ import annotations

from services.reporting.projector import EventRows, decode_json, event_rows

Message = tuple[str, str, int, bytes]
"""(event id, subject, stream sequence, raw payload)"""
Decoded = tuple[str, str, int, EventRows]
Skipped = tuple[str, str, str]
"""(event id, subject, the error's type name): a message that does not match its contract"""


def decode_batch(messages: list[Message]) -> tuple[list[Decoded], list[Skipped]]:
    """Each message's rows in order, and the messages left out."""
    decoded: list[Decoded] = []
    skipped: list[Skipped] = []
    for event_id, subject, sequence, data in messages:
        try:
            event = decode_json(subject, data)
        except Exception as exc:
            skipped.append((event_id, subject, type(exc).__name__))
            continue
        decoded.append((event_id, subject, sequence, event_rows(event_id, event)))
    return decoded, skipped


def ready() -> bool:
    """A no-op a new worker runs first, so it is forked before the first batch is read."""
    return True
