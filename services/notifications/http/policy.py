"""Who may manage webhooks, read inboxes and delivery history: notifications' policy table."""

from __future__ import annotations

from shared.http.policy import STAFF, Policy, allow

OPERATORS = allow("administrator", "operator")
OVERSIGHT = allow("administrator", "operator", "auditor")
INBOX_OVERSIGHT = frozenset({"council_secretariat", "administrator", "operator", "auditor"})
"""Who reads every unit's inbox; everyone else reads only their own unit's (checked in the route)."""

POLICY: Policy = {
    ("GET", "/subscriptions"): OVERSIGHT,
    ("POST", "/subscriptions"): OPERATORS,
    ("DELETE", "/subscriptions/{subscription_id}"): OPERATORS,
    ("GET", "/inbox"): allow(STAFF),
    ("POST", "/inbox/{message_id}/read"): allow(STAFF),
    ("GET", "/deliveries"): OVERSIGHT,
    ("GET", "/deliveries/{delivery_id}"): OVERSIGHT,
    ("POST", "/deliveries/{delivery_id}/retry"): OPERATORS,
}
