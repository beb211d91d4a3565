"""Published events of the notifications service (`tdkt.notification.*`).

One event per delivery outcome: a notice (email, webhook call or in-app inbox message) about
another event reached its recipient, or the service gave up on it. The aggregate is the delivery
(`aggregate_id` = delivery id); `aggregate_version` is the number of attempts made so far, so an
operator's re-queue of a failed delivery that then succeeds publishes a later version.
`cause_event_id` names the event the notice was about (or `reminder:<key>` for a scheduled
reminder), so an auditor can join the two streams.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from shared.contracts.base import EventContract, published


class NotificationOutcome(EventContract):
    delivery_id: str
    cause_event_id: str = Field(description="The event the notice was about, or `reminder:<key>`")
    cause_event_type: str = Field(description="Its subject (`tdkt.dossier.submitted`) or reminder type")
    channel: str = Field(description="email | webhook | inbox")
    recipient: str = Field(description="Unit code, person's email address, or `subscription:<id>`")
    address: str = Field(description="Email address, webhook URL, or inbox owner")
    template: str = Field("", description="Template of the notice; empty for a subscription's raw event")
    attempts: int


@published
class NotificationDelivered(NotificationOutcome):
    """A notice reached its recipient (accepted by the SMTP server, a 2xx webhook answer, or the inbox)."""

    subject: ClassVar[str] = "tdkt.notification.delivered"
    delivered_at: datetime


@published
class NotificationFailed(NotificationOutcome):
    """The service gave up on a notice: a permanent refusal, or every retry used; operators can re-queue it."""

    subject: ClassVar[str] = "tdkt.notification.failed"
    failed_at: datetime
    error: str
