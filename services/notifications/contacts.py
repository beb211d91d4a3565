"""Who a unit is and where to reach it: the organisation-unit directory plus a contacts file.

The packaged org units (`shared/reference/org_units.yaml`) carry `email` and `webhook` fields,
empty by default, and a real office's addresses are not code: they come from a YAML file named by
`TDKT_NOTIFICATION_CONTACTS_FILE` (unit code → emails, webhook, webhook secret). Precedence: the
contacts file, then the directory's own fields, then the file's `email_pattern` (the dev default
uses it to give every unit an `@thanhoai.example` address). A unit with no address still gets its
in-app inbox messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from shared.reference.org_units import OrgUnitDirectory

DEV_CONTACTS_FILE = Path(__file__).with_name("contacts.dev.yaml")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ContactsError(ValueError):
    """The contacts file is unusable; raised at start-up so a typo never silently drops mail."""


@dataclass(frozen=True)
class UnitContacts:
    """Everything needed to address one unit."""

    code: str
    name: str
    emails: tuple[str, ...] = ()
    webhook: str = ""
    webhook_secret: str = ""


@dataclass(frozen=True)
class _Entry:
    emails: tuple[str, ...]
    webhook: str
    webhook_secret: str


class ContactBook:
    """Looks up units by code and says how to reach them."""

    def __init__(
        self,
        units: OrgUnitDirectory,
        entries: Mapping[str, _Entry],
        *,
        email_pattern: str = "",
        default_webhook_secret: str = "",
    ) -> None:
        self.units = units
        self._entries = dict(entries)
        self._email_pattern = email_pattern
        self._default_secret = default_webhook_secret
        for code in [*self._entries, *(u.code for u in units.all())]:
            self.unit(code)  # fail at start-up on a webhook without a signing key

    def unit(self, code: str, fallback_name: str = "") -> UnitContacts:
        """The unit's name and addresses; an unknown code keeps the name the event gave."""
        key = code.strip().upper()
        known = self.units.get(key) if key in self.units else None
        name = known.name if known else (fallback_name or key)
        entry = self._entries.get(key)
        if entry is not None:
            emails, webhook, secret = entry.emails, entry.webhook, entry.webhook_secret
        else:
            emails = (known.email,) if known and known.email else ()
            webhook, secret = (known.webhook if known else ""), ""
        if not emails and self._email_pattern:
            emails = (self._email_pattern.format(code=key.lower()),)
        secret = secret or self._default_secret
        if webhook and not secret:
            raise ContactsError(
                f"Đơn vị {key} có webhook {webhook} nhưng chưa có khóa ký: thêm webhook_secret cho đơn vị "
                "trong tệp liên hệ hoặc đặt TDKT_WEBHOOK_SECRET."
            )
        return UnitContacts(code=key, name=name, emails=emails, webhook=webhook, webhook_secret=secret)

    def secretariat(self) -> UnitContacts:
        """The council's standing body (Phòng Nội vụ in the packaged directory)."""
        return self.unit(self.units.secretariat().code)


def _entry(code: str, data: Any) -> _Entry:
    if not isinstance(data, Mapping):
        raise ContactsError(f"Liên hệ của đơn vị {code} phải là một đối tượng (emails, webhook, webhook_secret).")
    raw = data.get("emails") or []
    emails = tuple(str(e).strip() for e in ([raw] if isinstance(raw, str) else raw) if str(e).strip())
    for email in emails:
        if not _EMAIL.match(email):
            raise ContactsError(f"Địa chỉ thư điện tử không hợp lệ ở đơn vị {code}: «{email}».")
    webhook = str(data.get("webhook") or "").strip()
    if webhook and not webhook.startswith(("http://", "https://")):
        raise ContactsError(f"Webhook của đơn vị {code} phải là địa chỉ http:// hoặc https://: «{webhook}».")
    return _Entry(emails, webhook, str(data.get("webhook_secret") or ""))


def load_contacts(path: Path, units: OrgUnitDirectory, *, default_webhook_secret: str = "") -> ContactBook:
    """Read the contacts file (YAML: `email_pattern`, `units: {CODE: {emails, webhook, webhook_secret}}`)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ContactsError(f"Không đọc được tệp liên hệ {path}: {exc}") from exc
    if not isinstance(data, Mapping):
        raise ContactsError(f"Tệp liên hệ {path} phải là một đối tượng YAML.")
    units_data = data.get("units") or {}
    if not isinstance(units_data, Mapping):
        raise ContactsError(f"Khóa 'units' của tệp liên hệ {path} phải ánh xạ mã đơn vị → liên hệ.")
    entries = {str(code).strip().upper(): _entry(str(code), value) for code, value in units_data.items()}
    pattern = str(data.get("email_pattern") or "")
    if pattern and "{code}" not in pattern:
        raise ContactsError("email_pattern phải chứa {code}, ví dụ «{code}@thanhoai.example».")
    return ContactBook(units, entries, email_pattern=pattern, default_webhook_secret=default_webhook_secret)
