"""Listing and searching read the query model (events folded in log order), never the
repository, and see a write made through another instance of the application at once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.campaigns.application import Campaigns
from shared.actor import Actor

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
LEAD = Actor("nv.phongkt", "lead_unit_clerk", "PKT")


def application_campaign() -> dict[str, Any]:
    return {
        "code": "PT-2023-NTM",
        "name": "Toàn dân chung sức xây dựng Nông thôn mới",
        "lead_unit_id": "PKT",
        "kind": "thematic",
        "launching_level": "district",
        "actor": LEAD,
        "start_date": date(2023, 1, 15),
        "end_date": date(2023, 12, 31),
    }


def test_search_and_views_load_no_aggregate(monkeypatch: pytest.MonkeyPatch) -> None:
    app = Campaigns(env=POPO)
    drafted = app.draft(**application_campaign())
    app.register(drafted.id, registration_number="05/ĐK-PNV", registered_on=date(2023, 1, 18), actor=drafted.drafted_by)

    def no_loading(*_: Any, **__: Any) -> None:
        raise AssertionError("a list must not load aggregates from the repository")

    monkeypatch.setattr(app.repository, "get", no_loading)
    found = app.queries.search(status="registered")
    assert [c.code for c in found] == [drafted.code]
    (view,) = app.queries.views(found)
    assert view["status"] == "registered" and view["version"] == 2 and view["registration"]["number"] == "05/ĐK-PNV"


def test_a_view_follows_the_campaign_to_its_latest_version() -> None:
    app = Campaigns(env=POPO)
    drafted = app.draft(**application_campaign())
    assert app.queries.views(app.queries.search())[0]["status"] == "draft"
    app.cancel(drafted.id, reason="Trùng phong trào khác", cancelled_on=date(2023, 2, 1), actor=drafted.drafted_by)
    assert app.queries.views(app.queries.search())[0]["status"] == "cancelled"
