"""Clusters and blocs: the pact's criteria, the year-end scores, the ranking and the proposal of
leading units (a hand-computed example)."""

from __future__ import annotations

from datetime import date

import pytest

from services.dossiers.annual.application import AnnualWork
from services.dossiers.annual.clusters import EmulationCluster
from services.dossiers.application import Dossiers
from services.dossiers.domain.errors import DossierError, DossierValidationError
from tests.support.dossiers import SECRETARY, at

WHEN = at(date(2025, 12, 15))
SCORES = {
    # criterion maxima 40 / 30 / 30
    "XA-A": {"k1": 38, "k2": "27.5", "k3": 25},  # 90.5
    "XA-B": {"k1": 35, "k2": 28, "k3": "27.5"},  # 90.5
    "XA-C": {"k1": 39, "k2": 29, "k3": 28},  # 96
    "XA-D": {"k1": 30, "k2": 20, "k3": 25},  # 75
}


def scored(work: AnnualWork) -> EmulationCluster:
    work.form_cluster(
        code="cum-1", year=2025, name="Cụm thi đua số 1", kind="CLUSTER",
        members=["XA-A", "XA-B", "XA-C", "XA-D"], leading_unit="XA-A", deputy_unit="XA-B", actor=SECRETARY, at=WHEN,
    )  # fmt: skip
    criteria = [
        {"key": "k1", "text": "Thực hiện nhiệm vụ chính trị", "max_points": 40},
        {"key": "k2", "text": "Phong trào thi đua", "max_points": 30},
        {"key": "k3", "text": "Công tác khen thưởng", "max_points": 30},
    ]
    work.cluster_command(
        "CUM-1", 2025, lambda c: c.sign_pact(signed_on=date(2025, 2, 1), criteria=criteria, actor=SECRETARY, at=WHEN)
    )
    for unit, points in SCORES.items():
        work.cluster_command(
            "CUM-1", 2025, lambda c, u=unit, p=points: c.record_scores(unit=u, points=p, actor=SECRETARY, at=WHEN)
        )
    return work.cluster("CUM-1", 2025)


def test_ranking_matches_the_hand_computed_example(app: Dossiers) -> None:
    cluster = scored(AnnualWork(app))
    assert cluster.ranking() == [
        {"rank": 1, "unit": "XA-C", "total": "96"},
        {"rank": 2, "unit": "XA-A", "total": "90.5"},
        {"rank": 2, "unit": "XA-B", "total": "90.5"},
        {"rank": 4, "unit": "XA-D", "total": "75"},
    ]


def test_leading_units_are_proposed_in_ranking_order(app: Dossiers) -> None:
    work = AnnualWork(app)
    scored(work)
    with pytest.raises(DossierError, match="dẫn đầu"):
        work.cluster_command(
            "CUM-1",
            2025,
            lambda c: c.propose_leading_units(award="EMULATION_FLAG", units=["XA-A"], actor=SECRETARY, at=WHEN),
        )
    with pytest.raises(DossierError, match="XA-C, XA-A, XA-B"):
        work.cluster_command(
            "CUM-1",
            2025,
            lambda c: c.propose_leading_units(award="COMMENDATION", units=["XA-D"], actor=SECRETARY, at=WHEN),
        )
    work.cluster_command(
        "CUM-1",
        2025,
        lambda c: c.propose_leading_units(award="EMULATION_FLAG", units=["XA-C"], actor=SECRETARY, at=WHEN),
    )
    cluster = work.cluster_command(
        "CUM-1",
        2025,
        lambda c: c.propose_leading_units(award="COMMENDATION", units=["XA-C", "XA-B"], actor=SECRETARY, at=WHEN),
    )
    assert [p["award"] for p in cluster.proposals] == ["EMULATION_FLAG", "COMMENDATION"]
    assert cluster.proposals[1]["units"] == [{"unit": "XA-C", "rank": 1}, {"unit": "XA-B", "rank": 2}]


def test_points_above_the_pacts_maximum_and_scores_before_a_pact_are_refused(app: Dossiers) -> None:
    work = AnnualWork(app)
    cluster = scored(work)
    with pytest.raises(DossierValidationError) as err:
        cluster.record_scores(
            unit="XA-D", points={"k1": 41, "k2": 1, "k3": 1}, actor=SECRETARY, at=WHEN, reason="Chấm lại"
        )
    assert err.value.field_errors == {"points.k1": "Điểm phải từ 0 đến 40."}
    other = EmulationCluster.form(
        code="KHOI-1", year=2025, name="Khối các trường", kind="BLOC", members=["T1", "T2"],
        leading_unit="T1", deputy_unit="T2", actor=SECRETARY, at=WHEN,
    )  # fmt: skip
    with pytest.raises(DossierError, match="chưa ký giao ước"):
        other.record_scores(unit="T1", points={}, actor=SECRETARY, at=WHEN)
