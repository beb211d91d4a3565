"""What the dossier records about its documents: value objects, plain data, no I/O.

Events store them as dicts (the transcoder knows only primitives), so each has `as_dict()` and
`from_dict()`; `from_dict()` trusts stored events and reads fields added later with defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class SigningMethod(StrEnum):
    UPLOADED = "UPLOADED"
    """The chairman signed elsewhere (a USB token, the office's signing software) and the file was uploaded."""
    SIGNING_SERVICE = "SIGNING_SERVICE"
    """Signed through the signing service this system is configured with."""


@dataclass(frozen=True)
class SignedDocument:
    """A decision PDF whose PAdES signature verified against the configured trust roots."""

    sha256: str
    size: int
    name: str
    decision_number: str
    signer_subject: str
    signer_serial: str
    signer_issuer: str
    certificate_sha256: str
    trust_root: str
    signed_at: datetime | None
    method: SigningMethod

    def as_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "size": self.size,
            "name": self.name,
            "decision_number": self.decision_number,
            "signer_subject": self.signer_subject,
            "signer_serial": self.signer_serial,
            "signer_issuer": self.signer_issuer,
            "certificate_sha256": self.certificate_sha256,
            "trust_root": self.trust_root,
            "signed_at": self.signed_at,
            "method": self.method.value,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SignedDocument:
        return cls(
            d["sha256"],
            d["size"],
            d["name"],
            d["decision_number"],
            d["signer_subject"],
            d["signer_serial"],
            d["signer_issuer"],
            d["certificate_sha256"],
            d["trust_root"],
            d.get("signed_at"),
            SigningMethod(d["method"]),
        )


@dataclass(frozen=True)
class CertificatePrint:
    """One certificate printed for one awardee: the how-many-th copy, and why when a reprint."""

    nominee_id: str
    copy: int
    reprint_reason: str | None = None

    @property
    def reprint(self) -> bool:
        return self.copy > 1

    def as_dict(self) -> dict[str, Any]:
        return {"nominee_id": self.nominee_id, "copy": self.copy, "reprint_reason": self.reprint_reason}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CertificatePrint:
        return cls(d["nominee_id"], d["copy"], d.get("reprint_reason"))


@dataclass(frozen=True)
class PrintBatch:
    """A batch printed onto pre-printed blanks: which blank, with which calibration, which file."""

    batch_id: str
    blank_id: str
    offset_x_mm: float
    offset_y_mm: float
    pdf_sha256: str
    prints: tuple[CertificatePrint, ...]
    printed_on: date


@dataclass(frozen=True)
class PackageFile:
    """One file of a forwarded package (zip), as its manifest lists it."""

    path: str
    title: str
    kind: str
    format: str
    sha256: str
    size: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "title": self.title,
            "kind": self.kind,
            "format": self.format,
            "sha256": self.sha256,
            "size": self.size,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PackageFile:
        return cls(d["path"], d["title"], d["kind"], d["format"], d["sha256"], d["size"])


@dataclass(frozen=True)
class Forwarding:
    """The unit's proposal to the higher level (khen cao) and the package it sent."""

    round: int
    by_authority: str
    to_authority: str
    proposal_number: str
    proposal_date: date
    nominee_ids: tuple[str, ...]
    package_sha256: str
    package_size: int
    files: tuple[PackageFile, ...] = ()
    warnings: tuple[str, ...] = ()


class HigherLevelOutcome(StrEnum):
    AWARDED = "AWARDED"
    RETURNED = "RETURNED"


@dataclass(frozen=True)
class HigherLevelResult:
    """What the higher level did with a forwarded dossier: its decision, or its return."""

    outcome: HigherLevelOutcome
    decided_by: str
    decision_number: str | None = None
    decision_date: date | None = None
    awarded_ids: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    not_awarded: dict[str, tuple[str, ...]] = field(default_factory=dict)


def documents_state(dossier: Any) -> dict[str, Any]:
    """The documents part of a dossier's JSON view (signed decision, prints, forwarding)."""
    result = getattr(dossier, "higher_level_result", None)
    return {
        "signed_documents": [d.as_dict() for d in getattr(dossier, "signed_documents", ())],
        "certificate_prints": [
            {
                "batch_id": b.batch_id,
                "blank_id": b.blank_id,
                "offset_x_mm": b.offset_x_mm,
                "offset_y_mm": b.offset_y_mm,
                "pdf_sha256": b.pdf_sha256,
                "printed_on": b.printed_on,
                "prints": [{**p.as_dict(), "reprint": p.reprint} for p in b.prints],
            }
            for b in getattr(dossier, "print_batches", ())
        ],
        "forwardings": [
            {
                "round": f.round,
                "by_authority": f.by_authority,
                "to_authority": f.to_authority,
                "proposal_number": f.proposal_number,
                "proposal_date": f.proposal_date,
                "nominee_ids": list(f.nominee_ids),
                "package_sha256": f.package_sha256,
                "package_size": f.package_size,
                "files": [x.as_dict() for x in f.files],
                "warnings": list(f.warnings),
            }
            for f in getattr(dossier, "forwardings", ())
        ],
        "higher_level_result": None
        if result is None
        else {
            "outcome": result.outcome.value,
            "decided_by": result.decided_by,
            "decision_number": result.decision_number,
            "decision_date": result.decision_date,
            "awarded_ids": list(result.awarded_ids),
            "reasons": list(result.reasons),
            "not_awarded": {k: list(v) for k, v in result.not_awarded.items()},
        },
    }


def document_links(dossier: Any, base_url: str) -> list[dict[str, str]]:
    """Where a person downloads a dossier's decision, its signed copy and each awardee's
    certificate: links for notifications (never the files themselves)."""
    base = f"{base_url.rstrip('/')}/dossiers/{dossier.id}"
    links = []
    decision = getattr(dossier, "decision", None)
    if decision is not None and decision.number:
        links.append(
            {"kind": "decision", "title": f"Quyết định số {decision.number}", "url": f"{base}/documents/quyet-dinh.pdf"}
        )
    if getattr(dossier, "signed_documents", ()):
        links.append({"kind": "signed_decision", "title": "Quyết định đã ký số", "url": f"{base}/signed-decision.pdf"})
    for nominee_id in getattr(dossier, "awarded_ids", ()):
        name = dossier.nominee(nominee_id).name
        links.append(
            {
                "kind": "certificate",
                "title": f"Giấy khen, giấy chứng nhận (bản điện tử): {name}",
                "url": f"{base}/certificates/{nominee_id}.pdf",
            }
        )
    return links
