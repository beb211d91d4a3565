"""Vietnamese words for the codes that events carry, for the templates.

The words of the published codes come from `shared.contracts.labels`; this module adds the
words of this service's own delivery channels.
"""

from __future__ import annotations

from shared.contracts.labels import ALL_CODES, ANNULMENT_GROUNDS

LABELS: dict[str, str] = {
    **ALL_CODES,
    # delivery channels of this service
    "email": "Thư điện tử",
    "webhook": "Webhook",
    "inbox": "Hộp thư trong ứng dụng",
}


def label(code: object) -> str:
    """The Vietnamese word for a code, or the code itself when there is none."""
    if code is None:
        return ""
    return LABELS.get(str(code), str(code))


def annulment_ground(code: object) -> str:
    return ANNULMENT_GROUNDS.get(str(code), str(code))
