"""The campaigns service's own errors, each carrying a Vietnamese message a clerk can act on.

Three kinds, because the HTTP layer answers each differently: a refused transition
(`CampaignError`, 409), invalid field values (`CampaignValidationError`, 422) and an unknown
campaign (`CampaignNotFound`, 404).
"""

from __future__ import annotations

from shared.errors import FieldErrors


class CampaignsServiceError(Exception):
    """Base of every error this service raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CampaignError(CampaignsServiceError):
    """A command refused in the campaign's current state (HTTP 409).

    `code` is stable and machine-readable (e.g. `not_registered`); `message` is for people.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class CampaignValidationError(FieldErrors, CampaignsServiceError):
    """Invalid field values (HTTP 422): one Vietnamese message per field path (`targets[0].indicator`)."""


class CampaignNotFound(CampaignsServiceError, LookupError):
    """No campaign with this id (HTTP 404)."""

    def __init__(self, campaign_id: object) -> None:
        super().__init__(f"Không tìm thấy phong trào thi đua có mã định danh {campaign_id}.")
        self.campaign_id = campaign_id
