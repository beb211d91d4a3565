"""Reporting's legal measures: processing time without the time the proposing unit took to
supplement, and the communes without "Lao động tiên tiến" among the units that existed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from services.reporting.periods import Period, half_period, year_period
from services.reporting.summary import SummaryOptions, summarize
from shared.contracts import dossiers as dc
from shared.reference.org_units import load_org_units
from tests.integration.reporting_tables.conftest import Projection
from tests.support.reporting_events import approval, dossier_event, nominee

UNITS = load_org_units()


def on(day: date) -> datetime:
    return datetime.combine(day, time(3, 0), UTC)


def summary(projection: Projection, period: Period) -> dict[str, Any]:
    return summarize(projection.live.engine, [period], SummaryOptions("none", 10), UNITS)[0]


def test_processing_time_excludes_the_time_waiting_for_a_supplement(projection: Projection) -> None:
    """The deadline runs from a complete dossier and stops while the proposing unit supplements
    (one-stop rules; the receipt slip's clock): the administration is not charged for it.
    Received Wed 1/3/2023, returned for a supplement Thu 2/3, supplemented Thu 9/3, result Tue
    14/3: 9 working days in all, 5 of them (3/3–9/3) waiting for the unit: 4."""
    d = {"dossier_id": "d-1", "received_on": date(2023, 3, 1), "appointment_date": date(2023, 3, 15)}
    projection.feed(
        dossier_event(dc.DossierSubmitted, 1, at=on(date(2023, 3, 1)), snapshot=d),
        dossier_event(dc.DossierSupplementRequested, 2, at=on(date(2023, 3, 2)), missing=["Biên bản"],
                      snapshot={**d, "status": "AWAITING_SUPPLEMENT", "appointment_date": None}),
        dossier_event(dc.DossierSupplemented, 3, at=on(date(2023, 3, 9)), appointment_date=date(2023, 3, 23),
                      snapshot={**d, "appointment_date": date(2023, 3, 23)}),
        dossier_event(dc.DossierResultReturned, 4, at=on(date(2023, 3, 14)), returned_on=date(2023, 3, 14),
                      snapshot={**d, "status": "RESULT_RETURNED", "appointment_date": date(2023, 3, 23)}),
    )  # fmt: skip
    assert summary(projection, year_period(2023))["total"]["processing_days_median"] == 4.0


def test_a_dossier_refused_while_waiting_for_a_supplement_is_charged_only_until_the_request(
    projection: Projection,
) -> None:
    d = {"dossier_id": "d-2", "received_on": date(2023, 3, 1), "appointment_date": date(2023, 3, 15)}
    projection.feed(
        dossier_event(dc.DossierSubmitted, 1, at=on(date(2023, 3, 1)), snapshot=d),
        dossier_event(dc.DossierSupplementRequested, 2, at=on(date(2023, 3, 2)), missing=["Biên bản"],
                      snapshot={**d, "status": "AWAITING_SUPPLEMENT", "appointment_date": None}),
        dossier_event(dc.DossierRefused, 3, at=on(date(2023, 3, 20)), reasons=["Quá hạn bổ sung"],
                      snapshot={**d, "status": "REFUSED", "appointment_date": None}),
    )  # fmt: skip
    assert summary(projection, year_period(2023))["total"]["processing_days_median"] == 1.0


def awarded(dossier_id: str, unit: str, day: date, year: int) -> list[dc.DossierEvent]:
    d = {
        "dossier_id": dossier_id,
        "proposing_unit": dc.UnitInfo(code=unit, name=unit),
        "received_on": day,
        "emulation_year": year,
        "rule_set_id": "2025-nd152",
        "nominees": [nominee("n1", unit=unit)],
    }
    decided = {**d, "status": "AWARDED", "decision_number": "1/QĐ-UBND", "decision_date": day}
    return [
        dossier_event(dc.DossierSubmitted, 1, at=on(day), snapshot=d),
        dossier_event(dc.AwardDecided, 2, at=on(day), decision_number="1/QĐ-UBND", decision_date=day,
                      authority=unit, authority_level="COMMUNE", approvals=[approval("n1", "ADVANCED_WORKER", 710_000)],
                      snapshot=decided),
    ]  # fmt: skip


def communes(projection: Projection, period: Period) -> list[str]:
    listed = summary(projection, period)["details"]["communes_without_advanced_worker"]
    return sorted(c["code"] for c in listed["communes"])


def test_communes_without_an_advanced_worker_are_those_that_existed_at_the_end_of_the_period(
    projection: Projection,
) -> None:
    """NQ 1656/NQ-UBTVQH15: from 1/7/2025 the former communes of Thanh Oai are merged into new
    ones; a report on 2025 counts the 2025 communes, not the pre-merger ones as well. An award to
    a former commune early in the year counts for the commune that took it over."""
    projection.feed(*awarded("d-1", "XA-TAM-HUNG", date(2025, 3, 10), 2025))
    year_2025 = communes(projection, year_period(2025))
    assert year_2025 == sorted(
        ["XA-THANH-OAI-2025", "XA-DAN-HOA-2025", "XA-BINH-MINH-2025", "XA-HOA-PHU-2025", "PHUONG-PHU-LUONG-2025"]
    )  # Tam Hưng 2025 took over xã Tam Hưng, which had an LĐTT in March
    first_half = communes(projection, half_period(2025, 1))
    assert "XA-TAM-HUNG" not in first_half and "XA-KIM-AN" in first_half
    assert not any(code.endswith("-2025") for code in first_half)
