"""Who may read which report, and who may rebuild the report tables: reporting's policy table."""

from __future__ import annotations

from shared.http.policy import STAFF, Policy, allow

OPERATORS = allow("administrator", "operator")

POLICY: Policy = {
    ("GET", "/reports/campaigns"): allow(STAFF),
    ("GET", "/reports/summary"): allow(STAFF),
    ("GET", "/reports/cash-rewards"): allow(STAFF),
    ("GET", "/reports/forms/0602"): allow(STAFF),
    ("GET", "/reports/forms/0601"): allow(STAFF),
    ("GET", "/reports/forms/0601-0602"): allow(STAFF),
    ("GET", "/admin/rebuild"): allow("administrator", "operator", "auditor"),
    ("GET", "/admin/verify"): allow("administrator", "operator", "auditor"),
    ("POST", "/admin/rebuild"): OPERATORS,
}
