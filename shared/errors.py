"""Bad input, the one way every service says it: HTTP 422 with a Vietnamese message per field.

Plain Python (no web framework), so a domain can raise it: each service's validation error
(`DossierValidationError`, `CampaignValidationError`) is a `FieldErrors`, and so is what an
endpoint finds wrong in its parameters or what pydantic finds wrong in a request body. One handler
(`shared.http.problems`) turns every one of them into the same problem document:
`{"type", "title", "status": 422, "detail", "errors": {path: message}}`.
"""

from __future__ import annotations

from collections.abc import Mapping

INVALID_FIELDS = "Dữ liệu gửi lên chưa hợp lệ; xem chi tiết từng trường."


class FieldErrors(Exception):
    """Invalid input (HTTP 422): one Vietnamese message per field path (`nominees[0].name`),
    all of them at once, and a summary `detail`."""

    def __init__(self, field_errors: Mapping[str, str], detail: str = INVALID_FIELDS) -> None:
        self.field_errors = dict(field_errors)
        self.detail = detail
        details = "; ".join(f"{field}: {text}" for field, text in self.field_errors.items())
        super().__init__(f"Dữ liệu không hợp lệ — {details}")
