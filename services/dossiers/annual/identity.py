"""The stable identity of a nominee in the award history: never the name, never the raw ID number.

A person is keyed by an HMAC-SHA256 of the normalised ID number (CCCD) under the office's secret
(`TDKT_PERSON_KEY_SECRET`), or by a person id the office already uses; a collective or household
by a keyed hash of its proposing unit and normalised name (its address for a household). The key
travels in events; the ID number does not, so a subscriber cannot read it back (issue 12 encrypts
the number itself at rest).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata

from services.dossiers.domain.values import PERSON_ID

DEV_SECRET = "tdkt-dev-person-key"  # development only; production sets TDKT_PERSON_KEY_SECRET
ID_NUMBER = re.compile(r"^\d{9}$|^\d{12}$")


def secret() -> bytes:
    return os.environ.get("TDKT_PERSON_KEY_SECRET", DEV_SECRET).encode()


def _keyed(text: str, key: bytes | None = None) -> str:
    return hmac.new(key or secret(), text.encode(), hashlib.sha256).hexdigest()[:32]


def normalise_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def person_key(id_number: str, key: bytes | None = None) -> str:
    """`H-…`: the keyed hash of a 9- or 12-digit ID number (spaces and dots ignored)."""
    digits = re.sub(r"[\s.]", "", id_number)
    return "H-" + _keyed("person|" + digits, key)


def collective_key(proposing_unit: str, name: str, key: bytes | None = None) -> str:
    return "C-" + _keyed(f"collective|{proposing_unit.strip().upper()}|{normalise_name(name)}", key)


def valid_id_number(value: str) -> bool:
    return bool(ID_NUMBER.match(re.sub(r"[\s.]", "", value)))


def valid_person_id(value: str) -> bool:
    return bool(PERSON_ID.match(value.strip()))


def nominee_identity(*, kind: str, id_number: str, person_id: str, name: str, proposing_unit: str) -> str | None:
    """A dossier nominee's identity: a person by the ID number, else the office's person id (none
    without either: a name is not an identity); a collective or household by its proposing unit
    and name, as a round's list keys it."""
    if kind == "INDIVIDUAL":
        if id_number and valid_id_number(id_number):
            return person_key(id_number)
        return person_id.strip() if person_id and valid_person_id(person_id) else None
    return collective_key(proposing_unit, name) if proposing_unit.strip() and name.strip() else None
