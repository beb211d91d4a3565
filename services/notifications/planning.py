"""From something to announce to the exact deliveries it calls for, rendered and keyed.

Pure: no database, no network, no clock. The consumer and the reminder scheduler both call
`Planner.plan`, then store the result in one transaction. Each delivery has a key
(event id, recipient, channel, address) and an id derived from it, so planning the same event
twice yields the same rows, and the unique key in the database turns the second into nothing.
The notice is rendered now and stored, so the audit trail shows exactly what was sent even if
a template is edited later.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from services.notifications import catalogue
from services.notifications.recipients import WEBHOOK, Recipient, RecipientResolver
from services.notifications.subscriptions import Subscription
from services.notifications.templates import NoticeTemplates

_DELIVERY_NAMESPACE = uuid.UUID("6f1d5c1e-3a52-4a4e-9f43-7f0f3b8f2a10")


@dataclass(frozen=True)
class Occurrence:
    """Something to announce: a consumed event, or a reminder the scheduler decided on."""

    event_id: str
    event_type: str
    payload: Mapping[str, Any]
    """JSON-ready; the body of webhook calls and `event` in the templates."""
    campaign: Mapping[str, Any] | None = None
    """The campaign a dossier names, from this service's read model (templates only)."""
    raw: Mapping[str, Any] | None = None
    """The event exactly as received, for webhook bodies; `payload` when None."""


@dataclass(frozen=True)
class PlannedDelivery:
    delivery_id: str
    delivery_key: str
    event_id: str
    event_type: str
    template: str
    channel: str
    recipient: str
    recipient_name: str
    address: str
    subject: str
    body_text: str
    body_html: str | None = None
    payload: str | None = None
    subscription_id: str | None = None


def delivery_key(event_id: str, recipient: str, channel: str, address: str) -> str:
    return "|".join((event_id, recipient, channel, address.lower()))


def delivery_id_for(key: str) -> str:
    """Deterministic, so the email's Message-ID is the same on every retry of the same notice."""
    return uuid.uuid5(_DELIVERY_NAMESPACE, key).hex


def event_json(payload: Mapping[str, Any]) -> str:
    """The exact text a webhook receives (and signs over)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


class Planner:
    """Applies the catalogue: audiences → recipients → rendered notices → deliveries."""

    def __init__(self, templates: NoticeTemplates, resolver: RecipientResolver) -> None:
        self.templates = templates
        self.resolver = resolver

    def plan(self, occurrence: Occurrence, subscriptions: Iterable[Subscription] = ()) -> list[PlannedDelivery]:
        planned: dict[str, PlannedDelivery] = {}
        body = event_json(occurrence.payload if occurrence.raw is None else occurrence.raw)
        for rule in catalogue.rules_for(occurrence.event_type):
            if not rule.applies(occurrence.payload):
                continue
            for recipient in self.resolver.resolve(rule.audience, occurrence.payload):
                notice = self.templates.render(rule.template, self.context(occurrence, recipient))
                for channel, address in recipient.channels():
                    key = delivery_key(occurrence.event_id, recipient.key, channel, address)
                    if key in planned:
                        continue
                    planned[key] = PlannedDelivery(
                        delivery_id=delivery_id_for(key),
                        delivery_key=key,
                        event_id=occurrence.event_id,
                        event_type=occurrence.event_type,
                        template=rule.template,
                        channel=channel,
                        recipient=recipient.key,
                        recipient_name=recipient.name,
                        address=address,
                        subject=notice.subject,
                        body_text=notice.text,
                        body_html=notice.html,
                        payload=body if channel == WEBHOOK else None,
                    )
        for subscription in subscriptions:
            if not subscription.matches(occurrence.event_type):
                continue
            recipient = f"subscription:{subscription.subscription_id}"
            key = delivery_key(occurrence.event_id, recipient, WEBHOOK, subscription.url)
            planned.setdefault(
                key,
                PlannedDelivery(
                    delivery_id=delivery_id_for(key),
                    delivery_key=key,
                    event_id=occurrence.event_id,
                    event_type=occurrence.event_type,
                    template="",
                    channel=WEBHOOK,
                    recipient=recipient,
                    recipient_name=subscription.description,
                    address=subscription.url,
                    subject=occurrence.event_type,
                    body_text="",
                    payload=body,
                    subscription_id=subscription.subscription_id,
                ),
            )
        return list(planned.values())

    def context(self, occurrence: Occurrence, recipient: Recipient) -> dict[str, Any]:
        """What a template sees: the event, its dossier or campaign snapshot, the recipient."""
        payload = occurrence.payload
        dossier = payload.get("dossier") or {}
        secretariat = self.resolver.contacts.secretariat()
        return {
            "event": payload,
            "event_id": occurrence.event_id,
            "event_type": occurrence.event_type,
            "dossier": dossier,
            "campaign": payload.get("campaign") or occurrence.campaign or {},
            "nominees": {n["nominee_id"]: n for n in dossier.get("nominees") or []},
            "recipient": {"code": recipient.key, "name": recipient.name, "kind": recipient.kind},
            "secretariat": {"code": secretariat.code, "name": secretariat.name},
        }
