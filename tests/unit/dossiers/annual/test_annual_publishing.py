"""Every event of the year's workload is published under its contract; the history's reading
position is not; no published event carries a raw ID number."""

from __future__ import annotations

import json
from datetime import date

from eventsourcing.persistence import Notification

from services.dossiers.annual.application import AnnualWork
from services.dossiers.annual.clusters import EmulationCluster
from services.dossiers.annual.council import Council, CouncilMeeting
from services.dossiers.annual.history import AwardYear
from services.dossiers.annual.identity import person_key
from services.dossiers.annual.publishing import CONTRACT_BY_EVENT
from services.dossiers.annual.registration import EmulationPledge
from services.dossiers.annual.rounds import AwardRound
from services.dossiers.application import Dossiers
from services.dossiers.publishing import dossier_event_mapper
from shared.contracts import REGISTRY
from shared.messaging.relay import envelope_for
from shared.reference.org_units import load_org_units
from tests.support.annual_council import constituted
from tests.support.dossiers import ANNUAL, COMMUNE_2025, SECRETARY, at, attachments, fighter

from .test_clusters import scored

ID_NUMBER = "001085012345"


def test_every_annual_event_class_has_a_contract() -> None:
    declared = {
        f"{cls.__name__}.{k}"
        for cls in (Council, CouncilMeeting, AwardRound, AwardYear, EmulationPledge, EmulationCluster)
        for k, v in vars(cls).items()
        if isinstance(v, type) and k not in ("Event", "Created", "Snapshot")
    }
    assert declared == set(CONTRACT_BY_EVENT)


def test_a_years_events_are_published_and_the_id_number_never_is(app: Dossiers) -> None:
    work = AnnualWork(app)
    constituted(work)
    scored(work)
    work.cluster_command(
        "CUM-1",
        2025,
        lambda c: c.propose_leading_units(
            award="EMULATION_FLAG", units=["XA-C"], actor=SECRETARY, at=at(date(2025, 12, 20))
        ),
    )
    work.import_past_awards(
        rows=[{"id_number": ID_NUMBER, "name": "An", "award": "GRASSROOTS_EMULATION_FIGHTER", "year": 2024}],
        source_ref="Sổ khen thưởng 2024", actor=SECRETARY, at=at(date(2025, 1, 2)),
    )  # fmt: skip
    work.register_emulation(
        unit="DV01", year=2025, targets={"GRASSROOTS_EMULATION_FIGHTER": 1},
        individuals=[{"id_number": ID_NUMBER, "name": "An", "award": "GRASSROOTS_EMULATION_FIGHTER"}],
        registered_on=date(2025, 1, 5), actor=SECRETARY, at=at(date(2025, 1, 5)),
    )  # fmt: skip
    rnd = work.open_round(
        authority=COMMUNE_2025, year=2025, name="Tổng kết 2025", awards=["GRASSROOTS_EMULATION_FIGHTER"],
        units=["DV01"], submission_deadline=date(2025, 12, 5), actor=SECRETARY, at=at(date(2025, 11, 3)),
    )  # fmt: skip
    work.submit_to_round(
        rnd.id, unit="DV01", nominees=[{"identity": person_key(ID_NUMBER), "nominee": fighter(name="An")}],
        attachments=attachments(*ANNUAL), achievements="…", actor=SECRETARY, at=at(date(2025, 11, 20)),
    )  # fmt: skip
    work.appraise_round(rnd.id, actor=SECRETARY, at=at(date(2025, 12, 1)))
    work.vote_round(
        rnd.id, meeting_date=date(2025, 12, 2), minutes_ref="01/BB", present=["m1", "m2", "m3", "m4", "m5", "m6"],
        written=["m7", "m8", "m10"], actor=SECRETARY, at=at(date(2025, 12, 2), 16),
    )  # fmt: skip
    work.decide_round(rnd.id, decision_date=date(2025, 12, 5), actor=SECRETARY, at=at(date(2025, 12, 5)))

    mapper = dossier_event_mapper(load_org_units())
    published, internal = set(), set()
    for notification in app.notification_log.select(start=1, limit=1000):
        assert isinstance(notification, Notification)
        event = app.mapper.to_domain_event(notification)
        contract = mapper(app, event, envelope_for("dossiers", notification, event))
        name = type(event).__qualname__
        if contract is None:
            internal.add(name)
            continue
        payload = json.loads(json.dumps(contract.payload()))
        assert REGISTRY.parse(contract.subject, payload) == contract
        assert ID_NUMBER not in json.dumps(payload)
        published.add(name)
    assert set(CONTRACT_BY_EVENT) <= published
    assert internal == {"HistoryFeed.Started", "HistoryFeed.Advanced", "ReceiptNumberSequence.Started",
                        "NumberSequence.NumberIssued", "DecisionNumberSequence.Started",
                        "DecisionNumberSequence.DecisionNumberIssued"}  # fmt: skip
