"""The relay's mapper: every dossier event becomes its contract; the number sequences stay inside."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.persistence import Notification

from services.dossiers.application import Dossiers
from services.dossiers.publishing import CONTRACT_BY_EVENT, dossier_event_mapper
from shared.contracts import dossiers as contracts
from shared.messaging.relay import envelope_for
from shared.reference.org_units import load_org_units
from tests.support.dossiers import at, submission


def mapped(app: Dossiers) -> list[object]:
    mapper = dossier_event_mapper(load_org_units())
    out = []
    for notification in app.notification_log.select(start=1, limit=100):
        assert isinstance(notification, Notification)
        event = app.mapper.to_domain_event(notification)
        out.append(mapper(app, event, envelope_for("dossiers", notification, event)))
    return out


def test_the_receipt_sequence_events_are_not_published_and_the_submission_is(app: Dossiers) -> None:
    dossier = app.submit(at=at(date(2024, 6, 3)), **submission(proposing_unit="XA-BICH-HOA"))
    started, issued, submitted = mapped(app)
    assert started is None and issued is None
    assert isinstance(submitted, contracts.DossierSubmitted)
    assert submitted.event_id == app.history(dossier.id)[0]["event_id"] == str(UUID(submitted.event_id))
    assert submitted.dossier.proposing_unit.name == "Ủy ban nhân dân xã Bích Hòa"
    assert submitted.dossier.appointment_date == date(2024, 6, 17)


def test_an_unknown_unit_is_published_under_its_code(app: Dossiers) -> None:
    app.submit(at=at(date(2024, 6, 3)), **submission(proposing_unit="THCS-KIM-BAI"))
    submitted = mapped(app)[-1]
    assert isinstance(submitted, contracts.DossierSubmitted)
    assert submitted.dossier.proposing_unit.name == "THCS-KIM-BAI"


def test_every_dossier_event_class_has_a_contract() -> None:
    from services.dossiers.documents.steps import DossierDocuments
    from services.dossiers.domain.dossier import Dossier

    def declared(cls: type) -> set[str]:
        return {k for k, v in vars(cls).items() if isinstance(v, type) and k not in ("Event", "Created", "Snapshot")}

    # The document steps' events are declared (and triggered) on the base class that holds them.
    documents = declared(DossierDocuments)
    events = {f"Dossier.{k}" for k in declared(Dossier) - documents} | {f"DossierDocuments.{k}" for k in documents}
    assert events == set(CONTRACT_BY_EVENT)
