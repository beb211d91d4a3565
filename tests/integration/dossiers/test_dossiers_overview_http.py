"""The read endpoints behind the console's screens: the secretariat's overview (counts by status,
due this week, overdue in working days) and the public listing (name, position, unit only)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .payloads import CHAIRMAN, PinnedClock, act, awarded, decision_body, in_appraisal, ok, submit


def test_overview_counts_by_status_and_lists_due_and_overdue_in_working_days(
    client: TestClient, clock: PinnedClock
) -> None:
    received = submit(client)  # Monday 03/06/2024, appointment Monday 17/06/2024
    in_appraisal(client)
    first = client.get("/dossiers/overview").json()
    counts = {row["status"]: row["count"] for row in first["by_status"]}
    assert counts["RECEIVED"] == 1 and counts["IN_APPRAISAL"] == 1 and counts["AWARDED"] == 0
    assert first["total"] == 2 and first["on"] == "2024-06-03" and first["week_end"] == "2024-06-09"
    assert first["overdue"] == [] and first["due_this_week"] == []

    clock.advance(days=11)  # Friday 14/06: due on Monday 17/06, not this week (ends Sunday 16/06)
    assert client.get("/dossiers/overview").json()["due_this_week"] == []
    clock.advance(days=3)  # Monday 17/06: due today, 0 working days left
    due = client.get("/dossiers/overview").json()["due_this_week"]
    assert len(due) == 2 and received["id"] in {d["id"] for d in due}
    assert all(d["working_days_left"] == 0 for d in due)
    clock.advance(days=4)  # Friday 21/06: four working days late
    late = client.get("/dossiers/overview").json()["overdue"]
    assert len(late) == 2 and all(d["working_days_late"] == 4 and d["overdue"] for d in late)


def test_overview_of_one_unit_and_the_route_is_not_taken_for_a_dossier_id(client: TestClient) -> None:
    submit(client)
    assert client.get("/dossiers/overview", params={"proposing_unit": "xa-bich-hoa"}).json()["total"] == 1
    assert client.get("/dossiers/overview", params={"proposing_unit": "XA-CU-KHE"}).json()["total"] == 0


def test_public_listing_shows_disclosed_and_awarded_nominees_with_name_position_and_unit_only(
    client: TestClient,
) -> None:
    dossier = awarded(client)  # decided 03/06/2024 by UBND-THANH-OAI, n1 and n2
    ok(
        act(
            client,
            dossier["id"],
            "disclosures",
            {"where": "Bảng tin UBND xã", "from_date": "2024-06-03", "to_date": "2024-06-10", "nominee_ids": ["n1"]},
        )
    )
    listing = client.get("/public/nominees", params={"proposing_unit": "XA-BICH-HOA", "year": 2024}).json()
    assert listing["proposing_unit_name"] == "Ủy ban nhân dân xã Bích Hòa"
    assert [(r["name"], r["where"]) for r in listing["disclosed"]] == [("Nguyễn Thị Hương", "Bảng tin UBND xã")]
    assert sorted(r["name"] for r in listing["awarded"]) == ["Nguyễn Thị Hương", "Trần Văn Đức"]
    award = next(r for r in listing["awarded"] if r["name"] == "Trần Văn Đức")
    assert award["award_label"] == "Chiến sĩ thi đua cơ sở" and award["decision_number"].startswith("1/")
    assert award["position"] == "Công chức Văn phòng – Thống kê" and award["unit"] == "UBND xã Bích Hòa"
    allowed = {
        "name",
        "position",
        "unit",
        "kind",
        "kind_label",
        "award",
        "award_label",
        "proposing_unit",
        "proposing_unit_name",
        "where",
        "from_date",
        "to_date",
        "decision_number",
        "decision_date",
        "authority",
        "authority_name",
    }
    for row in listing["disclosed"] + listing["awarded"]:
        assert set(row) <= allowed  # no gender, rating, address, initiatives…
    assert client.get("/public/nominees", params={"year": 2023}).json()["awarded"] == []


def test_public_listing_leaves_out_annulled_awards_and_refuses_a_mixed_period(client: TestClient) -> None:
    dossier = in_appraisal(client)
    ok(act(client, dossier["id"], "appraisal"))
    ok(
        act(
            client,
            dossier["id"],
            "council-votes",
            {"nominee_id": "n2", "members_total": 9, "votes_for": 9, "votes_against": 0, "absent_in_writing": 0},
        )
    )
    ok(act(client, dossier["id"], "decision", decision_body(), CHAIRMAN))
    annul = {
        "ground": "b",
        "act_reference": "KL 12/KL-TTr",
        "authority": "UBND-THANH-OAI",
        "reason": "Hồ sơ giả",
        "nominee_ids": ["n1"],
    }
    ok(act(client, dossier["id"], "annulment", annul, CHAIRMAN))
    names = [r["name"] for r in client.get("/public/nominees", params={"year": 2024}).json()["awarded"]]
    assert names == ["Trần Văn Đức"]
    refused = client.get("/public/nominees", params={"year": 2024, "from": "2024-01-01"})
    assert refused.status_code == 422 and "year" in refused.json()["errors"]
