"""Settings of the dossiers service (environment, prefix `TDKT_`).

Everything a locality changes without a code change lives here: where files go, how large an
attachment may be, and what the printed slips say about the receiving office.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr

from shared.settings import TdktSettings

MEBIBYTE = 1024 * 1024


class DossiersSettings(TdktSettings):
    dossiers_database_url: str | None = None
    """Read models (the campaign view, processed messages): SQLite under var/ by default,
    `postgresql://…` in production (`TDKT_DOSSIERS_DATABASE_URL`)."""

    # --- attachments (blobs, content-addressed by SHA-256) --------------------------------
    dossiers_blob_backend: Literal["folder", "s3"] = "folder"
    dossiers_blob_dir: Path | None = None
    """Folder of the `folder` backend; default `<var>/dossiers-blobs`."""
    dossiers_s3_bucket: str = ""
    dossiers_s3_prefix: str = "dossiers/"
    dossiers_s3_endpoint_url: str | None = None
    """S3-compatible endpoint (MinIO, Ceph…); None means AWS."""
    dossiers_s3_region: str | None = None
    dossiers_max_attachment_bytes: int = 20 * MEBIBYTE

    # --- receipt numbers and printed slips -------------------------------------------------
    dossiers_receipt_office: str = "TN"
    """Code of the receiving desk in receipt numbers (`000123/2026/TN`)."""
    dossiers_receiving_unit: str = "UBND-THANH-OAI"
    """Org-unit code printed as the governing body on the slips."""
    dossiers_receiving_desk: str = "Bộ phận Tiếp nhận và Trả kết quả"
    dossiers_place_name: str = "Thanh Oai"
    """Place on the date line of the slips (`Thanh Oai, ngày 03 tháng 6 năm 2024`)."""
    dossiers_desk_phone: str = ""

    # --- awaiting-campaign re-check (services.dossiers.recheck_schedule) ------------------
    dossiers_campaign_settle_seconds: float = 2.0
    """Quiet time after the last campaign message before waiting dossiers are re-checked, so a
    burst of campaign events is judged on its last snapshot."""
    dossiers_campaign_recheck_seconds: float = 60.0
    """Safety-net sweep of dossiers awaiting their campaign, run only while the campaign
    consumer is caught up; 0 disables it (the event-driven re-check still runs)."""

    # --- succession (services.dossiers.succession_sweep) ----------------------------------
    dossiers_succession_sweep_seconds: float = 3600.0
    """How often open dossiers pending at a unit that ended are passed to its successor; 0
    disables the sweep (`POST /dossiers/successions` still does it on demand)."""

    # --- documents (services.dossiers.documents) -------------------------------------------
    dossiers_public_url: str = "http://127.0.0.1:8002"
    """Where people reach this service: the links to decisions and certificates in notifications."""
    dossiers_document_templates_dir: Path | None = None
    """The office's own Word templates (same file names as the packaged ones); packaged ones fill gaps."""
    dossiers_offices_file: Path | None = None
    """Place names, signers, "Nơi nhận" of each issuing office (YAML); the packaged demo set when unset."""
    dossiers_certificate_blanks_dir: Path | None = None
    """The office's print layouts of its pre-printed blanks (YAML), beside the packaged ones."""
    dossiers_soffice: str | None = None
    """LibreOffice's `soffice` for PDF conversion; found on PATH when unset."""
    dossiers_signature_trust_roots: list[Path] = []
    """PEM/DER certificates of the certification authorities whose signatures are accepted."""
    dossiers_signing_pkcs12: Path | None = None
    """The signing service's key and certificate (PKCS#12); unset: signed files are uploaded only."""
    dossiers_signing_pkcs12_password: SecretStr | None = None
    dossiers_external_decision_registers: list[str] = []
    """Authorities (org-unit codes) whose decision numbers come from their own document register,
    entered when a decision is issued; the others are numbered by this system."""

    def blob_dir(self) -> Path:
        return self.dossiers_blob_dir or self.var_dir / "dossiers-blobs"
