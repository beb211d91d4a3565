"""Gapless number sequences as tiny event-sourced aggregates.

A decision number (`N/QĐ-UBND`) is unique and gapless per authority and year, the authority
named by its canonical org-unit code (one register per people's committee, however a caller
spells the code), and its dates never go backwards: number N+1 is not dated before number N.
A receipt number
(`000123/2026/TN`) per receiving office and year. Each sequence is an aggregate with a
deterministic id (uuid5 of its key), so every writer finds the same one. A number is taken by
triggering `NumberIssued` and saving the sequence in the SAME `app.save(sequence, dossier)` as
the dossier event that uses it: if another writer took the number first, the unique
(originator_id, version) constraint raises `IntegrityError` for the whole save, nothing is
stored, and the caller retries with a fresh read. A number is thus only ever stored together
with its use, which is what keeps the sequence gapless.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.dossiers.domain.errors import DossierValidationError

NUMBERING_NAMESPACE = uuid5(NAMESPACE_URL, "urn:tdkt:dossiers:numbering")


class NumberSequence(Aggregate):
    """Base of the sequences: the last number issued, and which dossier took each one."""

    def peek(self) -> int:
        """The number the next `issue` will give."""
        return self.last_number + 1

    def issue(self, dossier_id: UUID, at: datetime) -> int:
        number = self.peek()
        self._issued(number=number, dossier_id=dossier_id, at=at)
        return number

    @event("NumberIssued")
    def _issued(self, number: int, dossier_id: UUID, at: datetime) -> None:
        self.last_number = number


class DecisionNumberSequence(NumberSequence):
    """Award decisions of one deciding authority (its canonical unit code) in one calendar year."""

    @staticmethod
    def create_id(authority: str, year: int) -> UUID:
        return uuid5(NUMBERING_NAMESPACE, f"{authority}:{year}")

    @event("Started")
    def __init__(self, authority: str, year: int) -> None:
        self.authority = authority
        self.year = year
        self.last_number = 0
        self.last_decision_date: date | None = None
        self.dated: dict[int, date] = {}
        """The date of each number this register knows the date of (`last_number` counts only the
        numbers this system issued; numbers from the office's own register are here)."""

    def peek(self) -> int:
        """The next number this system would issue: after every number it knows."""
        return max([self.last_number, *getattr(self, "dated", {})]) + 1

    def issue_decision(self, dossier_id: UUID, at: datetime, decision_date: date) -> int:
        """The next number, for a decision dated `decision_date`: never before the last one's date."""
        last = getattr(self, "last_decision_date", None)
        if last is not None and decision_date < last:
            raise DossierValidationError(
                {
                    "decision_date": f"Ngày quyết định {decision_date:%d/%m/%Y} trước ngày của quyết định số "
                    f"{self.last_number} đã cấp ({last:%d/%m/%Y}) trong sổ quyết định của {self.authority}: "
                    "số sau không được mang ngày trước số trước."
                }
            )
        number = self.peek()
        self._decision_issued(number=number, dossier_id=dossier_id, at=at, decision_date=decision_date)
        return number

    @event("DecisionNumberIssued")
    def _decision_issued(self, number: int, dossier_id: UUID, at: datetime, decision_date: date) -> None:
        self.last_number = number
        self.last_decision_date = decision_date
        self.dated = {**getattr(self, "dated", {}), number: decision_date}

    def record_external(self, number: int, dossier_id: UUID, at: datetime, decision_date: date) -> int:
        """Record a number the office took from its own document register (NĐ 30/2020 Art. 15: a
        body numbers its documents from 01 each year, each number once). Refused when this
        register already knows the number, or when it would put the dates out of order against
        the numbers it knows (a smaller number dated later, or a larger one dated earlier)."""
        known = set(range(1, self.last_number + 1)) | set(getattr(self, "dated", {}))
        if number in known:
            raise DossierValidationError(
                {
                    "decision_number": f"Số {number:02d} đã được dùng trong năm {self.year} trong sổ quyết định của "
                    f"{self.authority}: mỗi số chỉ cấp một lần trong năm."
                }
            )
        for other, day in sorted(getattr(self, "dated", {}).items()):
            if (other < number and day > decision_date) or (other > number and day < decision_date):
                raise DossierValidationError(
                    {
                        "decision_date": f"Số {number:02d} ngày {decision_date:%d/%m/%Y} không khớp thứ tự của sổ: "
                        f"số {other:02d} mang ngày {day:%d/%m/%Y}."
                    }
                )
        self._external_recorded(number=number, dossier_id=dossier_id, at=at, decision_date=decision_date)
        return number

    @event("ExternalNumberRecorded")
    def _external_recorded(self, number: int, dossier_id: UUID, at: datetime, decision_date: date) -> None:
        dated = {**getattr(self, "dated", {}), number: decision_date}
        self.dated = dated
        self.last_decision_date = dated[max(dated)]


class ReceiptNumberSequence(NumberSequence):
    """Receipts of one receiving office (one-stop desk) in one calendar year."""

    @staticmethod
    def create_id(office: str, year: int) -> UUID:
        return uuid5(NUMBERING_NAMESPACE, f"receipt:{office}:{year}")

    @event("Started")
    def __init__(self, office: str, year: int) -> None:
        self.office = office
        self.year = year
        self.last_number = 0


def format_decision_number(number: int, suffix: str) -> str:
    """`12/QĐ-UBND`: the year is not part of the number; it is in the decision's date."""
    return f"{number}/{suffix}"


def parse_decision_number(text: str, suffix: str) -> int:
    """The number of `125/QĐ-UBND` (or a bare `125`), entered from the office's own register;
    the symbol, when given, must be this register's. Raises `DossierValidationError`."""
    raw = str(text or "").strip()
    number, _, symbol = raw.partition("/")
    if not number.strip().isdigit() or int(number) < 1:
        raise DossierValidationError(
            {"decision_number": f"Số quyết định phải là số thứ tự trong sổ, ví dụ «125/{suffix}»; nhận «{raw}»."}
        )
    if symbol and "".join(symbol.split()).upper() != "".join(suffix.split()).upper():
        raise DossierValidationError(
            {"decision_number": f"Ký hiệu «{symbol.strip()}» không phải của sổ này («{suffix}»)."}
        )
    return int(number)


def format_receipt_number(number: int, year: int, office: str) -> str:
    """`000123/2026/TN`."""
    return f"{number:06d}/{year}/{office}"
