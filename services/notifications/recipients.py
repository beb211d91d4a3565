"""From an audience ("the proposing unit") and an event to the people and units to reach.

Units come from the contact book (directory + contacts file). People come from the dossier
itself when it names an address: the contract allows extra fields, so a dossier snapshot may
carry `contact_email` (or `contact: {name, email}`) for the clerk who filed it, and a nominee may
carry `email`. Nobody is invented: without an address, a person gets nothing, a unit gets its
in-app inbox message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.notifications.catalogue import Audience
from services.notifications.contacts import ContactBook, UnitContacts

EMAIL = "email"
WEBHOOK = "webhook"
INBOX = "inbox"
_EMAIL_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Recipient:
    """One unit or person, and where to reach them."""

    key: str
    """Unit code (upper case) or the person's email address (lower case); the inbox owner."""
    name: str
    kind: str
    """unit | person"""
    emails: tuple[str, ...] = ()
    webhook: str = ""

    def channels(self) -> list[tuple[str, str]]:
        """(channel, address) pairs: the inbox always, then each email address, then the webhook."""
        pairs = [(INBOX, self.key)]
        pairs += [(EMAIL, address) for address in self.emails]
        if self.webhook:
            pairs.append((WEBHOOK, self.webhook))
        return pairs


def unit_recipient(contacts: UnitContacts) -> Recipient:
    return Recipient(
        key=contacts.code, name=contacts.name, kind="unit", emails=contacts.emails, webhook=contacts.webhook
    )


def person_recipient(email: Any, name: Any = "") -> Recipient | None:
    address = str(email or "").strip()
    if not _EMAIL_ADDRESS.match(address):
        return None
    return Recipient(key=address.lower(), name=str(name or address), kind="person", emails=(address,))


class RecipientResolver:
    """Turns an audience into recipients for one event's payload."""

    def __init__(self, contacts: ContactBook) -> None:
        self.contacts = contacts

    def resolve(self, audience: Audience, payload: Mapping[str, Any]) -> list[Recipient]:
        if audience is Audience.SECRETARIAT:
            return [unit_recipient(self.contacts.secretariat())]
        if audience is Audience.PROPOSING_UNIT:
            return self._proposing_unit(payload.get("dossier") or {})
        if audience is Audience.NOMINEES:
            return self._nominees(payload)
        if audience is Audience.DECIDING_AUTHORITY:
            dossier = payload.get("dossier") or {}
            unit = payload.get("to_authority") or dossier.get("deciding_authority") or {}
            return [unit_recipient(self.contacts.unit(unit["code"], unit.get("name", "")))] if unit.get("code") else []
        if audience is Audience.LEAD_UNIT:
            lead = (payload.get("campaign") or {}).get("lead_unit") or {}
            return [unit_recipient(self.contacts.unit(lead["code"], lead.get("name", "")))] if lead.get("code") else []
        raise ValueError(f"unknown audience {audience}")

    def _proposing_unit(self, dossier: Mapping[str, Any]) -> list[Recipient]:
        unit = dossier.get("proposing_unit") or {}
        found = [unit_recipient(self.contacts.unit(unit["code"], unit.get("name", "")))] if unit.get("code") else []
        contact = dossier.get("contact") if isinstance(dossier.get("contact"), Mapping) else {}
        person = person_recipient(dossier.get("contact_email") or contact.get("email"), contact.get("name"))
        return found + ([person] if person else [])

    def _nominees(self, payload: Mapping[str, Any]) -> list[Recipient]:
        dossier = payload.get("dossier") or {}
        only = set(payload.get("nominee_ids") or [])  # an annulment names the nominees it concerns
        people = []
        for nominee in dossier.get("nominees") or []:
            if only and nominee.get("nominee_id") not in only:
                continue
            person = person_recipient(nominee.get("email"), nominee.get("name"))
            if person:
                people.append(person)
        return people
