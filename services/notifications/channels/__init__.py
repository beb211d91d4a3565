"""Delivery channels: each sends one stored delivery and says how it went.

A channel raises `PermanentDeliveryError` when trying again cannot help (a mailbox that does not
exist, a webhook answering 404) and anything else for a failure worth retrying; the worker turns
that into a retry schedule. Messages are in Vietnamese: operators read them in `/deliveries`.
"""

from __future__ import annotations

from typing import Protocol

from services.notifications.deliveries import DeliveryRecord


class PermanentDeliveryError(Exception):
    """Retrying will not help; the delivery fails at once."""


class TransientDeliveryError(Exception):
    """Worth trying again later (server down, timeout, 5xx)."""


class Sender(Protocol):
    async def send(self, delivery: DeliveryRecord) -> str:
        """Send one delivery; returns what the other side answered, for the audit trail."""
        ...
