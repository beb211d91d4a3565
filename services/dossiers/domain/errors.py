"""The dossiers service's own errors, each with a Vietnamese message a clerk can act on.

Four kinds, because the HTTP layer answers each differently: a refused transition
(`DossierError`, 409), a lost race (`DossierConcurrencyError`, also 409), invalid field values
(`DossierValidationError`, 422) and an unknown dossier (`DossierNotFound`, 404). Every guard runs
before any event is triggered, so when one of these is raised nothing has changed.
"""

from __future__ import annotations

from shared.errors import FieldErrors


class DossiersServiceError(Exception):
    """Base of every error this service raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DossierError(DossiersServiceError):
    """A command refused in the dossier's current state (HTTP 409).

    `code` is stable and machine-readable (e.g. `invalid_transition`); `message` is for people.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class DossierConcurrencyError(DossierError):
    """Someone else changed the dossier first, or the number sequence stayed contended (HTTP 409)."""

    def __init__(self, message: str = "Hồ sơ vừa được người khác cập nhật; vui lòng tải lại và thử lại.") -> None:
        super().__init__("concurrent_update", message)


class DossierValidationError(FieldErrors, DossiersServiceError):
    """Invalid field values (HTTP 422): one Vietnamese message per field path (`nominees[0].name`)."""


class DossierNotFound(DossiersServiceError, LookupError):
    """No dossier with this id (HTTP 404)."""

    def __init__(self, dossier_id: object) -> None:
        super().__init__(f"Không tìm thấy hồ sơ đề nghị khen thưởng có mã định danh {dossier_id}.")
        self.dossier_id = dossier_id
